package dev.quiver.sql.rel;

import dev.quiver.sql.schema.QuiverTable;
import dev.quiver.sql.schema.SessionWrites;
import dev.quiver.sql.type.VectorValues;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.WriteBatch;
import dev.quiver.storage.table.WriteResult;
import java.util.List;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * The run-time side of {@link QuiverTableModify}: reads every input row, turns Calcite's values
 * into the engine's (vectors into {@code float[]}), and commits them as one {@link WriteBatch}, so
 * a statement is applied whole or not at all.
 */
public final class DmlExecutor {
  private DmlExecutor() {}

  /** What a statement does to the rows it receives. */
  public enum Kind {
    INSERT,
    UPSERT,
    UPDATE,
    DELETE
  }

  /**
   * Applies the statement and returns its row count, as a one-row enumerable.
   *
   * @param updateColumns for UPDATE, the table positions of the columns that the trailing input
   *     fields assign; empty otherwise
   */
  public static Enumerable<Long> execute(
      QuiverTable target, Kind kind, int[] updateColumns, Enumerable<Object[]> input) {
    Table table = target.storage();
    SessionWrites writes = target.writes();
    boolean collect = writes.collecting() && (kind == Kind.INSERT || kind == Kind.UPSERT);
    if (writes.collecting() && !collect) {
      // An UPDATE or DELETE in a JDBC batch must see the rows collected before it.
      writes.commitPending();
    }
    TableDef def = table.def();
    int width = def.columns().size();
    WriteBatch batch = collect ? writes.pendingFor(table) : new WriteBatch();
    long collected = 0;
    try (Enumerator<Object[]> rows = input.enumerator()) {
      while (rows.moveNext()) {
        Object[] row = rows.current();
        collected++;
        switch (kind) {
          case INSERT -> batch.insert(toEngine(def, row, width));
          case UPSERT -> batch.upsert(toEngine(def, row, width));
          case DELETE -> batch.delete(toEngine(def, row, width));
          case UPDATE -> {
            Object[] old = toEngine(def, row, width);
            Object[] updated = old.clone();
            for (int j = 0; j < updateColumns.length; j++) {
              updated[updateColumns[j]] =
                  toEngineValue(def.column(updateColumns[j]), row[width + j]);
            }
            batch.update(old, updated);
          }
        }
      }
    }
    if (collect) {
      // Committed with the rest of the JDBC batch; a failure then fails the whole batch.
      return Linq4j.singletonEnumerable(collected);
    }
    if (batch.isEmpty()) {
      return Linq4j.singletonEnumerable(0L);
    }
    WriteResult result = writes.apply(table, batch);
    long count =
        switch (kind) {
          case INSERT, UPSERT -> result.written();
          case UPDATE, DELETE -> result.deleted();
        };
    return Linq4j.singletonEnumerable(count);
  }

  private static Object[] toEngine(TableDef def, Object[] row, int width) {
    Object[] out = new Object[width];
    List<ColumnDef> columns = def.columns();
    for (int i = 0; i < width; i++) {
      out[i] = toEngineValue(columns.get(i), row[i]);
    }
    return out;
  }

  private static Object toEngineValue(ColumnDef column, Object value) {
    if (column.type() == ColumnType.VECTOR) {
      return VectorValues.toFloatArray(value, "column " + column.name());
    }
    return value;
  }
}
