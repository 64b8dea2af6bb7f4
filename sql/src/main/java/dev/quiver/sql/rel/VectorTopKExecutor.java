package dev.quiver.sql.rel;

import dev.quiver.sql.schema.FilterTranslator;
import dev.quiver.sql.schema.QuiverTable;
import dev.quiver.sql.schema.QuiverTableAt;
import dev.quiver.sql.type.VectorValues;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.RowScan;
import dev.quiver.storage.table.SearchHit;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.VectorSearch;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.SchemaPlus;

/** Runs a {@link VectorTopK}: evaluates its parameters, searches the engine, projects the hits. */
public final class VectorTopKExecutor {
  private VectorTopKExecutor() {}

  /**
   * What a planned top-k search needs at run time. The expressions were compiled when the statement
   * was prepared, so a prepared statement runs again without planning.
   *
   * @param table the table
   * @param read the statement's read of the table, which chooses the snapshot
   * @param column the vector column's position
   * @param metric the distance
   * @param nullable whether the column may hold NULL (such rows sort after all others)
   * @param arguments computes, from the statement's parameters, the query vector, the row count and
   *     the offset (null when none)
   * @param condition computes each of the WHERE clause's conjuncts for a row (table columns), or
   *     null for no WHERE clause
   * @param conjuncts the WHERE clause's conjuncts, which are translated into a storage {@link
   *     Predicate} with the parameters' values when the statement runs
   * @param conditionColumns the columns the WHERE clause reads
   * @param projection computes the output row from a table row followed by the distance
   * @param projectedColumns the table columns the projection reads, ascending: the only ones the
   *     search reads from its hits
   * @param hintedEfSearch the query's EF_SEARCH hint, or null
   * @param hintedNprobe the query's NPROBE hint, or null
   * @param fetchParameter the index of the {@code ?} that is the LIMIT, or -1
   * @param offsetParameter the index of the {@code ?} that is the OFFSET, or -1
   */
  public record Spec(
      QuiverTable table,
      QuiverTableAt read,
      int column,
      Metric metric,
      boolean nullable,
      Function1<DataContext, Object[]> arguments,
      Function1<DataContext, Object[]> condition,
      List<RexNode> conjuncts,
      int[] conditionColumns,
      Function1<DataContext, Object[]> projection,
      int[] projectedColumns,
      Integer hintedEfSearch,
      Integer hintedNprobe,
      int fetchParameter,
      int offsetParameter) {}

  /** The search's rows, nearest first. Called by the code generated for {@link VectorTopK}. */
  public static Enumerable<Object[]> execute(DataContext root, Spec spec) {
    Object[] arguments = spec.arguments().apply(root);
    float[] query = VectorValues.toFloatArray(arguments[0], "the query vector");
    Object fetchValue =
        spec.fetchParameter() >= 0 ? root.get("?" + spec.fetchParameter()) : arguments[1];
    Object offsetValue =
        spec.offsetParameter() >= 0 ? root.get("?" + spec.offsetParameter()) : arguments[2];
    long fetch = fetchValue == null ? Long.MAX_VALUE : ((Number) fetchValue).longValue();
    long offset = offsetValue == null ? 0 : ((Number) offsetValue).longValue();
    if (fetch < 0 || offset < 0) {
      throw new QuiverException(
          ErrorCode.INVALID_VALUE,
          "LIMIT and OFFSET must not be negative, got LIMIT " + fetch + " OFFSET " + offset);
    }
    long wanted = fetch > Long.MAX_VALUE - offset ? Long.MAX_VALUE : fetch + offset;
    int k = (int) Math.min(Integer.MAX_VALUE, wanted);
    Table table = spec.table().storage();
    Predicate filter = filter(root, spec);
    Snapshot snapshot = spec.read().snapshot(root);
    List<Object[]> rows = new ArrayList<>();
    if (query == null) {
      // Every distance is NULL: any k matching rows, in no particular order.
      try (RowScan it = table.scan(snapshot, filter)) {
        while (it.hasNext() && rows.size() < k) {
          rows.add(withDistance(it.next(), null));
        }
      }
    } else {
      VectorTopKRewriter.SearchPlan plan = plan(spec);
      int ef = plan != null && plan.parameter().equals("ef_search") ? plan.value() : 0;
      int nprobe = plan != null && plan.parameter().equals("nprobe") ? plan.value() : 0;
      for (SearchHit hit :
          table.search(
              snapshot,
              new VectorSearch(
                  spec.column(),
                  query,
                  spec.metric(),
                  k,
                  filter,
                  ef,
                  nprobe,
                  spec.projectedColumns()))) {
        rows.add(withDistance(hit.row(), hit.distance()));
      }
      if (rows.size() < k && spec.nullable()) {
        // Rows without a vector have a NULL distance, which sorts last.
        try (RowScan it = table.scan(snapshot, filter)) {
          while (it.hasNext() && rows.size() < k) {
            Object[] row = it.next();
            if (row[spec.column()] == null) {
              rows.add(withDistance(row, null));
            }
          }
        }
      }
    }
    List<Object[]> out =
        new ArrayList<>(Math.max(0, rows.size() - (int) Math.min(offset, rows.size())));
    for (int i = (int) Math.min(offset, rows.size()); i < rows.size(); i++) {
      out.add(project(root, spec, rows.get(i)));
    }
    return Linq4j.asEnumerable(out);
  }

