package dev.quiver.storage.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * A sequential reader of one write-ahead log file's records, which checks each record's length and
 * checksum and stops at the first record that fails (see {@link WriteAheadLog} for the layout).
 *
 * <p>It reads through one buffer that the caller lends and reuses across files, and copies a
 * payload out only for records above the timestamp the caller replays from, so checking records
 * below a checkpoint allocates nothing.
 */
final class LogFileReader {
  private static final int SCRATCH_BYTES = 64 << 10;

  private final FileChannel channel;
  private final long fileSize;
  private final ByteBuffer buffer;
  private final CRC32C crc = new CRC32C();
  private ByteBuffer scratch;

  /** The file offset of {@code buffer.position()}. */
  private long bufferOffset;

  private long recordOffset;
  private long timestamp;
  private byte[] payload;
  private String damage;

  /**
   * A reader of the records from {@code start}, the end of the file's header.
   *
   * @param buffer a buffer of at least {@link WriteAheadLog#RECORD_HEADER_BYTES} bytes, whose
   *     content is overwritten
   */
  LogFileReader(FileChannel channel, long fileSize, long start, ByteBuffer buffer) {
    this.channel = channel;
    this.fileSize = fileSize;
    this.buffer = buffer;
    buffer.clear().flip();
    this.bufferOffset = start;
    this.recordOffset = start;
  }

  /**
   * Reads the next record. Returns false at the end of the file, or at a record that is cut short
   * or fails its checksum; {@link #damage()} then says why and {@link #recordOffset()} where.
   *
   * @param copyAbove copy the payload out (for {@link #payload()}) if the timestamp is above this
   */
  boolean next(long copyAbove) throws IOException {
    long offset = bufferOffset;
    recordOffset = offset;
    payload = null;
    if (offset == fileSize) {
      return false;
    }
    if (fileSize - offset < WriteAheadLog.RECORD_HEADER_BYTES) {
      damage = "the file ends " + (fileSize - offset) + " bytes into a record header";
      return false;
    }
    fill(WriteAheadLog.RECORD_HEADER_BYTES);
    int length = buffer.getInt();
    int storedCrc = buffer.getInt();
    crc.reset();
    int timestampAt = buffer.position();
    timestamp = buffer.getLong();
    buffer.position(timestampAt);
    updateCrc(Long.BYTES);
    bufferOffset += WriteAheadLog.RECORD_HEADER_BYTES;
    if (length < 0 || length > fileSize - bufferOffset) {
      damage =
          "record length "
              + length
              + " does not fit in the "
              + (fileSize - bufferOffset)
              + " bytes left in the file";
      return false;
    }
    byte[] copy = timestamp > copyAbove ? new byte[length] : null;
    int done = 0;
    while (done < length) {
      if (!buffer.hasRemaining()) {
        fill(1);
      }
      int chunk = Math.min(length - done, buffer.remaining());
      if (copy != null) {
        buffer.get(buffer.position(), copy, done, chunk);
      }
      updateCrc(chunk);
      bufferOffset += chunk;
      done += chunk;
    }
    int computed = (int) crc.getValue();
    if (computed != storedCrc) {
      damage =
          "record checksum mismatch: stored "
              + Integer.toHexString(storedCrc)
              + ", computed "
              + Integer.toHexString(computed);
      return false;
    }
    payload = copy;
    return true;
  }

  /** The offset of the record {@link #next} read last, or of the damage it stopped at. */
  long recordOffset() {
    return recordOffset;
  }

  /** The offset just past the last record read whole. */
  long end() {
    return damage == null ? bufferOffset : recordOffset;
  }

  long timestamp() {
    return timestamp;
  }

  byte[] payload() {
    return payload;
  }

  /** Why reading stopped before the end of the file, or null if it did not. */
  String damage() {
    return damage;
  }

  /**
   * The offset of the first record after {@code from} that has a valid checksum and a timestamp
   * above {@code afterTimestamp}, or -1 if there is none. Such a record proves that damage before
   * it is not the torn end of an interrupted write, because appends only ever add newer records at
   * the end. Valid records with older timestamps do not count: they are stale blocks of a deleted
   * log file that a file system may expose in a crashed file's unwritten tail.
   */
  long findValidRecordAfter(long from, long afterTimestamp) throws IOException {
    for (long at = from + 1; at <= fileSize - WriteAheadLog.RECORD_HEADER_BYTES; at++) {
      if (at < bufferOffset || at + WriteAheadLog.RECORD_HEADER_BYTES > windowEnd()) {
        load(at);
      }
      int index = buffer.position() + (int) (at - bufferOffset);
      int length = buffer.getInt(index);
      if (length < 0
          || length > fileSize - at - WriteAheadLog.RECORD_HEADER_BYTES
          || buffer.getLong(index + 2 * Integer.BYTES) <= afterTimestamp) {
        continue;
      }
      if (checksumMatches(at, length, buffer.getInt(index + Integer.BYTES))) {
        return at;
      }
    }
    return -1;
  }

  private long windowEnd() {
    return bufferOffset + buffer.remaining();
  }

  private boolean checksumMatches(long at, int length, int storedCrc) throws IOException {
    int span = Long.BYTES + length;
    long dataAt = at + 2 * Integer.BYTES;
    crc.reset();
    if (dataAt + span <= windowEnd()) {
      int position = buffer.position();
      buffer.position(position + (int) (dataAt - bufferOffset));
      updateCrc(span);
      buffer.position(position);
    } else {
      // The record runs past the window: read it through a second buffer so the window stays.
      if (scratch == null) {
        scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES);
      }
      long readAt = dataAt;
      long end = dataAt + span;
      while (readAt < end) {
        scratch.clear().limit((int) Math.min(scratch.capacity(), end - readAt));
        while (scratch.hasRemaining()) {
          if (channel.read(scratch, readAt + scratch.position()) < 0) {
            throw shrank(readAt + scratch.position());
          }
        }
        readAt += scratch.flip().remaining();
        crc.update(scratch);
      }
    }
    return (int) crc.getValue() == storedCrc;
  }

  /** Feeds the next {@code count} buffered bytes to the checksum, consuming them. */
  private void updateCrc(int count) {
    int limit = buffer.limit();
    buffer.limit(buffer.position() + count);
    crc.update(buffer);
    buffer.limit(limit);
  }

  /** Empties the buffer and fills it from {@code offset}. */
  private void load(long offset) throws IOException {
    buffer.clear().flip();
    bufferOffset = offset;
    fill(Math.min(buffer.capacity(), (int) Math.min(Integer.MAX_VALUE, fileSize - offset)));
  }

  /** Reads until at least {@code needed} bytes are buffered; callers check the file size first. */
  private void fill(int needed) throws IOException {
    if (buffer.remaining() >= needed) {
      return;
    }
    long readAt = bufferOffset + buffer.remaining();
    buffer.compact();
    buffer.limit((int) Math.min(buffer.capacity(), buffer.position() + (fileSize - readAt)));
    while (buffer.position() < needed) {
      int read = channel.read(buffer, readAt);
      if (read < 0) {
        buffer.flip();
        throw shrank(readAt);
      }
      readAt += read;
    }
    buffer.flip();
  }

  private IOException shrank(long at) {
    return new IOException("file ended at " + at + " bytes while being read; it had " + fileSize);
  }
}
