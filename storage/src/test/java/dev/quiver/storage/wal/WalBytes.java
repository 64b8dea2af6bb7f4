package dev.quiver.storage.wal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A builder of write-ahead log files written from the layout in {@link WriteAheadLog}'s javadoc
 * rather than from its code, so tests can craft damaged files and check that the format did not
 * drift from its documentation.
 */
final class WalBytes {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  /** A file that starts with a valid header for {@code sequence}. */
  WalBytes(long sequence) {
    ByteBuffer header = ByteBuffer.allocate(24);
    header.put("QVRWAL01".getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(sequence);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, 20);
    header.putInt((int) crc.getValue());
    bytes.writeBytes(header.array());
  }

  /** Appends a valid record. */
  WalBytes record(long timestamp, byte[] payload) {
    bytes.writeBytes(encode(timestamp, payload));
    return this;
  }

  /** The offset the next record would start at. */
  int size() {
    return bytes.size();
  }

  byte[] toByteArray() {
    return bytes.toByteArray();
  }

  /** One record as the layout describes it. */
  static byte[] encode(long timestamp, byte[] payload) {
    ByteBuffer record = ByteBuffer.allocate(16 + payload.length);
    record.putInt(payload.length).putInt(0).putLong(timestamp).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(record.array(), 8, 8 + payload.length);
    record.putInt(4, (int) crc.getValue());
    return record.array();
  }

  static String fileName(long sequence) {
    return String.format("wal-%020d.log", sequence);
  }
}