  /** How to search now: the index that fits the column and metric may have changed. */
  private static VectorTopKRewriter.SearchPlan plan(Spec spec) {
    String column = spec.table().storage().def().column(spec.column()).name();
    return VectorTopKRewriter.searchPlan(
        spec.table(), column, spec.metric(), spec.hintedEfSearch(), spec.hintedNprobe());
  }

  /**
   * The WHERE clause as a storage predicate: the conjuncts {@link FilterTranslator} translates with
   * this execution's parameter values, which a segment answers from its column indexes, and the
   * others as one {@link Predicate.Custom} that runs the compiled conjuncts on a row. The custom
   * part reads every column of the clause, because the compiled code computes every conjunct.
   */
  private static Predicate filter(DataContext root, Spec spec) {
    if (spec.condition() == null) {
      return Predicate.ALWAYS;
    }
    List<RexNode> untranslated = new ArrayList<>(spec.conjuncts());
    Predicate pushed =
        FilterTranslator.translateAndRemove(untranslated, spec.table().storage().def(), root);
    if (untranslated.isEmpty()) {
      return pushed;
    }
    int[] remaining = new int[untranslated.size()];
    for (int i = 0; i < remaining.length; i++) {
      remaining[i] = spec.conjuncts().indexOf(untranslated.get(i));
    }
    Function1<DataContext, Object[]> condition = spec.condition();
    Predicate custom =
        new Predicate.Custom(
            spec.conditionColumns(),
            row -> {
              Object[] values =
                  condition.apply(new RowContext(root, QuiverTable.toCalciteRow(row)));
              Boolean all = Boolean.TRUE;
              for (int i : remaining) {
                if (Boolean.FALSE.equals(values[i])) {
                  return false;
                }
                if (values[i] == null) {
                  all = null;
                }
              }
              return all;
            },
            untranslated.stream().map(RexNode::toString).collect(Collectors.joining(" AND ")));
    return new Predicate.And(List.of(pushed, custom));
  }

  private static Object[] withDistance(Object[] stored, Double distance) {
    Object[] row = new Object[stored.length + 1];
    System.arraycopy(stored, 0, row, 0, stored.length);
    row[stored.length] = distance;
    return row;
  }

  private static Object[] project(DataContext root, Spec spec, Object[] rowWithDistance) {
    return spec.projection().apply(new RowContext(root, QuiverTable.toCalciteRow(rowWithDistance)));
  }

  /**
   * The statement's data context with one row as the {@code inputRecord} that code compiled by
   * {@code RexExecutorImpl} reads its input references from.
   */
  private record RowContext(DataContext root, Object[] row) implements DataContext {
    @Override
    public SchemaPlus getRootSchema() {
      return root.getRootSchema();
    }

    @Override
    public JavaTypeFactory getTypeFactory() {
      return root.getTypeFactory();
    }

    @Override
    public QueryProvider getQueryProvider() {
      return root.getQueryProvider();
    }

    @Override
    public Object get(String name) {
      return name.equals("inputRecord") ? row : root.get(name);
    }
  }
}
