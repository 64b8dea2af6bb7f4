package dev.quiver.sql.rel;

import dev.quiver.sql.function.VectorOperatorTable;
import dev.quiver.sql.schema.QuiverTable;
import dev.quiver.sql.schema.QuiverTableAt;
import dev.quiver.sql.schema.ReadPlan;
import dev.quiver.sql.schema.SessionSettings;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.TableDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.hint.HintPredicates;
import org.apache.calcite.rel.hint.HintStrategyTable;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Finds top-k vector queries in a logical plan and replaces them with a {@link VectorTopK}:
 *
 * <pre>
 * Sort(one key, fetch k [, offset])          ORDER BY d LIMIT k, FETCH FIRST k ROWS ONLY, LIMIT ?
 *   Project(..., d = DISTANCE(column, query), ...)
 *     [Filter(condition)]                    any WHERE clause on the table's columns
 *       TableScan(a Quiver table)
 * </pre>
 *
 * where DISTANCE is L2_DISTANCE, COSINE_DISTANCE or NEGATIVE_INNER_PRODUCT ({@code <->}, {@code
 * <=>}, {@code <#>}) sorted ascending, or INNER_PRODUCT sorted descending, and the query is a
 * literal, a parameter or any expression without column references. Anything else (another sort
 * key, the farthest rows first, NULL vectors sorted first) is left to Calcite, whose plan gives the
 * same rows by scanning and sorting.
 */
public final class VectorTopKRewriter extends RelShuttleImpl {
  // By name: the validator may resolve a function to another instance of the same operator.
  private static final Map<String, Metric> DISTANCES =
      Map.of(
          VectorOperatorTable.L2_DISTANCE.getName(), Metric.L2,
          VectorOperatorTable.COSINE_DISTANCE.getName(), Metric.COSINE,
          VectorOperatorTable.NEGATIVE_INNER_PRODUCT.getName(), Metric.INNER_PRODUCT,
          VectorOperatorTable.INNER_PRODUCT.getName(), Metric.INNER_PRODUCT);

  /**
   * The query hints Quiver reads, {@code SELECT /*+ EF_SEARCH(200), NPROBE(16) *&#47; ...}: they
   * reach the SELECT list's projection, where the rewriter finds them. {@code CONSISTENCY(level)}
   * reaches an aggregate too ({@code SELECT /*+ CONSISTENCY(STRONG) *&#47; COUNT(*) ...}), and
   * {@link TableReadRewriter} reads it.
   */
  public static final HintStrategyTable HINTS =
      HintStrategyTable.builder()
          .hintStrategy("EF_SEARCH", HintPredicates.PROJECT)
          .hintStrategy("NPROBE", HintPredicates.PROJECT)
          .hintStrategy(
              "CONSISTENCY", HintPredicates.or(HintPredicates.PROJECT, HintPredicates.AGGREGATE))
          .build();

  /** Rewrites every top-k query in a plan. */
  public static RelNode rewrite(RelNode plan) {
    return plan.accept(new VectorTopKRewriter());
  }

  @Override
  public RelNode visit(LogicalSort sort) {
    RelNode visited = super.visit(sort);
    if (!(visited instanceof LogicalSort s)) {
      return visited;
    }
    RelNode topK = topK(s);
    return topK == null ? s : topK;
  }

  private static RelNode topK(LogicalSort sort) {
    if (sort.fetch == null || sort.getCollation().getFieldCollations().size() != 1) {
      return null;
    }
    RelFieldCollation order = sort.getCollation().getFieldCollations().get(0);
    if (!(sort.getInput() instanceof LogicalProject project)) {
      return null;
    }
    RexNode sortKey = project.getProjects().get(order.getFieldIndex());
    if (!(sortKey instanceof RexCall call)
        || !DISTANCES.containsKey(call.getOperator().getName())) {
      return null;
    }
    // Sub-queries are expanded after this rewrite runs; leave such queries to Calcite.
    if (RexUtil.SubQueryFinder.find(project.getProjects()) != null) {
      return null;
    }
    RexBuilder rexBuilder = sort.getCluster().getRexBuilder();
    Source source = source(project.getInput(), rexBuilder);
    if (source == null) {
      return null;
    }
    TableScan scan = source.scan();
    RexNode condition =
        source.conditions().isEmpty()
            ? null
            : RexUtil.composeConjunction(rexBuilder, source.conditions());
    RexCall distance = (RexCall) source.remap(call, rexBuilder);
    RelOptTable relTable = scan.getTable();
    QuiverTable table = relTable.unwrap(QuiverTable.class);
    if (table == null) {
      return null;
    }
    QuiverTableAt read = relTable.unwrap(QuiverTableAt.class);
    if (read == null) {
      read = new QuiverTableAt(table, ReadPlan.of(table.name()), null, null);
    }
    int column = -1;
    RexNode query = null;
    for (int i = 0; i < 2; i++) {
      RexNode operand = distance.getOperands().get(i);
      RexNode other = distance.getOperands().get(1 - i);
      if (operand instanceof RexInputRef ref && !RexUtil.containsInputRef(other)) {
        column = ref.getIndex();
        query = other;
        break;
      }
    }
    if (column < 0) {
      return null;
    }
    TableDef def = table.storage().def();
    ColumnDef vectorColumn = def.column(column);
    if (vectorColumn.type() != ColumnType.VECTOR) {
      return null;
    }
    String function = distance.getOperator().getName();
    Metric metric = DISTANCES.get(function);
    boolean higherIsCloser = function.equals(VectorOperatorTable.INNER_PRODUCT.getName());
    boolean nearestFirst =
        higherIsCloser
            ? order.getDirection() == RelFieldCollation.Direction.DESCENDING
            : order.getDirection() == RelFieldCollation.Direction.ASCENDING;
    boolean nullsLast = order.nullDirection != RelFieldCollation.NullDirection.FIRST;
    if (!nearestFirst || (vectorColumn.nullable() && !nullsLast)) {
      return null;
    }

    RelDataTypeFactory typeFactory = rexBuilder.getTypeFactory();
    RelDataType tableRow = scan.getRowType();
    int distanceField = tableRow.getFieldCount();
    RelDataType rowWithDistance =
        typeFactory
            .builder()
            .addAll(tableRow.getFieldList())
            .add(
                "$distance",
                typeFactory.createTypeWithNullability(
                    typeFactory.createSqlType(SqlTypeName.DOUBLE), true))
            .build();
    boolean negated = function.equals(VectorOperatorTable.NEGATIVE_INNER_PRODUCT.getName());
    // Every occurrence of the sort key's distance reads the computed distance instead.
    RexShuttle useDistance =
        new RexShuttle() {
          @Override
          public RexNode visitCall(RexCall call) {
            if (call.equals(distance)) {
              RexNode computed = rexBuilder.makeInputRef(rowWithDistance, distanceField);
              if (negated) {
                // The engine ranks by the inner product; <#> returns its negation.
                computed = rexBuilder.makeCall(SqlStdOperatorTable.UNARY_MINUS, computed);
              }
              return rexBuilder.makeCast(call.getType(), computed, true);
            }
            return super.visitCall(call);
          }
        };
    List<RexNode> projects = new ArrayList<>();
    for (RexNode p : project.getProjects()) {
      projects.add(source.remap(p, rexBuilder).accept(useDistance));
    }
    RelDataType empty = typeFactory.builder().build();
    RexNode offset = sort.offset;
    List<RexNode> arguments = new ArrayList<>();
    arguments.add(query);
    arguments.add(sort.fetch);
    arguments.add(offset == null ? rexBuilder.makeNullLiteral(sort.fetch.getType()) : offset);
    // A parameter is read as the application bound it: typed INTEGER, a long would be narrowed.
    int fetchParameter = sort.fetch instanceof RexDynamicParam p ? p.getIndex() : -1;
    int offsetParameter = offset instanceof RexDynamicParam p ? p.getIndex() : -1;
    List<RexNode> conjuncts = condition == null ? List.of() : RelOptUtil.conjunctions(condition);
    Integer hintedEfSearch = hint(project, "EF_SEARCH");
    Integer hintedNprobe = hint(project, "NPROBE");
    VectorTopKExecutor.Spec spec =
        new VectorTopKExecutor.Spec(
            table,
            read,
            column,
            metric,
            vectorColumn.nullable(),
            RexExecutorImpl.getExecutable(rexBuilder, arguments, empty).getFunction(),
            condition == null
                ? null
                : RexExecutorImpl.getExecutable(rexBuilder, conjuncts, tableRow).getFunction(),
            conjuncts,
            condition == null ? new int[0] : RelOptUtil.InputFinder.bits(condition).toArray(),
            RexExecutorImpl.getExecutable(rexBuilder, projects, rowWithDistance).getFunction(),
            RelOptUtil.InputFinder.bits(projects, null).clear(distanceField).toArray(),
            hintedEfSearch,
            hintedNprobe,
            fetchParameter,
            offsetParameter);
    SearchPlan plan = searchPlan(table, vectorColumn.name(), metric, hintedEfSearch, hintedNprobe);
    RelFieldCollation outputOrder =
        new RelFieldCollation(order.getFieldIndex(), order.getDirection(), order.nullDirection);
    VectorTopK topK =
        new VectorTopK(
            sort.getCluster(),
            sort.getCluster()
                .traitSetOf(EnumerableConvention.INSTANCE)
                .replace(RelCollations.of(outputOrder)),
            relTable,
            project.getRowType(),
            spec,
            query,
            sort.fetch,
            offset,
            condition,
            projects,
            plan);
    // A logical root: Calcite's planner registers a root that already has the plan's final traits
    // twice, and fails. The identity projection costs nothing; the planner removes it.
    return LogicalProject.create(
        topK,
        List.of(),
        rexBuilder.identityProjects(topK.getRowType()),
        topK.getRowType(),
        Set.of());
  }

  /**
   * A table scan under filters and projections that only pick columns (Calcite's field trimming
   * inserts those): the scan, the table column each field comes from, and the filters' conditions
   * on the table's columns.
   */
  private record Source(TableScan scan, int[] columns, List<RexNode> conditions) {
    /** An expression on this source's fields, rewritten on the table's columns. */
    RexNode remap(RexNode node, RexBuilder rexBuilder) {
      RelDataType tableRow = scan.getRowType();
      return node.accept(
          new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
              int column = columns[ref.getIndex()];
              return rexBuilder.makeInputRef(tableRow.getFieldList().get(column).getType(), column);
            }
          });
    }
  }

  private static Source source(RelNode node, RexBuilder rexBuilder) {
    if (node instanceof TableScan scan) {
      int[] identity = new int[scan.getRowType().getFieldCount()];
      for (int i = 0; i < identity.length; i++) {
        identity[i] = i;
      }
      return new Source(scan, identity, List.of());
    }
    if (node instanceof LogicalFilter filter) {
      if (RexUtil.SubQueryFinder.find(filter.getCondition()) != null) {
        return null;
      }
      Source below = source(filter.getInput(), rexBuilder);
      if (below == null) {
        return null;
      }
      List<RexNode> conditions = new ArrayList<>(below.conditions());
      conditions.add(below.remap(filter.getCondition(), rexBuilder));
      return new Source(below.scan(), below.columns(), conditions);
    }
    if (node instanceof LogicalProject pick
        && pick.getProjects().stream().allMatch(p -> p instanceof RexInputRef)) {
      Source below = source(pick.getInput(), rexBuilder);
      if (below == null) {
        return null;
      }
      int[] columns =
          pick.getProjects().stream()
              .mapToInt(p -> below.columns()[((RexInputRef) p).getIndex()])
              .toArray();
      return new Source(below.scan(), columns, below.conditions());
    }
    return null;
  }

  /**
   * How a search on a column runs: through the HNSW index of its metric with an {@code ef_search},
   * else through the IVF_FLAT index of its metric with an {@code nprobe}, else exactly (null). A
   * value comes from the query's hint, then the connection's {@code SET}, then the index's option.
   */
  record SearchPlan(IndexDef index, String parameter, int value) {}

  static SearchPlan searchPlan(
      QuiverTable table, String column, Metric metric, Integer hintedEf, Integer hintedNprobe) {
    IndexDef hnsw = index(table, column, metric, IndexMethod.HNSW);
    if (hnsw != null) {
      return new SearchPlan(hnsw, "ef_search", value(hnsw, "ef_search", hintedEf, table, 100));
    }
    IndexDef ivf = index(table, column, metric, IndexMethod.IVF_FLAT);
    if (ivf != null) {
      return new SearchPlan(ivf, "nprobe", value(ivf, "nprobe", hintedNprobe, table, 16));
    }
    return null;
  }

  private static int value(
      IndexDef index, String name, Integer hinted, QuiverTable table, int fallback) {
    if (hinted != null) {
      return hinted;
    }
    Integer session = table.writes().settings().get(name);
    return session != null
        ? session
        : Integer.parseInt(index.options().getOrDefault(name, Integer.toString(fallback)));
  }

  /** A hint's one whole-number option, e.g. 200 of {@code EF_SEARCH(200)}; null if absent. */
  private static Integer hint(LogicalProject project, String name) {
    for (RelHint hint : project.getHints()) {
      if (hint.hintName.equalsIgnoreCase(name)) {
        if (hint.listOptions.size() != 1) {
          throw new QuiverException(
              ErrorCode.INVALID_VALUE,
              "hint " + name + " takes one number, e.g. /*+ " + name + "(200) */");
        }
        return SessionSettings.searchParameter(name, hint.listOptions.get(0));
      }
    }
    return null;
  }

  private static IndexDef index(
      QuiverTable table, String column, Metric metric, IndexMethod method) {
    for (IndexDef index : table.engine().indexesOf(table.name())) {
      if (index.method() == method && index.column().equals(column) && index.metric() == metric) {
        return index;
      }
    }
    return null;
  }
}
