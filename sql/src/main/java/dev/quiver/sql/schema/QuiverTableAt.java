package dev.quiver.sql.schema;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.table.Snapshot;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * One read of a Quiver table in a planned statement: the table, and when the statement reads it: at
 * the snapshot its {@link ReadPlan} chooses, or as the table was at a {@code FOR SYSTEM_TIME AS OF}
 * instant. The planner scans it as it would the table itself (filters and projections pushed into
 * storage), and top-k searches read it through {@link #snapshot}.
 *
 * <p>It is deliberately not a {@code QueryableTable}: Calcite then scans it through this object (a
 * bindable scan) rather than through generated code that looks the table up by name, which would
 * lose the read's plan and instant.
 */
public final class QuiverTableAt extends AbstractTable implements ProjectableFilterableTable {
  private final QuiverTable table;
  private final ReadPlan plan;
  private final Function1<DataContext, Object[]> instant;
  private final String instantText;

  /**
   * A read of {@code table}.
   *
   * @param instant computes the AS OF instant (TIMESTAMP milliseconds) from the statement's
   *     parameters, or null to read at the plan's snapshot
   * @param instantText the instant's expression as text, for EXPLAIN and errors
   */
  public QuiverTableAt(
      QuiverTable table,
      ReadPlan plan,
      Function1<DataContext, Object[]> instant,
      String instantText) {
    this.table = table;
    this.plan = plan;
    this.instant = instant;
    this.instantText = instantText;
  }

  /** The table read. */
  public QuiverTable table() {
    return table;
  }

  /** Whether this reads the table as it was at an instant (FOR SYSTEM_TIME AS OF). */
  public boolean timeTravel() {
    return instant != null;
  }

  /** The snapshot this read of one statement execution sees. */
  public Snapshot snapshot(DataContext root) {
    QuerySnapshots snapshots = table.writes().snapshots();
    if (instant == null) {
      return snapshots.current(root, plan);
    }
    Object value = instant.apply(root)[0];
    if (!(value instanceof Number millis)) {
      throw new QuiverException(
          ErrorCode.INVALID_VALUE,
          "FOR SYSTEM_TIME AS OF "
              + instantText
              + " of table "
              + table.name()
              + " is "
              + value
              + "; give a TIMESTAMP, e.g. TIMESTAMP '2026-11-22 10:00:00'");
    }
    return snapshots.asOf(root, this, table.name(), millis.longValue());
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return table.getRowType(typeFactory);
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
    return table.scan(root, filters, projects, () -> snapshot(root));
  }

  @Override
  public <C> C unwrap(Class<C> aClass) {
    if (aClass.isInstance(this)) {
      return aClass.cast(this);
    }
    if (aClass == QuiverTable.class) {
      return aClass.cast(table);
    }
    return super.unwrap(aClass);
  }
}
