package dev.quiver.storage.table;

import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.file.RowCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows one statement (or one JDBC batch) writes to one table, applied all or nothing under one
 * commit timestamp.
 *
 * <p>Deletes are applied before inserts, so an UPDATE that moves keys around (1 to 2 while 2 goes
 * to 3) is checked against the statement's end state, as SQL requires.
 */
public final class WriteBatch {
  private final List<Object[]> inserts = new ArrayList<>();
  private final List<Object[]> upserts = new ArrayList<>();
  private final List<Object[]> deletes = new ArrayList<>();
  private final List<Object[][]> updates = new ArrayList<>();

  /** Adds a row that must not have the key of an existing row. */
  public WriteBatch insert(Object[] row) {
    inserts.add(row);
    return this;
  }

  /** Adds a row that replaces any existing row with the same key. */
  public WriteBatch upsert(Object[] row) {
    upserts.add(row);
    return this;
  }

  /**
   * Deletes a row given its current values: by primary key when the table has one, otherwise one
   * stored row with exactly these values.
   */
  public WriteBatch delete(Object[] oldRow) {
    deletes.add(oldRow);
    return this;
  }

  /**
   * Replaces a row: deletes {@code oldRow} as {@link #delete} does and inserts {@code newRow} in
   * its place, only if the old row still exists when the batch commits.
   */
  public WriteBatch update(Object[] oldRow, Object[] newRow) {
    updates.add(new Object[][] {oldRow, newRow});
    return this;
  }

  List<Object[][]> updates() {
    return updates;
  }

  List<Object[]> inserts() {
    return inserts;
  }

  List<Object[]> upserts() {
    return upserts;
  }

  List<Object[]> deletes() {
    return deletes;
  }

  /** Whether the batch writes nothing. */
  public boolean isEmpty() {
    return inserts.isEmpty() && upserts.isEmpty() && deletes.isEmpty() && updates.isEmpty();
  }

  /**
   * Writes the batch: deletes, inserts, upserts (each a count int and rows) and updates (a count
   * int and old/new row pairs), rows as {@link RowCodec} writes them.
   */
  public void writeTo(DataOutputStream out, TableDef def) throws IOException {
    writeRows(out, def, deletes);
    writeRows(out, def, inserts);
    writeRows(out, def, upserts);
    out.writeInt(updates.size());
    for (Object[][] update : updates) {
      RowCodec.writeRow(out, def, update[0]);
      RowCodec.writeRow(out, def, update[1]);
    }
  }

  /** Reads a batch written by {@link #writeTo}. */
  public static WriteBatch readFrom(DataInputStream in, TableDef def) throws IOException {
    WriteBatch batch = new WriteBatch();
    readRows(in, def, batch.deletes);
    readRows(in, def, batch.inserts);
    readRows(in, def, batch.upserts);
    int updates = count(in);
    for (int i = 0; i < updates; i++) {
      batch.updates.add(new Object[][] {RowCodec.readRow(in, def), RowCodec.readRow(in, def)});
    }
    return batch;
  }

  private static void writeRows(DataOutputStream out, TableDef def, List<Object[]> rows)
      throws IOException {
    out.writeInt(rows.size());
    for (Object[] row : rows) {
      RowCodec.writeRow(out, def, row);
    }
  }

  private static void readRows(DataInputStream in, TableDef def, List<Object[]> into)
      throws IOException {
    int n = count(in);
    for (int i = 0; i < n; i++) {
      into.add(RowCodec.readRow(in, def));
    }
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    // Every row takes at least one byte per column, so a count beyond the remaining bytes is
    // damage.
    if (n < 0 || n > in.available()) {
      throw new IOException("row count " + n + " exceeds the record");
    }
    return n;
  }
}
