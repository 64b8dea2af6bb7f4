package dev.quiver.jdbc;

import static dev.quiver.jdbc.TopKOracle.assertApproximate;
import static dev.quiver.jdbc.TopKOracle.assertExact;
import static dev.quiver.jdbc.TopKOracle.bind;
import static dev.quiver.jdbc.TopKOracle.hits;
import static dev.quiver.jdbc.TopKOracle.rank;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.jdbc.TopKOracle.Fn;
import dev.quiver.jdbc.TopKOracle.Ranked;
import dev.quiver.jdbc.TopKOracle.Row;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Top-k results against a brute-force oracle on a file database whose rows are spread over three
 * sealed segments and growing rows, with UPDATEs and DELETEs after the flushes: exact searches (no
 * index, or an index of another metric) must return the oracle's rows; HNSW searches the right
 * number of rows, with recall@10 of at least 0.95.
 */
class VectorTopKOracleTest {
  private static final int DIMENSION = 16;
  private static final int CHUNK = 1500;
  private static final int[] KS = {1, 10, 100};

  /** Tables with the same rows: one per HNSW metric, and one without an index. */
  private static final String[] TABLES = {"t_l2", "t_cosine", "t_ip", "t_plain"};

  @TempDir static Path folder;
  private static Connection connection;
  private static long seed;
  private static Map<Long, Row> live;
  private static Random random;

  /** A WHERE clause of known selectivity on n (uniform in 0..999), with its Java twin. */
  record Filter(String name, String sql, Predicate<Row> test) {}

  private static final List<Filter> FILTERS =
      List.of(
          new Filter("100%", "", r -> true),
          new Filter("10%", " WHERE n < 100", r -> r.n() < 100),
          new Filter("1%", " WHERE n >= 500 AND n < 510", r -> r.n() >= 500 && r.n() < 510),
          new Filter("0.1%", " WHERE n = 777", r -> r.n() == 777));

