package dev.quiver.sql.rel;

import dev.quiver.sql.schema.QuiverTable;
import dev.quiver.sql.schema.QuiverTableAt;
import dev.quiver.sql.schema.ReadPlan;
import dev.quiver.storage.ConsistencyLevel;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.linq4j.tree.TableExpressionFactory;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.hint.Hintable;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSnapshot;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;

/**
 * Gives every read of a Quiver table in a plan the statement's {@link ReadPlan}, so that the whole
 * statement reads one snapshot of its consistency level, and turns {@code FOR SYSTEM_TIME AS OF}
 * (Calcite's {@link LogicalSnapshot} over the table) into a read at that instant. Each table scan,
 * also inside sub-queries, becomes a scan of a {@link QuiverTableAt}; Calcite plans it as it plans
 * the table (filters and projections go into storage) and the top-k rewrite, which runs next,
 * searches at its snapshot.
 *
 * <p>The hint {@code /*+ CONSISTENCY(level) *&#47;} is read here: the first one met from the root
 * down (the outermost query's) sets the statement's level.
 */
public final class TableReadRewriter extends RelShuttleImpl {
  private final ReadPlan plan;

  private TableReadRewriter(ReadPlan plan) {
    this.plan = plan;
  }

  /**
   * Rewrites a plan's table reads.
   *
   * @param write whether the statement writes (its reads are then STRONG)
   */
  public static RelNode rewrite(RelNode root, boolean write) {
    Set<String> tables = new LinkedHashSet<>();
    List<ConsistencyLevel> hints = new ArrayList<>();
    survey(root, tables, hints);
    ReadPlan plan = new ReadPlan(hints.isEmpty() ? null : hints.get(0), write, List.copyOf(tables));
    return root.accept(new TableReadRewriter(plan));
  }

  /** Collects the Quiver tables read and the CONSISTENCY hints, root first. */
  private static void survey(RelNode rel, Set<String> tables, List<ConsistencyLevel> hints) {
    if (rel instanceof Hintable hintable) {
      for (RelHint hint : hintable.getHints()) {
        if (hint.hintName.equalsIgnoreCase("CONSISTENCY")) {
          hints.add(level(hint));
        }
      }
    }
    if (rel instanceof TableScan scan) {
      QuiverTable table = scan.getTable().unwrap(QuiverTable.class);
      if (table != null) {
        tables.add(table.name());
      }
    }
    rel.accept(
        new RexShuttle() {
          @Override
          public RexNode visitSubQuery(RexSubQuery subQuery) {
            survey(subQuery.rel, tables, hints);
            return subQuery;
          }
        });
    for (RelNode input : rel.getInputs()) {
      survey(input, tables, hints);
    }
  }

  private static ConsistencyLevel level(RelHint hint) {
    if (hint.listOptions.size() != 1) {
      throw new QuiverException(
          ErrorCode.INVALID_VALUE,
          "hint CONSISTENCY takes one level, e.g. /*+ CONSISTENCY(STRONG) */; got "
              + hint.listOptions.size()
              + " options");
    }
    return ConsistencyLevel.parse(hint.listOptions.get(0), "hint CONSISTENCY");
  }

  @Override
  public RelNode visit(TableScan scan) {
    QuiverTable table = scan.getTable().unwrap(QuiverTable.class);
    if (table == null || scan.getTable().unwrap(QuiverTableAt.class) != null) {
      return scan;
    }
    return scanOf(
        scan, new QuiverTableAt(table, plan, null, null), scan.getTable().getQualifiedName());
  }

  @Override
  public RelNode visit(RelNode other) {
    if (other instanceof LogicalSnapshot snapshot) {
      return timeTravel(snapshot);
    }
    return super.visit(other);
  }

  /** Each rel's inputs and the plans of its sub-queries. */
  @Override
  protected RelNode visitChildren(RelNode rel) {
    RelNode visited = super.visitChildren(rel);
    return visited.accept(
        new RexShuttle() {
          @Override
          public RexNode visitSubQuery(RexSubQuery subQuery) {
            RelNode inner = subQuery.rel.accept(TableReadRewriter.this);
            return inner == subQuery.rel ? subQuery : subQuery.clone(inner);
          }
        });
  }

  private RelNode timeTravel(LogicalSnapshot snapshot) {
    RexBuilder rexBuilder = snapshot.getCluster().getRexBuilder();
    RexNode period = snapshot.getPeriod();
    Function1<DataContext, Object[]> instant =
        RexExecutorImpl.getExecutable(
                rexBuilder, List.of(period), rexBuilder.getTypeFactory().builder().build())
            .getFunction();
    return atInstant(snapshot.getInput(), instant, period.toString());
  }

  /** The table under a FOR SYSTEM_TIME AS OF, read at its instant (through the projections). */
  private RelNode atInstant(RelNode rel, Function1<DataContext, Object[]> instant, String text) {
    QuiverTable table =
        rel instanceof TableScan scan ? scan.getTable().unwrap(QuiverTable.class) : null;
    if (table != null) {
      TableScan scan = (TableScan) rel;
      List<String> names = new ArrayList<>(scan.getTable().getQualifiedName());
      // Its own name: the planner merges scans with equal names, and this one reads other rows.
      names.set(names.size() - 1, table.name() + " FOR SYSTEM_TIME AS OF " + text);
      return scanOf(scan, new QuiverTableAt(table, plan, instant, text), names);
    }
    if (rel instanceof LogicalProject project) {
      return project.copy(
          project.getTraitSet(), List.of(atInstant(project.getInput(), instant, text)));
    }
    throw new QuiverException(
        ErrorCode.UNSUPPORTED,
        "FOR SYSTEM_TIME AS OF reads a table of schema public as it was; it cannot apply to "
            + rel.getRelTypeName());
  }

  private static RelNode scanOf(TableScan scan, QuiverTableAt read, List<String> names) {
    RelOptTable original = scan.getTable();
    RelOptTable table =
        RelOptTableImpl.create(
            original.getRelOptSchema(),
            original.getRowType(),
            names,
            read,
            (TableExpressionFactory) null);
    return LogicalTableScan.create(scan.getCluster(), table, scan.getHints());
  }
}
