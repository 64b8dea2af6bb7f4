package dev.quiver.storage.catalog.store;

import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.TableDef;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The binary form of the catalog's definitions: table, index and segment values, each versioned and
 * checksummed on its own so that one damaged or unknown value is reported, never misread. {@link
 * MapDbCatalogStore}'s javadoc lays the format out with the rest of {@code catalog.db}.
 *
 * <p>Decoding fails with CORRUPT_FILE naming the file and the entry for an unknown version, a
 * checksum mismatch, a wrong kind, an unknown enum name, trailing bytes or a definition the
 * catalog's own checks reject.
 */
final class CatalogCodec {
  /** The format version this build writes and reads. */
  static final byte VERSION = 1;

  private static final byte TABLE = 'T';
  private static final byte INDEX = 'I';
  private static final byte SEGMENT = 'S';
  private static final byte COMPACTION = 'C';

  private CatalogCodec() {}

  static byte[] encodeTable(TableDef table) {
    Writer out = new Writer(TABLE);
    out.string(table.name());
    out.integer(table.columns().size());
    for (ColumnDef c : table.columns()) {
      out.string(c.name());
      out.string(c.type().name());
      out.integer(c.dimension());
      out.integer(c.precision());
      out.integer(c.scale());
      out.bool(c.nullable());
    }
    out.integer(table.primaryKey());
    out.options(table.options());
    return out.finish();
  }

  static TableDef decodeTable(byte[] value, Path file, String entry) {
    Reader in = new Reader(value, TABLE, file, entry);
    try {
      String name = in.string();
      int columnCount = in.count();
      List<ColumnDef> columns = new ArrayList<>(columnCount);
      for (int i = 0; i < columnCount; i++) {
        columns.add(
            new ColumnDef(
                in.string(),
                in.enumValue(ColumnType.class),
                in.integer(),
                in.integer(),
                in.integer(),
                in.bool()));
      }
      int primaryKey = in.integer();
      Map<String, String> options = in.options();
      in.end();
      return new TableDef(name, columns, primaryKey, options);
    } catch (BufferUnderflowException | IllegalArgumentException | QuiverException e) {
      throw in.corrupt(e);
    }
  }

  static byte[] encodeIndex(IndexDef index) {
    Writer out = new Writer(INDEX);
    out.string(index.name());
    out.string(index.table());
    out.string(index.column());
    out.string(index.method().name());
    out.string(index.metric().name());
    out.options(index.options());
    return out.finish();
  }

  static IndexDef decodeIndex(byte[] value, Path file, String entry) {
    Reader in = new Reader(value, INDEX, file, entry);
    try {
      IndexDef index =
          new IndexDef(
              in.string(),
              in.string(),
              in.string(),
              in.enumValue(IndexMethod.class),
              in.enumValue(Metric.class),
              in.options());
      in.end();
      return index;
    } catch (BufferUnderflowException | IllegalArgumentException | QuiverException e) {
      throw in.corrupt(e);
    }
  }

  static byte[] encodeSegment(SegmentMeta s) {
    Writer out = new Writer(SEGMENT);
    out.longValue(s.id());
    out.string(s.table());
    out.string(s.state().name());
    out.longValue(s.rowCount());
    out.longValue(s.deletedRows());
    out.longValue(s.sizeBytes());
    out.longValue(s.minTs());
    out.longValue(s.maxTs());
    out.longValue(s.createdAtMillis());
    out.longValue(s.sealedAtMillis());
    out.nullableString(s.indexName());
    out.nullableString(s.indexState());
    return out.finish();
  }

  static SegmentMeta decodeSegment(byte[] value, Path file, String entry) {
    Reader in = new Reader(value, SEGMENT, file, entry);
    try {
      SegmentMeta segment =
          new SegmentMeta(
              in.longValue(),
              in.string(),
              in.enumValue(SegmentState.class),
              in.longValue(),
              in.longValue(),
              in.longValue(),
              in.longValue(),
              in.longValue(),
              in.longValue(),
              in.longValue(),
              in.nullableString(),
              in.nullableString());
      in.end();
      return segment;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw in.corrupt(e);
    }
  }

  /** A value being encoded. */
  static byte[] encodeCompaction(CompactionMeta c) {
    Writer out = new Writer(COMPACTION);
    out.longValue(c.id());
    out.string(c.table());
    out.string(c.type());
    out.string(c.state());
    out.longValue(c.plansDone());
    out.longValue(c.plansTotal());
    out.longValue(c.segmentsIn());
    out.longValue(c.segmentsOut());
    out.longValue(c.rowsIn());
    out.longValue(c.rowsOut());
    out.longValue(c.bytesReclaimed());
    out.longValue(c.startedAtMillis());
    out.longValue(c.finishedAtMillis());
    out.nullableString(c.error());
    out.nullableString(c.reason());
    return out.finish();
  }

