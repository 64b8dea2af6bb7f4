package dev.quiver.storage.table;

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
}
