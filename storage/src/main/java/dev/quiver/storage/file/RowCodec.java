package dev.quiver.storage.file;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.TableDef;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The binary form of rows, table definitions and index definitions, shared by the snapshot file and
 * write-ahead log records (big-endian, as {@link DataOutputStream} writes).
 *
 * <ul>
 *   <li>A row: per column a presence byte (0 = NULL, 1 = value), then the value: BOOLEAN byte;
 *       INTEGER and DATE int; BIGINT and TIMESTAMP long; REAL float; DOUBLE double; DECIMAL and
 *       VARCHAR int length + UTF-8 bytes (DECIMAL as its plain string); VECTOR its {@code
 *       dimension} floats.
 *   <li>A table definition: name UTF, column count int, per column name UTF, type UTF ({@link
 *       ColumnType} name), dimension int, precision int, scale int, nullable boolean; primary key
 *       position int (-1 for none); options.
 *   <li>An index definition: name, table, column, method, metric (UTF each), options.
 *   <li>Options: count int, then key UTF and value UTF, sorted by key.
 * </ul>
 */
public final class RowCodec {
  private RowCodec() {}

  /** Writes a row of a table. */
  public static void writeRow(DataOutputStream out, TableDef def, Object[] row) throws IOException {
    for (int c = 0; c < def.columns().size(); c++) {
      Object v = row[c];
      out.writeBoolean(v != null);
      if (v != null) {
        writeValue(out, def.column(c), v);
      }
    }
  }

  /** Reads a row of a table. */
  public static Object[] readRow(DataInputStream in, TableDef def) throws IOException {
    Object[] values = new Object[def.columns().size()];
    for (int c = 0; c < values.length; c++) {
      values[c] = in.readBoolean() ? readValue(in, def.column(c)) : null;
    }
    return values;
  }

  /** Writes a table definition. */
  public static void writeTableDef(DataOutputStream out, TableDef def) throws IOException {
    out.writeUTF(def.name());
    out.writeInt(def.columns().size());
    for (ColumnDef c : def.columns()) {
      out.writeUTF(c.name());
      out.writeUTF(c.type().name());
      out.writeInt(c.dimension());
      out.writeInt(c.precision());
      out.writeInt(c.scale());
      out.writeBoolean(c.nullable());
    }
    out.writeInt(def.primaryKey());
    writeOptions(out, def.options());
  }

  /** Reads a table definition. */
  public static TableDef readTableDef(DataInputStream in) throws IOException {
    String name = in.readUTF();
    int columnCount = in.readInt();
    if (columnCount < 0 || columnCount > in.available()) {
      throw new IOException("column count " + columnCount + " exceeds the data");
    }
    List<ColumnDef> columns = new ArrayList<>(columnCount);
    for (int c = 0; c < columnCount; c++) {
      columns.add(
          new ColumnDef(
              in.readUTF(),
              ColumnType.valueOf(in.readUTF()),
              in.readInt(),
              in.readInt(),
              in.readInt(),
              in.readBoolean()));
    }
    int pk = in.readInt();
    return new TableDef(name, columns, pk, readOptions(in));
  }

  /** Writes an index definition. */
  public static void writeIndexDef(DataOutputStream out, IndexDef index) throws IOException {
    out.writeUTF(index.name());
    out.writeUTF(index.table());
    out.writeUTF(index.column());
    out.writeUTF(index.method().name());
    out.writeUTF(index.metric().name());
    writeOptions(out, index.options());
  }

  /** Reads an index definition. */
  public static IndexDef readIndexDef(DataInputStream in) throws IOException {
    return new IndexDef(
        in.readUTF(),
        in.readUTF(),
        in.readUTF(),
        IndexMethod.valueOf(in.readUTF()),
        Metric.valueOf(in.readUTF()),
        readOptions(in));
  }

  private static void writeValue(DataOutputStream out, ColumnDef column, Object v)
      throws IOException {
    switch (column.type()) {
      case BOOLEAN -> out.writeBoolean((Boolean) v);
      case INTEGER, DATE -> out.writeInt((Integer) v);
      case BIGINT, TIMESTAMP -> out.writeLong((Long) v);
      case REAL -> out.writeFloat((Float) v);
      case DOUBLE -> out.writeDouble((Double) v);
      case DECIMAL -> writeString(out, ((BigDecimal) v).toString());
      case VARCHAR -> writeString(out, (String) v);
      case VECTOR -> {
        // One bulk copy: DataOutputStream.writeFloat would make four single-byte writes per float,
        // the largest cost of logging a batch of high-dimensional vectors.
        float[] vector = (float[]) v;
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
        bytes.asFloatBuffer().put(vector);
        out.write(bytes.array());
      }
    }
  }

  private static Object readValue(DataInputStream in, ColumnDef column) throws IOException {
    return switch (column.type()) {
      case BOOLEAN -> in.readBoolean();
      case INTEGER, DATE -> in.readInt();
      case BIGINT, TIMESTAMP -> in.readLong();
      case REAL -> in.readFloat();
      case DOUBLE -> in.readDouble();
      case DECIMAL -> new BigDecimal(readString(in));
      case VARCHAR -> readString(in);
      case VECTOR -> {
        float[] v = new float[column.dimension()];
        byte[] bytes = in.readNBytes(v.length * Float.BYTES);
        if (bytes.length != v.length * Float.BYTES) {
          throw new IOException("vector of " + v.length + " floats cut short");
        }
        ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
        yield v;
      }
    };
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("string length " + length + " exceeds the data");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** Writes options (of a definition, or those an ALTER TABLE sets). */
  public static void writeOptions(DataOutputStream out, Map<String, String> options)
      throws IOException {
    out.writeInt(options.size());
    for (Map.Entry<String, String> e : new TreeMap<>(options).entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
  }

  /** Reads options written by {@link #writeOptions}. */
  public static Map<String, String> readOptions(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("option count " + n + " exceeds the data");
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      options.put(in.readUTF(), in.readUTF());
    }
    return options;
  }
}
