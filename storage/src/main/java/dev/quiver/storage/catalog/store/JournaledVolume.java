package dev.quiver.storage.catalog.store;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.SortedMap;
import java.util.TreeMap;
import org.mapdb.DBException;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * A MapDB {@link Volume} over a {@link PageJournal}: writes collect in memory as whole pages and
 * reach the file only when MapDB syncs the volume, as one journal commit.
 *
 * <p>MapDB's StoreWAL writes the store file only inside {@code commit()}, which ends with {@link
 * #sync()}, so one MapDB commit becomes exactly one journal commit. Reads see the pending pages, as
 * they would see in-place writes. The length only grows in whole pages so that every page has one
 * checksum over 4096 bytes. Values are big-endian, as in MapDB's own file volumes.
 */
final class JournaledVolume extends Volume {
  private static final int PAGE = PageJournal.PAGE_SIZE;

  private final PageJournal journal;
  private final SortedMap<Integer, byte[]> pending = new TreeMap<>();
  private long length;
  private boolean holding;

  JournaledVolume(PageJournal journal) {
    this.journal = journal;
    this.length = journal.length();
  }

  /**
   * Makes syncs keep their pages pending until {@link #release()}, so that several MapDB commits
   * (those creating a store) become one journal commit.
   */
  synchronized void hold() {
    holding = true;
  }

  /** Ends {@link #hold()} and commits everything pending. */
  synchronized void release() {
    holding = false;
    commitPending();
  }

  @Override
  public synchronized void ensureAvailable(long offset) {
    if (offset > length) {
      length = roundUp(offset);
    }
  }

  @Override
  public synchronized void truncate(long size) {
    long newLength = roundUp(size);
    pending.tailMap((int) (newLength / PAGE)).clear();
    if (newLength > size) {
      clear(size, newLength);
    }
    length = newLength;
  }

  @Override
  public synchronized void putLong(long offset, long value) {
    write(offset, ByteBuffer.allocate(8).putLong(value).array(), 0, 8);
  }

  @Override
  public synchronized void putInt(long offset, int value) {
    write(offset, ByteBuffer.allocate(4).putInt(value).array(), 0, 4);
  }

  @Override
  public synchronized void putByte(long offset, byte value) {
    write(offset, new byte[] {value}, 0, 1);
  }

  @Override
  public synchronized void putData(long offset, byte[] src, int srcPos, int srcSize) {
    write(offset, src, srcPos, srcSize);
  }

  @Override
  public synchronized void putData(long offset, ByteBuffer buf) {
    ByteBuffer source = buf.duplicate();
    byte[] bytes = new byte[source.remaining()];
    source.get(bytes);
    write(offset, bytes, 0, bytes.length);
  }

  @Override
  public synchronized void clear(long startOffset, long endOffset) {
    byte[] zeros = new byte[(int) Math.min(PAGE, Math.max(0, endOffset - startOffset))];
    for (long at = startOffset; at < endOffset; at += zeros.length) {
      write(at, zeros, 0, (int) Math.min(zeros.length, endOffset - at));
    }
  }

  @Override
  public synchronized long getLong(long offset) {
    return ByteBuffer.wrap(read(offset, 8)).getLong();
  }

  @Override
  public synchronized int getInt(long offset) {
    return ByteBuffer.wrap(read(offset, 4)).getInt();
  }

  @Override
  public synchronized byte getByte(long offset) {
    return read(offset, 1)[0];
  }

  @Override
  public synchronized DataInput2 getDataInput(long offset, int size) {
    return new DataInput2.ByteArray(read(offset, size));
  }

  @Override
  public synchronized void getData(long offset, byte[] bytes, int bytesPos, int size) {
    read(offset, bytes, bytesPos, size);
  }

  /** Commits the pending pages through the journal: MapDB calls this at the end of a commit. */
  @Override
  public synchronized void sync() {
    if (!holding) {
      commitPending();
    }
  }

  @Override
  public synchronized void close() {
    if (closed.compareAndSet(false, true)) {
      pending.clear();
      journal.close();
    }
  }

  @Override
  public int sliceSize() {
    return 0;
  }

  @Override
  public boolean isSliced() {
    return false;
  }

  @Override
  public synchronized long length() {
    return length;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public File getFile() {
    return journal.file().toFile();
  }

  @Override
  public boolean getFileLocked() {
    return true;
  }

  private void commitPending() {
    if (pending.isEmpty() && length == journal.length()) {
      return;
    }
    journal.commit(length, pending);
    pending.clear();
  }

  private void write(long offset, byte[] src, int pos, int len) {
    if (offset + len > length) {
      length = roundUp(offset + len);
    }
    while (len > 0) {
      int page = (int) (offset / PAGE);
      int inPage = (int) (offset % PAGE);
      int n = Math.min(len, PAGE - inPage);
      byte[] image = pending.get(page);
      if (image == null) {
        image = new byte[PAGE];
        journal.read((long) page * PAGE, image, 0, PAGE);
        pending.put(page, image);
      }
      System.arraycopy(src, pos, image, inPage, n);
      offset += n;
      pos += n;
      len -= n;
    }
  }

  private byte[] read(long offset, int size) {
    byte[] bytes = new byte[size];
    read(offset, bytes, 0, size);
    return bytes;
  }

  private void read(long offset, byte[] dst, int pos, int len) {
    if (offset < 0 || offset + len > length) {
      throw new DBException.VolumeEOF(
          "read of " + len + " bytes at " + offset + " beyond the " + length + "-byte store");
    }
    while (len > 0) {
      int page = (int) (offset / PAGE);
      int inPage = (int) (offset % PAGE);
      int n = Math.min(len, PAGE - inPage);
      byte[] image = pending.get(page);
      if (image != null) {
        System.arraycopy(image, inPage, dst, pos, n);
      } else {
        journal.read(offset, dst, pos, n);
      }
      offset += n;
      pos += n;
      len -= n;
    }
  }

  private static long roundUp(long offset) {
    return (offset + PAGE - 1) / PAGE * PAGE;
  }
}
