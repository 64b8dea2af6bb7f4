package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A brute-force top-k oracle for the vector search tests: the rows a test inserted, kept in Java,
 * and the k nearest of them computed by comparing every one. Distances are computed in double from
 * the stored floats; the engine accumulates in float, so comparisons allow a small tolerance.
 */
final class TopKOracle {
  private TopKOracle() {}

  /** Distances below this apart count as a tie. */
  static final double TIE = 1e-4;

  /** One stored row of the test tables. */
  record Row(long id, String category, Integer n, float[] v) {}

  /**
   * One row of a query's result: its id and, when the query selected one as its second column, the
   * distance.
   */
  record Hit(long id, boolean selected, Double distance) {}

  /** The SQL distance functions; {@link #IP} is INNER_PRODUCT, where higher is nearer. */
  enum Fn {
    L2("l2", "v <-> ?", ""),
    COSINE("cosine", "v <=> ?", ""),
    IP("ip", "INNER_PRODUCT(v, ?)", " DESC");

    final String metric;
    final String expression;
    final String direction;

    Fn(String metric, String expression, String direction) {
      this.metric = metric;
      this.expression = expression;
      this.direction = direction;
    }

    /** The distance as SQL returns it; NaN for cosine with a zero vector. */
    double distance(float[] a, float[] b) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      double sq = 0;
      for (int i = 0; i < a.length; i++) {
        dot += (double) a[i] * b[i];
        na += (double) a[i] * a[i];
        nb += (double) b[i] * b[i];
        double d = (double) a[i] - b[i];
        sq += d * d;
      }
      return switch (this) {
        case L2 -> Math.sqrt(sq);
        case COSINE ->
            na == 0 || nb == 0
                ? Double.NaN
                : 1 - Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
        case IP -> dot;
      };
    }