  static CompactionMeta decodeCompaction(byte[] value, Path file, String entry) {
    Reader in = new Reader(value, COMPACTION, file, entry);
    try {
      CompactionMeta job =
          new CompactionMeta(
              in.longValue(),
              in.string(),
              in.string(),
              in.string(),
              Math.toIntExact(in.longValue()),
              Math.toIntExact(in.longValue()),
              Math.toIntExact(in.longValue()),
              Math.toIntExact(in.longValue()),
              in.longValue(),
              in.longValue(),
              in.longValue(),
              in.longValue(),
              in.longValue(),
              in.nullableString(),
              in.nullableString());
      in.end();
      return job;
    } catch (BufferUnderflowException | IllegalArgumentException | ArithmeticException e) {
      throw in.corrupt(e);
    }
  }

  private static final class Writer {
    private ByteBuffer out = ByteBuffer.allocate(256);

    Writer(byte kind) {
      room(2).put(VERSION).put(kind);
    }

    void string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      room(4 + utf8.length).putInt(utf8.length).put(utf8);
    }

    void nullableString(String s) {
      bool(s != null);
      if (s != null) {
        string(s);
      }
    }

    void integer(int v) {
      room(4).putInt(v);
    }

    void longValue(long v) {
      room(8).putLong(v);
    }

    void bool(boolean v) {
      room(1).put((byte) (v ? 1 : 0));
    }

    void options(Map<String, String> options) {
      integer(options.size());
      for (Map.Entry<String, String> e : new TreeMap<>(options).entrySet()) {
        string(e.getKey());
        string(e.getValue());
      }
    }

    byte[] finish() {
      CRC32C crc = new CRC32C();
      crc.update(out.array(), 0, out.position());
      room(4).putInt((int) crc.getValue());
      return Arrays.copyOf(out.array(), out.position());
    }

    private ByteBuffer room(int n) {
      if (out.remaining() < n) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + n));
        bigger.put(out.flip());
        out = bigger;
      }
      return out;
    }
  }

  /** A value being decoded, with what to name in errors. */
  private static final class Reader {
    private final ByteBuffer in;
    private final Path file;
    private final String entry;

    Reader(byte[] value, byte kind, Path file, String entry) {
      this.file = file;
      this.entry = entry;
      if (value.length < 6) {
        throw CatalogErrors.corrupt(file, entry + " is " + value.length + " bytes, too short");
      }
      if (value[0] != VERSION) {
        throw CatalogErrors.corrupt(
            file,
            entry
                + " has value format version "
                + value[0]
                + "; this build reads version "
                + VERSION);
      }
      CRC32C crc = new CRC32C();
      crc.update(value, 0, value.length - 4);
      int stored = ByteBuffer.wrap(value, value.length - 4, 4).getInt();
      if (stored != (int) crc.getValue()) {
        throw CatalogErrors.corrupt(
            file,
            entry
                + " fails its checksum (stored "
                + Integer.toHexString(stored)
                + ", computed "
                + Integer.toHexString((int) crc.getValue())
                + ")");
      }
      if (value[1] != kind) {
        throw CatalogErrors.corrupt(
            file,
            entry + " holds a value of kind '" + (char) value[1] + "', not '" + (char) kind + "'");
      }
      this.in = ByteBuffer.wrap(value, 2, value.length - 6).slice();
    }

    String string() {
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new IllegalArgumentException(
            "string of " + length + " bytes with " + in.remaining() + " left");
      }
      ByteBuffer utf8 = in.slice(in.position(), length);
      in.position(in.position() + length);
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(utf8)
            .toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("string is not UTF-8", e);
      }
    }

    String nullableString() {
      return bool() ? string() : null;
    }

    int integer() {
      return in.getInt();
    }

    /** A count of following items, each at least one byte long. */
    int count() {
      int n = in.getInt();
      if (n < 0 || n > in.remaining()) {
        throw new IllegalArgumentException("count " + n + " with " + in.remaining() + " left");
      }
      return n;
    }

    long longValue() {
      return in.getLong();
    }

    boolean bool() {
      byte b = in.get();
      if (b != 0 && b != 1) {
        throw new IllegalArgumentException("flag byte " + b);
      }
      return b == 1;
    }

    <E extends Enum<E>> E enumValue(Class<E> type) {
      return Enum.valueOf(type, string());
    }

    Map<String, String> options() {
      int n = count();
      Map<String, String> options = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        options.put(string(), string());
      }
      return options;
    }

    void end() {
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " unexpected trailing bytes");
      }
    }

    QuiverException corrupt(RuntimeException cause) {
      return CatalogErrors.corrupt(
          file, entry + " cannot be decoded: " + cause.getMessage(), cause);
    }
  }
}
