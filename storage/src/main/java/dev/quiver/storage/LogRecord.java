package dev.quiver.storage;

import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.OptionChanges;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.file.RowCodec;
import dev.quiver.storage.table.WriteBatch;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The payloads of the engine's write-ahead log records: every change to a database, catalog changes
 * included, in the order of its timestamp, so that replaying the log after the last checkpoint
 * rebuilds exactly the state that was acknowledged.
 *
 * <p>Layout: format version byte (1), record type byte, then per type: CREATE_TABLE a table
 * definition; DROP_TABLE the table's name (UTF); CREATE_INDEX an index definition; DROP_INDEX the
 * index's name; WRITE the table's name and the batch as {@link WriteBatch#writeTo} writes it;
 * ALTER_TABLE the table's name (UTF), the options it sets (normalized values), then the count (int)
 * and names (UTF, sorted) of the options it resets. Definitions, options and rows are encoded by
 * {@link RowCodec}.
 */
final class LogRecord {
  static final byte VERSION = 1;
  static final byte CREATE_TABLE = 1;
  static final byte DROP_TABLE = 2;
  static final byte CREATE_INDEX = 3;
  static final byte DROP_INDEX = 4;
  static final byte WRITE = 5;
  static final byte ALTER_TABLE = 6;

  private LogRecord() {}

  static byte[] createTable(TableDef def) {
    return encode(CREATE_TABLE, out -> RowCodec.writeTableDef(out, def));
  }

  static byte[] dropTable(String name) {
    return encode(DROP_TABLE, out -> out.writeUTF(name));
  }

  static byte[] createIndex(IndexDef index) {
    return encode(CREATE_INDEX, out -> RowCodec.writeIndexDef(out, index));
  }

  static byte[] dropIndex(String name) {
    return encode(DROP_INDEX, out -> out.writeUTF(name));
  }

  static byte[] write(String table, TableDef def, WriteBatch batch) {
    return encode(
        WRITE,
        out -> {
          out.writeUTF(table);
          batch.writeTo(out, def);
        });
  }

  /**
   * An option change as logged: the change, not the definition it leads to, so that two concurrent
   * ALTER TABLEs of one table both apply, and replay derives the same definition.
   */
  static byte[] alterTable(String table, OptionChanges changes) {
    return encode(
        ALTER_TABLE,
        out -> {
          out.writeUTF(table);
          RowCodec.writeOptions(out, changes.set());
          out.writeInt(changes.reset().size());
          for (String name : new TreeSet<>(changes.reset())) {
            out.writeUTF(name);
          }
        });
  }

  /** The body of an ALTER_TABLE record, after its type byte. */
  record AlterTable(String table, OptionChanges changes) {
    static AlterTable readFrom(DataInputStream in) throws IOException {
      String table = in.readUTF();
      Map<String, String> set = RowCodec.readOptions(in);
      int count = in.readInt();
      if (count < 0 || count > in.available()) {
        throw new IOException("reset option count " + count + " exceeds the data");
      }
      Set<String> reset = new TreeSet<>();
      for (int i = 0; i < count; i++) {
        reset.add(in.readUTF());
      }
      return new AlterTable(table, new OptionChanges(set, reset));
    }
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] encode(byte type, Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.writeByte(VERSION);
      out.writeByte(type);
      body.write(out);
      out.flush();
    } catch (IOException e) {
      // A ByteArrayOutputStream does not fail.
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