    /** Nearness as one number where smaller is nearer; NaN is farthest. */
    double rank(double distance) {
      if (Double.isNaN(distance)) {
        return Double.POSITIVE_INFINITY;
      }
      return this == IP ? -distance : distance;
    }
  }

  /** A ranked oracle answer: the matching rows nearest first, with their distances. */
  record Ranked(List<Row> rows, List<Double> distances) {
    int size() {
      return rows.size();
    }

    List<Long> ids(int from, int to) {
      List<Long> ids = new ArrayList<>();
      for (int i = from; i < Math.min(to, rows.size()); i++) {
        ids.add(rows.get(i).id());
      }
      return ids;
    }
  }

  /** Every row passing the filter, nearest to q first (ties by id), rows without a vector last. */
  static Ranked rank(List<Row> rows, Fn fn, float[] q, Predicate<Row> filter) {
    record Scored(Row row, Double distance, double rank) {}
    List<Scored> scored = new ArrayList<>();
    for (Row row : rows) {
      if (filter.test(row)) {
        Double d = row.v() == null ? null : fn.distance(row.v(), q);
        scored.add(new Scored(row, d, d == null ? Double.MAX_VALUE : fn.rank(d)));
      }
    }
    scored.sort(
        Comparator.comparingDouble(Scored::rank)
            .thenComparing(s -> s.row().v() == null)
            .thenComparingLong(s -> s.row().id()));
    List<Row> out = new ArrayList<>();
    List<Double> distances = new ArrayList<>();
    for (Scored s : scored) {
      out.add(s.row());
      distances.add(s.distance());
    }
    return new Ranked(out, distances);
  }

  /**
   * Asserts that {@code actual} is positions {@code offset .. offset+k} of the oracle's ranking, up
   * to ties: as many rows as the oracle has there, distinct, each a row that passes the filter, and
   * at each position a row as near as the oracle's row at that position (so ids may differ only
   * between rows at equal distance). Where the query selected the distance, it must be that row's.
   */
  static void assertExact(Ranked oracle, int offset, int k, List<Hit> actual, String what) {
    int expected = Math.max(0, Math.min(k, oracle.size() - offset));
    assertEquals(expected, actual.size(), what + ": row count");
    List<Long> matching = oracle.ids(0, oracle.size());
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < actual.size(); i++) {
      Hit hit = actual.get(i);
      assertTrue(seen.add(hit.id()), what + ": id " + hit.id() + " returned twice");
      int at = matching.indexOf(hit.id());
      if (at < 0) {
        fail(what + ": id " + hit.id() + " does not pass the filter or does not exist");
      }
      Double own = oracle.distances().get(at);
      Double want = oracle.distances().get(offset + i);
      if (!sameDistance(own, want)) {
        fail(
            what
                + ": position "
                + i
                + " has id "
                + hit.id()
                + " at distance "
                + own
                + " but the oracle has id "
                + oracle.rows().get(offset + i).id()
                + " at distance "
                + want
                + "; oracle ids "
                + oracle.ids(offset, offset + k)
                + ", actual "
                + actual.stream().map(Hit::id).toList());
      }
      assertDistance(own, hit, what);
    }
  }

  /**
   * Asserts what an approximate search must still get right: the row count, distinct rows that pass
   * the filter, correct distance values, nearest first. Returns how many of the oracle's top min(k,
   * matching) rows it found (for recall); ties at the boundary count as found.
   */
  static int assertApproximate(
      Fn fn, Ranked oracle, int k, List<Hit> actual, String what, boolean nullsLast) {
    int expected = Math.min(k, oracle.size());
    assertEquals(expected, actual.size(), what + ": row count");
    List<Long> matching = oracle.ids(0, oracle.size());
    Set<Long> seen = new HashSet<>();
    double previous = Double.NEGATIVE_INFINITY;
    boolean sawNull = false;
    for (Hit hit : actual) {
      assertTrue(seen.add(hit.id()), what + ": id " + hit.id() + " returned twice");
      int at = matching.indexOf(hit.id());
      if (at < 0) {
        fail(what + ": id " + hit.id() + " does not pass the filter or does not exist");
      }
      Double own = oracle.distances().get(at);
      assertDistance(own, hit, what);
      if (own == null) {
        sawNull = true;
      } else {
        assertTrue(!(nullsLast && sawNull), what + ": a row with a vector after a NULL one");
        double r = fn.rank(own);
        assertTrue(r >= previous - TIE, what + ": not nearest first at id " + hit.id());
        previous = r;
      }
    }
    if (expected == 0) {
      return 0;
    }
    Double boundary = oracle.distances().get(expected - 1);
    int found = 0;
    for (Hit hit : actual) {
      Double own = oracle.distances().get(matching.indexOf(hit.id()));
      boolean nearEnough =
          own == null
              ? boundary == null
              : boundary == null || fn.rank(own) <= fn.rank(boundary) + TIE;
      if (nearEnough) {
        found++;
      }
    }
    return found;
  }

  private static void assertDistance(Double oracle, Hit hit, String what) {
    if (hit.selected() && !sameDistance(oracle, hit.distance())) {
      fail(what + ": id " + hit.id() + " has distance " + hit.distance() + ", oracle " + oracle);
    }
  }

  /** Equal within {@link #TIE}, relative for large values; NaN equals NaN, null equals null. */
  static boolean sameDistance(Double a, Double b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNaN() || b.isNaN()) {
      return a.isNaN() && b.isNaN();
    }
    return Math.abs(a - b) <= TIE * Math.max(1, Math.abs(a));
  }

  /** Reads (id, distance) rows; the distance is column 2 when that is a DOUBLE. */
  static List<Hit> hits(ResultSet rs) throws SQLException {
    List<Hit> hits = new ArrayList<>();
    try (rs) {
      boolean hasDistance =
          rs.getMetaData().getColumnCount() >= 2
              && rs.getMetaData().getColumnType(2) == java.sql.Types.DOUBLE;
      while (rs.next()) {
        Double d = null;
        if (hasDistance) {
          double value = rs.getDouble(2);
          d = rs.wasNull() ? null : value;
        }
        hits.add(new Hit(rs.getLong(1), hasDistance, d));
      }
    }
    return hits;
  }

  /** Binds parameters with setObject, in order. */
  static void bind(PreparedStatement ps, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      ps.setObject(i + 1, parameters[i]);
    }
  }

  /** A seed from {@code -Dtests.seed} or the clock, printed so that a failure can be replayed. */
  /** Waits until the index builder has given every sealed segment its graph, at most 120 s. */
  static void awaitIndexesBuilt(Statement s) throws SQLException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM sys.indexes WHERE state <> 'BUILT'")) {
        rs.next();
        if (rs.getLong(1) == 0) {
          return;
        }
      }
      assertTrue(System.currentTimeMillis() < deadline, "indexes not built within 120 s");
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static long seed(String test) {
    String fixed = System.getProperty("tests.seed");
    long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    System.out.println(test + " seed=" + seed + " (rerun with -Dtests.seed=" + seed + ")");
    return seed;
  }

  /** A vector with Gaussian components. */
  static float[] gaussian(Random random, int dimension) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** A vector as SQL text, e.g. {@code '[0.5, -1.25]'} without the quotes. */
  static String literal(float[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%s", v[i]));
    }
    return sb.append(']').toString();
  }
}