  @BeforeAll
  static void build() throws SQLException {
    seed = TopKOracle.seed("VectorTopKOracleTest");
    random = new Random(seed);
    connection = DriverManager.getConnection("jdbc:quiver:file:" + folder.resolve("db"));
    try (Statement s = connection.createStatement()) {
      for (String table : TABLES) {
        s.execute(
            "CREATE TABLE "
                + table
                + " (id BIGINT PRIMARY KEY, category VARCHAR, n INTEGER, v VECTOR(16) NOT NULL)"
                // Chunks of CHUNK rows cannot merge: every search spans three segments.
                + " WITH (segment_max_rows = "
                + CHUNK
                + ")");
        if (!table.equals("t_plain")) {
          String metric = table.substring(2);
          s.execute(
              "CREATE INDEX "
                  + table
                  + "_hnsw ON "
                  + table
                  + " USING HNSW (v) WITH (metric = '"
                  + metric
                  + "')");
        }
      }
      live = new LinkedHashMap<>();
      long id = 1;
      for (int chunk = 0; chunk < 3; chunk++) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < CHUNK; i++) {
          rows.add(randomRow(id++));
        }
        insertEverywhere(rows);
        for (String table : TABLES) {
          s.executeUpdate("FLUSH TABLE " + table);
        }
      }
      List<Row> growing = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        growing.add(randomRow(id++));
      }
      insertEverywhere(growing);

      // Change rows in the segments and in memory: new vector and n, or only the category.
      List<Long> ids = new ArrayList<>(live.keySet());
      List<PreparedStatement> updates = new ArrayList<>();
      List<PreparedStatement> deletes = new ArrayList<>();
      for (String table : TABLES) {
        updates.add(
            connection.prepareStatement(
                "UPDATE " + table + " SET category = ?, n = ?, v = ? WHERE id = ?"));
        deletes.add(connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?"));
      }
      for (int i = 0; i < 150; i++) {
        long target = ids.get(random.nextInt(ids.size()));
        Row old = live.get(target);
        if (old == null) {
          continue;
        }
        Row changed =
            i % 3 == 0
                ? new Row(target, "changed", old.n(), old.v())
                : new Row(
                    target,
                    old.category(),
                    random.nextInt(1000),
                    TopKOracle.gaussian(random, DIMENSION));
        for (PreparedStatement ps : updates) {
          bind(ps, changed.category(), changed.n(), changed.v(), target);
          assertEquals(1, ps.executeUpdate());
        }
        live.put(target, changed);
      }
      for (int i = 0; i < 150; i++) {
        long target = ids.get(random.nextInt(ids.size()));
        for (PreparedStatement ps : deletes) {
          bind(ps, target);
          ps.executeUpdate();
        }
        live.remove(target);
      }
      for (PreparedStatement ps : updates) {
        ps.close();
      }
      for (PreparedStatement ps : deletes) {
        ps.close();
      }
      // A range delete: a whole band of n, in every segment.
      for (String table : TABLES) {
        s.executeUpdate("DELETE FROM " + table + " WHERE n BETWEEN 300 AND 309");
      }
      live.values().removeIf(r -> r.n() >= 300 && r.n() <= 309);
      List<Row> more = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        more.add(randomRow(id++));
      }
      insertEverywhere(more);
      TopKOracle.awaitIndexesBuilt(s);
    }
    System.out.println("VectorTopKOracleTest: " + live.size() + " live rows");
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
  }

  private static Row randomRow(long id) {
    return new Row(
        id, "c" + random.nextInt(8), random.nextInt(1000), TopKOracle.gaussian(random, DIMENSION));
  }

  private static void insertEverywhere(List<Row> rows) throws SQLException {
    for (String table : TABLES) {
      VectorTopKPlanningTest.insert(connection, table, rows);
    }
    for (Row row : rows) {
      live.put(row.id(), row);
    }
  }

  private static List<Row> rows() {
    return List.copyOf(live.values());
  }

  /** Half random directions, half near a stored row (as real queries mostly are). */
  private static float[] queryVector(Random r, List<Row> rows) {
    float[] q = TopKOracle.gaussian(r, DIMENSION);
    if (r.nextBoolean()) {
      float[] near = rows.get(r.nextInt(rows.size())).v();
      for (int i = 0; i < DIMENSION; i++) {
        q[i] = near[i] + 0.1f * q[i];
      }
    }
    return q;
  }

  private static String sql(Fn fn, String table, Filter filter) {
    return "SELECT id, "
        + fn.expression
        + " AS d FROM "
        + table
        + filter.sql()
        + " ORDER BY d"
        + fn.direction
        + " LIMIT ?";
  }

  private static String explain(String sql, Object... parameters) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("EXPLAIN PLAN FOR " + sql)) {
      bind(ps, parameters);
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    }
  }

  private static String otherMetricTable(Fn fn) {
    return switch (fn) {
      case L2 -> "t_cosine";
      case COSINE -> "t_ip";
      case IP -> "t_l2";
    };
  }

  @Test
  void rowsSpanThreeSealedSegmentsAndGrowingRowsInEveryTable() throws SQLException {
    for (String table : TABLES) {
      int sealed = 0;
      long growing = 0;
      try (Statement s = connection.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT state, row_count, deleted_rows, index_name FROM sys.segments"
                      + " WHERE table_name = '"
                      + table
                      + "'")) {
        while (rs.next()) {
          if (rs.getString(1).equals("GROWING")) {
            growing += rs.getLong(2);
          } else {
            sealed++;
            assertTrue(rs.getLong(3) > 0, table + ": updates and deletes reached every segment");
            assertEquals(table.equals("t_plain") ? null : table + "_hnsw", rs.getString(4));
          }
        }
      }
      assertTrue(sealed >= 3, table + " has " + sealed + " sealed segments");
      assertTrue(growing > 0, table + " has no growing rows");
      try (Statement s = connection.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
        rs.next();
        assertEquals(live.size(), rs.getLong(1), table);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Fn.class)
  void exactSearchWithoutAnIndexReturnsTheOracleRows(Fn fn) throws SQLException {
    assertExactEverywhere(fn, "t_plain");
  }

  @ParameterizedTest
  @EnumSource(Fn.class)
  void exactSearchWithAnIndexOfAnotherMetricReturnsTheOracleRows(Fn fn) throws SQLException {
    assertExactEverywhere(fn, otherMetricTable(fn));
  }

  private void assertExactEverywhere(Fn fn, String table) throws SQLException {
    List<Row> rows = rows();
    Random r = new Random(seed ^ fn.ordinal());
    for (Filter filter : FILTERS) {
      String sql = sql(fn, table, filter);
      String plan = explain(sql, new float[DIMENSION], 10);
      assertTrue(plan.contains("VectorTopK(") && plan.contains("index=[none (exact)]"), plan);
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        for (int i = 0; i < 4; i++) {
          float[] q = queryVector(r, rows);
          Ranked oracle = rank(rows, fn, q, filter.test());
          for (int k : KS) {
            bind(ps, q, k);
            String what = table + " " + fn + " " + filter.name() + " k=" + k + " seed=" + seed;
            assertExact(oracle, 0, k, hits(ps.executeQuery()), what);
          }
        }
      }
    }
    // OFFSET past rows of several segments, and (for ip) the <#> operator's order.
    float[] q = queryVector(r, rows);
    Ranked oracle = rank(rows, fn, q, row -> true);
    try (PreparedStatement ps =
        connection.prepareStatement(
            sql(fn, table, FILTERS.get(0))
                .replace(" LIMIT ?", " OFFSET 37 ROWS FETCH NEXT 25 ROWS ONLY"))) {
      bind(ps, q);
      assertExact(oracle, 37, 25, hits(ps.executeQuery()), table + " OFFSET seed=" + seed);
    }
    if (fn == Fn.IP) {
      try (PreparedStatement ps =
          connection.prepareStatement("SELECT id FROM " + table + " ORDER BY v <#> ? LIMIT 50")) {
        bind(ps, q);
        assertExact(oracle, 0, 50, hits(ps.executeQuery()), table + " <#> seed=" + seed);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Fn.class)
  void hnswSearchReturnsExactRowCountsAndRecallAtTenOfAtLeast95Percent(Fn fn) throws SQLException {
    String table = "t_" + fn.metric;
    List<Row> rows = rows();
    Random r = new Random(seed ^ (31 + fn.ordinal()));
    StringBuilder report = new StringBuilder();
    for (Filter filter : FILTERS) {
      String sql = sql(fn, table, filter);
      String plan = explain(sql, new float[DIMENSION], 10);
      assertTrue(
          plan.contains("VectorTopK(")
              && plan.contains("index=[" + table + "_hnsw], ef_search=[100]"),
          plan);
      // Unfiltered recall is the headline number: 60 queries; filtered ones 15 each.
      int queries = filter.name().equals("100%") ? 60 : 15;
      int found = 0;
      int wanted = 0;
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        for (int i = 0; i < queries; i++) {
          float[] q = queryVector(r, rows);
          Ranked oracle = rank(rows, fn, q, filter.test());
          for (int k : KS) {
            bind(ps, q, k);
            String what = table + " " + filter.name() + " k=" + k + " seed=" + seed;
            int hit = assertApproximate(fn, oracle, k, hits(ps.executeQuery()), what, true);
            if (k == 10) {
              found += hit;
              wanted += Math.min(k, oracle.size());
            }
          }
        }
      }
      double recall = wanted == 0 ? 1 : (double) found / wanted;
      report.append(String.format(Locale.ROOT, " %s=%.4f", filter.name(), recall));
      assertTrue(
          recall >= 0.95,
          table + " recall@10 at selectivity " + filter.name() + " is " + recall + " seed=" + seed);
    }
    System.out.println("VectorTopKOracleTest " + table + " recall@10:" + report);
  }
}
