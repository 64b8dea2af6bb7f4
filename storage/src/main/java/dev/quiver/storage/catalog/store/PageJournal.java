package dev.quiver.storage.catalog.store;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.file.FileLayer;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * The commit journal of a page file ({@code catalog.db}): it makes each commit's page writes atomic
 * and proves every page of the file intact when the file is opened.
 *
 * <p>It exists because MapDB 3.1.0 with transactions is not crash-safe: its commit syncs a WAL,
 * then overwrites the store file in place, but opening never replays that WAL, so a process killed
 * during the in-place writes leaves a store whose header describes the new commit while some pages
 * still hold the old one (MapDbCatalogStore's javadoc has the evidence). This journal is the redo
 * log MapDB lacks, and its per-page checksums are the record checksums MapDB's transactional store
 * does not support.
 *
 * <p>Files, next to the page file {@code F}: {@code F.journal-0} and {@code F.journal-1}, each
 * holding one commit record; commits write them alternately. A commit
 *
 * <ol>
 *   <li>writes its record (every page it changed, whole, and the checksum of every page of the
 *       file) into the slot that does not hold the latest record, and forces it: the commit point;
 *   <li>writes the pages into {@code F}, sets its length and forces it.
 * </ol>
 *
 * <p>Hence {@code F} only changes after a record describing the change is durable, and the latest
 * record is never the one being overwritten. Opening takes the valid record with the highest
 * sequence, checks every page of {@code F} (with that record's page images in place of the file's
 * own) against its checksums, then writes those images again, which completes a commit a crash
 * interrupted and changes nothing otherwise. A torn record (the crash hit step 1) fails its CRC and
 * is ignored: that commit never returned. {@code F} is created by the first commit's step 2, so a
 * page file without a valid record is damaged, not new.
 *
 * <p>Record layout (big-endian):
 *
 * <pre>
 * magic      4 bytes  "QVCJ"
 * version    byte     1
 * sequence   long     1 for the commit that creates F, then one more per commit
 * length     long     F's length after the commit, a multiple of 4096
 * pages      int      number of page images, then per page:
 *   index    int        page number (file offset / 4096)
 *   image    4096 bytes the page's content after the commit
 * sums       int      F's page count (length / 4096), then per page its CRC-32C as an int
 * crc        int      CRC-32C of every byte above
 * </pre>
 *
 * <p>Every file operation goes through a {@link FileLayer}, so tests can simulate a power loss at
 * any force. Not thread-safe: its one user, {@link JournaledVolume}, serializes calls.
 */
final class PageJournal implements Closeable {
  /** The unit of change and of checksumming. */
  static final int PAGE_SIZE = 4096;

  private static final byte[] MAGIC = {'Q', 'V', 'C', 'J'};
  private static final byte VERSION = 1;
  private static final int HEADER_BYTES = MAGIC.length + 1 + 8 + 8 + 4;
  private static final int ZERO_PAGE_SUM = checksum(new byte[PAGE_SIZE]);
  private static final StandardOpenOption[] READ_WRITE = {
    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE
  };

  /**
   * Page files open in this process. Checked before any file is touched: closing a second channel
   * on a locked file would drop this process's lock on it (POSIX lock semantics).
   */
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileLayer files;
  private final Path[] slotFiles;
  private final FileChannel[] slots;
  private final FileLock lock;
  private FileChannel main;
  private long length;
  private int[] sums;
  private long sequence;
  private int latestSlot;
  private boolean failed;

  private PageJournal(
      Path file,
      FileLayer files,
      Path[] slotFiles,
      FileChannel[] slots,
      FileLock lock,
      FileChannel main,
      Record latest,
      int latestSlot) {
    this.file = file;
    this.files = files;
    this.slotFiles = slotFiles;
    this.slots = slots;
    this.lock = lock;
    this.main = main;
    this.length = latest.length;
    this.sums = latest.sums;
    this.sequence = latest.sequence;
    this.latestSlot = latestSlot;
  }

  /** The journal file names of a page file. */
  static Path[] slotFiles(Path file) {
    return new Path[] {
      file.resolveSibling(file.getFileName() + ".journal-0"),
      file.resolveSibling(file.getFileName() + ".journal-1")
    };
  }

  /**
   * Opens the journal of a page file: completes an interrupted commit and checks every page. A page
   * file that does not exist yet, without journal records, is an empty file of length 0.
   *
   * @throws QuiverException CORRUPT_FILE when a page fails its checksum or the journal is missing,
   *     DATABASE_LOCKED when the file is open elsewhere, IO_ERROR when a file cannot be read
   */
  static PageJournal open(Path file, FileLayer files) {
    Path key = file.toAbsolutePath().normalize();
    if (!OPEN.add(key)) {
      throw locked(file, "it is already open in this process");
    }
    Path[] slotFiles = slotFiles(file);
    FileChannel[] slots = new FileChannel[2];
    FileChannel main = null;
    boolean opened = false;
    try {
      boolean createdSlot = false;
      for (int i = 0; i < 2; i++) {
        createdSlot |= !Files.exists(slotFiles[i]);
        slots[i] = files.open(slotFiles[i], READ_WRITE);
      }
      FileLock lock = tryLock(slots[0], file);
      if (createdSlot) {
        files.forceDirectory(folder(file));
      }
      Record latest = null;
      int latestSlot = 1;
      for (int i = 0; i < 2; i++) {
        Record record = Record.read(slots[i], slotFiles[i]);
        if (record != null && (latest == null || record.sequence > latest.sequence)) {
          latest = record;
          latestSlot = i;
        }
      }
      boolean mainExists = Files.exists(file);
      if (latest == null) {
        if (mainExists) {
          throw CatalogErrors.corrupt(
              file,
              "its journal ("
                  + slotFiles[0].getFileName()
                  + ", "
                  + slotFiles[1].getFileName()
                  + ") is missing or unreadable, so its pages cannot be checked");
        }
        latest = new Record(0, 0, new TreeMap<>(), new int[0]);
      } else {
        if (!mainExists && latest.sequence != 1) {
          throw CatalogErrors.corrupt(
              file, "the file is missing while its journal holds commit " + latest.sequence);
        }
        main = files.open(file, READ_WRITE);
        verify(file, main, latest);
        apply(main, latest);
        if (!mainExists) {
          files.forceDirectory(folder(file));
        }
      }
      PageJournal journal =
          new PageJournal(file, files, slotFiles, slots, lock, main, latest, latestSlot);
      opened = true;
      return journal;
    } catch (IOException e) {
      throw CatalogErrors.io(file, "open", e);
    } finally {
      if (!opened) {
        closeQuietly(main);
        for (FileChannel slot : slots) {
          closeQuietly(slot);
        }
        OPEN.remove(key);
      }
    }
  }

  /** The page file. */
  Path file() {
    return file;
  }

  /** The page file's committed length. */
  long length() {
    return length;
  }

  /** The sequence number of the latest commit, 0 before the first. */
  long sequence() {
    return sequence;
  }

  /**
   * Reads committed bytes of the page file; bytes past its committed length read as zero.
   *
   * @throws QuiverException IO_ERROR when the file cannot be read
   */
  void read(long offset, byte[] dst, int pos, int len) {
    int inFile = (int) Math.max(0, Math.min(len, length - offset));
    if (inFile > 0) {
      try {
        readFully(main, ByteBuffer.wrap(dst, pos, inFile), offset);
      } catch (IOException e) {
        throw CatalogErrors.io(file, "read", e);
      }
    }
    Arrays.fill(dst, pos + inFile, pos + len, (byte) 0);
  }

  /**
   * Commits pages atomically: after this returns they are durable; after a crash inside it either
   * all or none of them are in the page file once it is opened again.
   *
   * @param newLength the page file's length after the commit, a multiple of {@link #PAGE_SIZE}
   * @param pages changed pages by page number, each a whole page image
   * @throws QuiverException IO_ERROR when a file cannot be written; the journal then refuses
   *     further commits, since how much of this one is durable is unknown until it is reopened
   */
  void commit(long newLength, SortedMap<Integer, byte[]> pages) {
    if (failed) {
      throw new QuiverException(
          ErrorCode.IO_ERROR,
          "catalog file " + file + " failed to commit earlier; reopen the database to recover it");
    }
    if (newLength % PAGE_SIZE != 0) {
      throw new IllegalArgumentException("length " + newLength + " is not a multiple of a page");
    }
    int pageCount = (int) (newLength / PAGE_SIZE);
    SortedMap<Integer, byte[]> kept = pages.headMap(pageCount);
    int[] newSums = Arrays.copyOf(sums, pageCount);
    for (int p = sums.length; p < pageCount; p++) {
      newSums[p] = ZERO_PAGE_SUM;
    }
    for (Map.Entry<Integer, byte[]> page : kept.entrySet()) {
      newSums[page.getKey()] = checksum(page.getValue());
    }
    Record record = new Record(sequence + 1, newLength, kept, newSums);
    int slot = 1 - latestSlot;
    failed = true;
    try {
      ByteBuffer bytes = ByteBuffer.wrap(record.toBytes());
      writeFully(slots[slot], bytes, 0);
      slots[slot].truncate(bytes.capacity());
      slots[slot].force(true);
      boolean creating = main == null;
      if (creating) {
        main = files.open(file, READ_WRITE);
      }
      apply(main, record);
      if (creating) {
        files.forceDirectory(folder(file));
      }
    } catch (IOException e) {
      throw CatalogErrors.io(slotFiles[slot], "commit to", e);
    }
    failed = false;
    length = newLength;
    sums = newSums;
    sequence = record.sequence;
    latestSlot = slot;
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        try {
          lock.release();
        } catch (IOException e) {
          // Closing the channel below releases it anyway.
        }
      }
      closeQuietly(main);
      for (FileChannel slot : slots) {
        closeQuietly(slot);
      }
    } finally {
      OPEN.remove(file.toAbsolutePath().normalize());
    }
  }

  /** Checks the page file as the record says it is once the record's pages are in place. */
  private static void verify(Path file, FileChannel main, Record record) throws IOException {
    long size = main.size();
    if (size > record.length) {
      throw CatalogErrors.corrupt(
          file,
          "it is "
              + size
              + " bytes long, longer than the "
              + record.length
              + " bytes its journal committed");
    }
    byte[] page = new byte[PAGE_SIZE];
    for (int p = 0; p < record.sums.length; p++) {
      byte[] image = record.pages.get(p);
      long start = (long) p * PAGE_SIZE;
      if (image == null) {
        int inFile = (int) Math.max(0, Math.min(PAGE_SIZE, size - start));
        if (inFile > 0) {
          readFully(main, ByteBuffer.wrap(page, 0, inFile), start);
        }
        Arrays.fill(page, inFile, PAGE_SIZE, (byte) 0);
        image = page;
      }
      if (checksum(image) != record.sums[p]) {
        throw CatalogErrors.corrupt(
            file,
            "page "
                + p
                + " (bytes "
                + start
                + " to "
                + (start + PAGE_SIZE - 1)
                + ") fails its checksum"
                + (size < start + PAGE_SIZE
                    ? "; the file is "
                        + size
                        + " bytes, shorter than the committed "
                        + record.length
                    : ""));
      }
    }
  }

  /** Writes a record's pages into the page file, sets its length and forces it. */
  private static void apply(FileChannel main, Record record) throws IOException {
    long size = main.size();
    if (size > record.length) {
      main.truncate(record.length);
    } else if (size < record.length) {
      writeFully(main, ByteBuffer.allocate(1), record.length - 1);
    }
    for (Map.Entry<Integer, byte[]> page : record.pages.entrySet()) {
      writeFully(main, ByteBuffer.wrap(page.getValue()), (long) page.getKey() * PAGE_SIZE);
    }
    main.force(true);
  }

  private static void readFully(FileChannel channel, ByteBuffer dst, long position)
      throws IOException {
    while (dst.hasRemaining()) {
      int n = channel.read(dst, position);
      if (n < 0) {
        throw new EOFException("end of file at " + position);
      }
      position += n;
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer src, long position)
      throws IOException {
    while (src.hasRemaining()) {
      position += channel.write(src, position);
    }
  }

  private static FileLock tryLock(FileChannel channel, Path file) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw locked(file, "another process holds it");
    }
    return lock;
  }

  private static QuiverException locked(Path file, String why) {
    return new QuiverException(
        ErrorCode.DATABASE_LOCKED,
        "catalog file " + file + " cannot be opened: " + why + "; close the other user first");
  }

  private static Path folder(Path file) {
    return file.toAbsolutePath().getParent();
  }

  private static int checksum(byte[] page) {
    CRC32C crc = new CRC32C();
    crc.update(page, 0, PAGE_SIZE);
    return (int) crc.getValue();
  }

  private static void closeQuietly(Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // Closing after a failure or on the way out: the first error is the one to report.
      }
    }
  }

  /** One commit: the images of the pages it changed and the checksum of every page after it. */
  private record Record(long sequence, long length, SortedMap<Integer, byte[]> pages, int[] sums) {

    byte[] toBytes() {
      int size = HEADER_BYTES + pages.size() * (4 + PAGE_SIZE) + 4 + sums.length * 4 + 4;
      ByteBuffer out = ByteBuffer.allocate(size);
      out.put(MAGIC).put(VERSION).putLong(sequence).putLong(length).putInt(pages.size());
      for (Map.Entry<Integer, byte[]> page : pages.entrySet()) {
        out.putInt(page.getKey()).put(page.getValue());
      }
      out.putInt(sums.length);
      for (int sum : sums) {
        out.putInt(sum);
      }
      CRC32C crc = new CRC32C();
      crc.update(out.array(), 0, out.position());
      out.putInt((int) crc.getValue());
      return out.array();
    }

    /**
     * Reads a slot: its record, or null when it holds none or a torn one (a commit that never
     * completed).
     */
    static Record read(FileChannel slot, Path path) throws IOException {
      long size = slot.size();
      if (size < HEADER_BYTES + 8) {
        return null;
      }
      if (size > Integer.MAX_VALUE) {
        throw CatalogErrors.corrupt(path, "a journal record of " + size + " bytes is implausible");
      }
      byte[] bytes = new byte[(int) size];
      readFully(slot, ByteBuffer.wrap(bytes), 0);
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        return null;
      }
      byte version = in.get();
      long sequence = in.getLong();
      long length = in.getLong();
      int pageCount = in.getInt();
      long pagesEnd = (long) HEADER_BYTES + (long) pageCount * (4 + PAGE_SIZE);
      if (pageCount < 0 || pagesEnd + 4 > size) {
        return null;
      }
      int sumCount = ByteBuffer.wrap(bytes, (int) pagesEnd, 4).getInt();
      long end = pagesEnd + 4 + (long) sumCount * 4;
      if (sumCount < 0 || end + 4 > size) {
        return null;
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, (int) end);
      if ((int) crc.getValue() != ByteBuffer.wrap(bytes, (int) end, 4).getInt()) {
        return null;
      }
      if (version != VERSION) {
        throw CatalogErrors.corrupt(
            path, "journal format version " + version + " is unknown; this build reads " + VERSION);
      }
      if (length < 0 || length % PAGE_SIZE != 0 || length / PAGE_SIZE != sumCount) {
        throw CatalogErrors.corrupt(
            path, "its record says " + length + " bytes but holds " + sumCount + " page checksums");
      }
      SortedMap<Integer, byte[]> pages = new TreeMap<>();
      for (int i = 0; i < pageCount; i++) {
        int index = in.getInt();
        if (index < 0 || index >= sumCount) {
          throw CatalogErrors.corrupt(
              path, "its record holds page " + index + " of a " + sumCount + "-page file");
        }
        byte[] image = new byte[PAGE_SIZE];
        in.get(image);
        pages.put(index, image);
      }
      int[] sums = new int[sumCount];
      in.getInt();
      for (int i = 0; i < sumCount; i++) {
        sums[i] = in.getInt();
      }
      return new Record(sequence, length, pages, sums);
    }
  }
}
