package dev.quiver.storage.table;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static dev.quiver.storage.table.TableFixture.row;
import static dev.quiver.storage.table.TableFixture.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.TableDef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link Table#search}: exact top-k under each metric with pushed-down filters, checked
 * against a brute-force oracle over random data, with rows in memory both in the vector blocks and
 * not yet applied.
 */
class TableSearchTest {
  private static final int ID = 0;
  private static final int CATEGORY = 1;
  private static final int SCORE = 2;
  private static final int VECTOR = 3;
  private static final List<String> NAMES = List.of("id", "category", "score", "v");
  private static final String[] CATEGORIES = {"red", "green", "grey", "re.d", "r_d", "g%n", null};
  private static final String[] PATTERNS = {"gr%", "%e%", "r_d", "re.d", "g\\%n", "%", "_", "g%%n"};

  /** A filter and an independent evaluation of it in SQL's three-valued logic. */
  private record Filter(Predicate predicate, Function<Object[], Boolean> oracle) {}

  private static TableFixture items(int dimension) {
    return TableFixture.of(
        new TableDef(
            "items",
            List.of(
                ColumnDef.of("id", ColumnType.INTEGER, false),
                ColumnDef.of("category", ColumnType.VARCHAR, true),
                ColumnDef.of("score", ColumnType.DOUBLE, true),
                ColumnDef.vector("v", dimension, true)),
            0,
            Map.of()));
  }

  @Test
  void searchEqualsBruteForceOracleForEveryMetricAndFilter() {
    long seed = System.nanoTime();
    System.out.println("TableSearchTest seed=" + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 30; round++) {
      int dimension = 1 + random.nextInt(12);
      int rowCount = random.nextInt(300);
      TableFixture t = items(dimension);
      List<Object[]> rows = new ArrayList<>();
      // Rows below `applied` are in the vector blocks (as the engine's applier leaves them), the
      // others are searched one by one.
      int applied = random.nextInt(rowCount + 1);
      WriteBatch batch = new WriteBatch();
      for (int id = 0; id < rowCount; id++) {
        Object[] r = randomRow(random, id, dimension);
        rows.add(r);
        batch.insert(r);
        if (id + 1 == applied) {
          t.table.apply(batch);
          t.table.applyPending();
          batch = new WriteBatch();
        }
      }
      if (!batch.isEmpty()) {
        t.table.apply(batch);
      }
      for (int query = 0; query < 20; query++) {
        Metric metric = Metric.values()[random.nextInt(Metric.values().length)];
        Filter filter = randomFilter(random, 2);
        int k =
            switch (random.nextInt(4)) {
              case 0 -> 1;
              case 1 -> 1 + random.nextInt(10);
              case 2 -> 1 + random.nextInt(rowCount + 1);
              default -> rowCount + 5;
            };
        float[] q = gaussian(random, dimension);
        String context =
            "seed="
                + seed
                + " round="
                + round
                + " applied="
                + applied
                + " metric="
                + metric
                + " k="
                + k
                + " filter="
                + filter.predicate().describe(NAMES);
        checkAgainstOracle(
            t, rows, new VectorSearch(VECTOR, q, metric, k, filter.predicate()), filter, context);
      }
    }
  }

