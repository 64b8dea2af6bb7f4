package dev.quiver.sql.rel;

import dev.quiver.sql.schema.QuiverTable;
import dev.quiver.storage.catalog.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;

/**
 * A top-k vector search on one Quiver table: {@code ORDER BY distance(column, query) LIMIT k} over
 * an optional WHERE clause, done by the engine ({@code Table.search}) with the filter inside the
 * search, on each segment's HNSW graph where one fits the column and metric and exactly elsewhere.
 * It replaces the plan's Sort, Project, Filter and TableScan, and returns the Project's rows in the
 * Sort's order. {@link VectorTopKRewriter} builds it; {@link VectorTopKExecutor} runs it.
 */
public final class VectorTopK extends AbstractRelNode implements EnumerableRel {
  private final RelOptTable table;
  private final VectorTopKExecutor.Spec spec;
  private final RexNode query;
  private final RexNode fetch;
  private final RexNode offset;
  private final RexNode condition;
  private final List<RexNode> projects;
  private final VectorTopKRewriter.SearchPlan plan;
  private static final Pattern INPUT_REF = Pattern.compile("\\$(\\d+)");

  VectorTopK(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelOptTable table,
      RelDataType rowType,
      VectorTopKExecutor.Spec spec,
      RexNode query,
      RexNode fetch,
      RexNode offset,
      RexNode condition,
      List<RexNode> projects,
      VectorTopKRewriter.SearchPlan plan) {
    super(cluster, traits);
    this.table = table;
    this.rowType = rowType;
    this.spec = spec;
    this.query = query;
    this.fetch = fetch;
    this.offset = offset;
    this.condition = condition;
    this.projects = projects;
    this.plan = plan;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new VectorTopK(
        getCluster(),
        traitSet,
        table,
        rowType,
        spec,
        query,
        fetch,
        offset,
        condition,
        projects,
        plan);
  }

  @Override
  public RelOptTable getTable() {
    return table;
  }

  @Override
  protected RelDataType deriveRowType() {
    return rowType;
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    return 10;
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    // One call into the engine that returns k rows: cheaper than any scan-and-sort alternative.
    return planner.getCostFactory().makeTinyCost();
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    List<String> columns = table.getRowType().getFieldNames();
    return super.explainTerms(pw)
        .item("table", table.getQualifiedName())
        .item("column", columns.get(spec.column()))
        .item("metric", spec.metric().optionName())
        .item("index", plan == null ? "none (exact)" : plan.index().name())
        .itemIf(plan == null ? "" : plan.parameter(), plan == null ? 0 : plan.value(), plan != null)
        .item("query", query)
        .item("k", fetch)
        .itemIf("offset", offset, offset != null)
        .itemIf("filter", named(condition, columns), condition != null)
        .item("project", named(projects, withDistance(columns)));
  }

  private static List<String> withDistance(List<String> columns) {
    List<String> names = new ArrayList<>(columns);
    names.add("distance");
    return names;
  }

  /** An expression's text with column names in place of Calcite's {@code $n}. */
  private static String named(Object expression, List<String> names) {
    Matcher m = INPUT_REF.matcher(String.valueOf(expression));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int field = Integer.parseInt(m.group(1));
      m.appendReplacement(
          out, Matcher.quoteReplacement(field < names.size() ? names.get(field) : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    BlockBuilder builder = new BlockBuilder();
    Expression call =
        Expressions.call(
            VectorTopKExecutor.class,
            "execute",
            implementor.getRootExpression(),
            implementor.stash(spec, VectorTopKExecutor.Spec.class));
    builder.add(Expressions.return_(null, call));
    PhysType physType =
        PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
    return implementor.result(physType, builder.toBlock());
  }

  /** The table's Calcite object. */
  QuiverTable quiverTable() {
    return table.unwrap(QuiverTable.class);
  }

  /** The metric of the search. */
  Metric metric() {
    return spec.metric();
  }
}