  private static void checkAgainstOracle(
      TableFixture t, List<Object[]> rows, VectorSearch request, Filter filter, String context) {
    Map<Integer, Double> oracle = new HashMap<>();
    for (Object[] r : rows) {
      if (r[VECTOR] != null && Boolean.TRUE.equals(filter.oracle().apply(r))) {
        oracle.put(
            (Integer) r[ID], distance(request.metric(), request.query(), (float[]) r[VECTOR]));
      }
    }
    boolean higher = request.metric() == Metric.INNER_PRODUCT;
    List<Double> expected =
        oracle.values().stream().sorted(Comparator.comparingDouble(d -> rank(d, higher))).toList();

    List<SearchHit> hits = t.table.search(t.snapshot(), request);

    assertEquals(Math.min(request.k(), oracle.size()), hits.size(), context);
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < hits.size(); i++) {
      SearchHit hit = hits.get(i);
      Integer id = (Integer) hit.row()[ID];
      assertTrue(ids.add(id), context + ": row " + id + " returned twice");
      assertTrue(
          oracle.containsKey(id), context + ": row " + id + " does not match or has no vector");
      assertEquals(
          oracle.get(id),
          hit.distance(),
          tolerance(hit.distance()),
          context + ": distance of " + id);
      assertEquals(
          expected.get(i), hit.distance(), tolerance(hit.distance()), context + ": hit " + i);
      if (i > 0) {
        assertTrue(
            rank(hits.get(i - 1).distance(), higher) <= rank(hit.distance(), higher),
            context + ": hits " + (i - 1) + " and " + i + " out of order");
      }
    }
  }

  @Test
  void innerProductReturnsLargestProductFirst() {
    TableFixture t = items(2);
    t.insert(
        row(1, null, null, vec(1, 0)),
        row(2, null, null, vec(3, 0)),
        row(3, null, null, vec(-5, 0)));

    List<SearchHit> hits =
        t.table.search(
            t.snapshot(),
            new VectorSearch(VECTOR, vec(1, 0), Metric.INNER_PRODUCT, 3, Predicate.ALWAYS));

    assertEquals(List.of(2, 1, 3), ids(hits));
    assertEquals(List.of(3.0, 1.0, -5.0), hits.stream().map(SearchHit::distance).toList());
  }

  @Test
  void l2DistanceIsEuclideanNotSquared() {
    TableFixture t = items(2);
    t.insert(row(1, null, null, vec(3, 4)));

    SearchHit hit =
        t.table
            .search(
                t.snapshot(), new VectorSearch(VECTOR, vec(0, 0), Metric.L2, 1, Predicate.ALWAYS))
            .get(0);

    assertEquals(5.0, hit.distance(), 1e-6);
  }

  @Test
  void zeroVectorSortsLastUnderCosine() {
    TableFixture t = items(2);
    t.insert(
        row(1, null, null, vec(0, 0)),
        row(2, null, null, vec(-1, 0)),
        row(3, null, null, vec(2, 0)),
        row(4, null, null, vec(0, 5)));

    List<SearchHit> hits =
        t.table.search(
            t.snapshot(), new VectorSearch(VECTOR, vec(1, 0), Metric.COSINE, 4, Predicate.ALWAYS));

    assertEquals(List.of(3, 4, 2, 1), ids(hits));
    assertTrue(Double.isNaN(hits.get(3).distance()));
    List<SearchHit> top3 =
        t.table.search(
            t.snapshot(), new VectorSearch(VECTOR, vec(1, 0), Metric.COSINE, 3, Predicate.ALWAYS));
    assertEquals(List.of(3, 4, 2), ids(top3));
  }

  @Test
  void rowsWithNullVectorsAreSkipped() {
    TableFixture t = items(2);
    t.insert(
        row(1, null, null, null),
        row(2, null, null, vec(1, 1)),
        row(3, null, null, null),
        row(4, null, null, vec(9, 9)));

    List<SearchHit> hits =
        t.table.search(
            t.snapshot(), new VectorSearch(VECTOR, vec(0, 0), Metric.L2, 10, Predicate.ALWAYS));

    assertEquals(List.of(2, 4), ids(hits));
  }

  @Test
  void filterIsAppliedBeforeTakingTheTopK() {
    TableFixture t = items(1);
    WriteBatch batch = new WriteBatch();
    for (int id = 0; id < 100; id++) {
      batch.insert(row(id, id % 10 == 0 ? "rare" : "common", null, vec(id)));
    }
    t.table.apply(batch);

    List<SearchHit> hits =
        t.table.search(
            t.snapshot(),
            new VectorSearch(
                VECTOR,
                vec(0),
                Metric.L2,
                5,
                new Predicate.Compare(CATEGORY, Predicate.Op.EQ, "rare")));

    assertEquals(List.of(0, 10, 20, 30, 40), ids(hits));
  }

  @Test
  void kLargerThanAnyTableReturnsEveryMatchingRow() {
    TableFixture t = items(1);
    t.insert(row(1, null, null, vec(1)), row(2, null, null, vec(2)));

    List<SearchHit> hits =
        t.table.search(
            t.snapshot(),
            new VectorSearch(VECTOR, vec(0), Metric.L2, Integer.MAX_VALUE, Predicate.ALWAYS));

    assertEquals(List.of(1, 2), ids(hits));
  }

  @Test
  void zeroKReturnsNothing() {
    TableFixture t = items(1);
    t.insert(row(1, null, null, vec(1)));

    assertEquals(
        List.of(),
        t.table.search(
            t.snapshot(), new VectorSearch(VECTOR, vec(0), Metric.L2, 0, Predicate.ALWAYS)));
  }

  @Test
  void searchReadsItsSnapshot() {
    TableFixture t = items(1);
    t.insert(row(1, null, null, vec(5)));
    Snapshot before = t.snapshot();
    t.table.apply(
        new WriteBatch().insert(row(2, null, null, vec(0))).delete(row(1, null, null, vec(5))));

    assertEquals(
        List.of(1),
        ids(
            t.table.search(
                before, new VectorSearch(VECTOR, vec(0), Metric.L2, 5, Predicate.ALWAYS))));
    assertEquals(
        List.of(2),
        ids(
            t.table.search(
                t.snapshot(), new VectorSearch(VECTOR, vec(0), Metric.L2, 5, Predicate.ALWAYS))));
  }

  @Test
  void queryOfWrongDimensionFailsNamingTheColumn() {
    TableFixture t = items(3);

    assertFails(
        ErrorCode.VECTOR_DIMENSION_MISMATCH,
        () ->
            t.table.search(
                t.snapshot(), new VectorSearch(VECTOR, vec(1, 2), Metric.L2, 1, Predicate.ALWAYS)),
        "column v",
        "VECTOR(3)",
        "[1, 2]");
  }

  @Test
  void queryWithNaNFailsNamingTheComponent() {
    TableFixture t = items(2);
    t.insert(row(1, null, null, vec(1, 1)));

    assertFails(
        ErrorCode.VECTOR_NOT_FINITE,
        () ->
            t.table.search(
                t.snapshot(),
                new VectorSearch(VECTOR, vec(1, Float.NaN), Metric.L2, 1, Predicate.ALWAYS)),
        "column v",
        "component 2",
        "NaN");
  }

  @Test
  void searchOnNonVectorColumnFailsNamingIt() {
    TableFixture t = items(1);

    assertFails(
        ErrorCode.INVALID_VALUE,
        () ->
            t.table.search(
                t.snapshot(), new VectorSearch(SCORE, vec(1), Metric.L2, 1, Predicate.ALWAYS)),
        "column score");
  }

  private static List<Integer> ids(List<SearchHit> hits) {
    return hits.stream().map(h -> (Integer) h.row()[ID]).toList();
  }

  private static Object[] randomRow(Random random, int id, int dimension) {
    String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
    Double score = random.nextInt(10) == 0 ? null : Math.floor(random.nextDouble() * 100) / 100;
    float[] v;
    int kind = random.nextInt(20);
    if (kind < 2) {
      v = null;
    } else if (kind == 2) {
      v = new float[dimension];
    } else {
      v = gaussian(random, dimension);
    }
    return row(id, category, score, v);
  }

  private static float[] gaussian(Random random, int dimension) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static Filter randomFilter(Random random, int depth) {
    int choice = random.nextInt(depth > 0 ? 9 : 6);
    switch (choice) {
      case 0 -> {
        return new Filter(Predicate.ALWAYS, r -> true);
      }
      case 1 -> {
        Predicate.Op op = Predicate.Op.values()[random.nextInt(Predicate.Op.values().length)];
        long bound = random.nextInt(320) - 10;
        return new Filter(
            new Predicate.Compare(ID, op, bound),
            r -> holds(op, Long.compare(((Integer) r[ID]).longValue(), bound)));
      }
      case 2 -> {
        Predicate.Op op = Predicate.Op.values()[random.nextInt(Predicate.Op.values().length)];
        double bound = random.nextInt(5) / 4.0;
        Object literal = random.nextBoolean() ? (Object) bound : BigDecimal.valueOf(bound);
        return new Filter(
            new Predicate.Compare(SCORE, op, literal),
            r -> r[SCORE] == null ? null : holds(op, Double.compare((Double) r[SCORE], bound)));
      }
      case 3 -> {
        List<Object> values = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          values.add(CATEGORIES[random.nextInt(CATEGORIES.length)]);
        }
        return new Filter(new Predicate.In(CATEGORY, values), r -> in(r[CATEGORY], values));
      }
      case 4 -> {
        int column = random.nextBoolean() ? CATEGORY : SCORE;
        return new Filter(new Predicate.IsNull(column), r -> r[column] == null);
      }
      case 5 -> {
        String pattern = PATTERNS[random.nextInt(PATTERNS.length)];
        return new Filter(
            new Predicate.Like(CATEGORY, pattern),
            r -> r[CATEGORY] == null ? null : like((String) r[CATEGORY], pattern));
      }
      case 6 -> {
        Filter f = randomFilter(random, depth - 1);
        return new Filter(new Predicate.Not(f.predicate()), r -> not(f.oracle().apply(r)));
      }
      case 7 -> {
        Filter a = randomFilter(random, depth - 1);
        Filter b = randomFilter(random, depth - 1);
        return new Filter(
            new Predicate.And(List.of(a.predicate(), b.predicate())),
            r -> and(a.oracle().apply(r), b.oracle().apply(r)));
      }
      default -> {
        Filter a = randomFilter(random, depth - 1);
        Filter b = randomFilter(random, depth - 1);
        return new Filter(
            new Predicate.Or(List.of(a.predicate(), b.predicate())),
            r -> or(a.oracle().apply(r), b.oracle().apply(r)));
      }
    }
  }

  private static Boolean holds(Predicate.Op op, int c) {
    return switch (op) {
      case EQ -> c == 0;
      case NE -> c != 0;
      case LT -> c < 0;
      case LE -> c <= 0;
      case GT -> c > 0;
      case GE -> c >= 0;
    };
  }

  private static Boolean in(Object value, List<Object> candidates) {
    if (value == null) {
      return null;
    }
    if (candidates.contains(value)) {
      return true;
    }
    return candidates.contains(null) ? null : false;
  }

  /** SQL LIKE without escapes, by recursion over the pattern rather than through a regex. */
  private static boolean like(String s, String pattern) {
    if (pattern.isEmpty()) {
      return s.isEmpty();
    }
    char p = pattern.charAt(0);
    if (p == '%') {
      for (int i = 0; i <= s.length(); i++) {
        if (like(s.substring(i), pattern.substring(1))) {
          return true;
        }
      }
      return false;
    }
    return !s.isEmpty()
        && (p == '_' || p == s.charAt(0))
        && like(s.substring(1), pattern.substring(1));
  }

  private static Boolean not(Boolean b) {
    return b == null ? null : !b;
  }

  private static Boolean and(Boolean a, Boolean b) {
    if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
      return false;
    }
    return a == null || b == null ? null : true;
  }

  private static Boolean or(Boolean a, Boolean b) {
    if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
      return true;
    }
    return a == null || b == null ? null : false;
  }

  private static double distance(Metric metric, float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    double sq = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
      sq += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
    }
    return switch (metric) {
      case L2 -> Math.sqrt(sq);
      case INNER_PRODUCT -> dot;
      case COSINE -> na == 0 || nb == 0 ? Double.NaN : 1 - dot / Math.sqrt(na * nb);
    };
  }

  private static double rank(double distance, boolean higherIsCloser) {
    if (Double.isNaN(distance)) {
      return Double.POSITIVE_INFINITY;
    }
    return higherIsCloser ? -distance : distance;
  }

  private static double tolerance(double distance) {
    return Double.isNaN(distance) ? 1e-4 : 1e-4 * (1 + Math.abs(distance));
  }
}
