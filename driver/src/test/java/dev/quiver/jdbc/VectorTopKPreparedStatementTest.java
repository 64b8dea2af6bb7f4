package dev.quiver.jdbc;

import static dev.quiver.jdbc.TopKOracle.assertApproximate;
import static dev.quiver.jdbc.TopKOracle.assertExact;
import static dev.quiver.jdbc.TopKOracle.bind;
import static dev.quiver.jdbc.TopKOracle.hits;
import static dev.quiver.jdbc.TopKOracle.rank;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.jdbc.TopKOracle.Fn;
import dev.quiver.jdbc.TopKOracle.Hit;
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
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One prepared top-k statement executed many times with different vectors, categories and limits:
 * every execution is correct, and rows written (inserted, updated, deleted, flushed into a segment)
 * between executions are seen, though the plan is reused.
 */
class VectorTopKPreparedStatementTest {
  private static final int DIMENSION = 8;
  private static final String[] CATEGORIES = {"red", "green", "blue", "cyan", "gold"};
  private static final int[] LIMITS = {1, 3, 10, 40, 500};

  @TempDir Path folder;

  @ParameterizedTest(name = "HNSW index: {0}")
  @ValueSource(booleans = {false, true})
  void onePreparedStatementSeesCurrentRowsAndReturnsCorrectResultsEachTime(boolean indexed)
      throws SQLException {
    long seed = TopKOracle.seed("VectorTopKPreparedStatementTest indexed=" + indexed);
    Random random = new Random(seed);
    Map<Long, Row> live = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:quiver:file:" + folder.resolve("db"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, category VARCHAR, n INTEGER, v VECTOR(8))");
      if (indexed) {
        s.execute("CREATE INDEX t_v ON t USING HNSW (v) WITH (metric = 'l2')");
      }
      long nextId = 1;
      for (int chunk = 0; chunk < 3; chunk++) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
          rows.add(randomRow(random, nextId++));
        }
        insert(c, live, rows);
        if (chunk < 2) {
          s.executeUpdate("FLUSH TABLE t");
        }
      }

      String sql = "SELECT id, v <-> ? AS d FROM t WHERE category = ? ORDER BY d LIMIT ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN PLAN FOR " + sql)) {
          bind(explain, new float[DIMENSION], "red", 5);
          try (ResultSet rs = explain.executeQuery()) {
            rs.next();
            String plan = rs.getString(1);
            assertTrue(
                plan.contains("VectorTopK(")
                    && plan.contains(indexed ? "index=[t_v]" : "index=[none (exact)]"),
                plan);
          }
        }
        int found = 0;
        int wanted = 0;
        for (int execution = 0; execution < 60; execution++) {
          float[] q = TopKOracle.gaussian(random, DIMENSION);
          String category =
              execution % 17 == 16 ? "absent" : CATEGORIES[random.nextInt(CATEGORIES.length)];
          int k = LIMITS[random.nextInt(LIMITS.length)];
          Long planted = null;
          switch (execution % 6) {
            case 1 -> {
              // A row exactly at the next query vector, in its category: it must come first.
              Row exact = new Row(nextId++, category, 0, q.clone());
              insert(c, live, List.of(exact, randomRow(random, nextId++)));
              planted = exact.id();
            }
            case 2 -> {
              // Move an existing row (possibly in a segment) onto the query vector.
              List<Long> ids = new ArrayList<>(live.keySet());
              long target = ids.get(random.nextInt(ids.size()));
              try (PreparedStatement update =
                  c.prepareStatement("UPDATE t SET category = ?, v = ? WHERE id = ?")) {
                bind(update, category, q, target);
                assertEquals(1, update.executeUpdate());
              }
              Row old = live.get(target);
              live.put(target, new Row(target, category, old.n(), q.clone()));
              planted = target;
            }
            case 3 -> {
              // Delete the nearest rows of the category: they must not come back.
              Ranked before =
                  rank(List.copyOf(live.values()), Fn.L2, q, r -> category.equals(r.category()));
              for (long id : before.ids(0, 3)) {
                s.executeUpdate("DELETE FROM t WHERE id = " + id);
                live.remove(id);
              }
            }
            case 4 -> {
              if (execution % 12 == 4) {
                s.executeUpdate("FLUSH TABLE t");
              }
            }
            case 5 -> {
              List<Row> nulls = List.of(new Row(nextId++, category, 1, null));
              insert(c, live, nulls);
            }
            default -> {}
          }
          bind(ps, q, category, k);
          List<Hit> hits = hits(ps.executeQuery());
          Ranked oracle =
              rank(List.copyOf(live.values()), Fn.L2, q, r -> category.equals(r.category()));
          String what = "execution " + execution + " " + category + " LIMIT " + k + " seed=" + seed;
          if (planted != null && !category.equals("absent")) {
            assertTrue(!hits.isEmpty(), what);
            assertEquals(planted, hits.get(0).id(), what + ": the row just written is nearest");
            assertEquals(0.0, hits.get(0).distance(), 1e-6, what);
          }
          if (indexed) {
            found += assertApproximate(Fn.L2, oracle, k, hits, what, true);
            wanted += Math.min(k, oracle.size());
          } else {
            assertExact(oracle, 0, k, hits, what);
          }
        }
        if (indexed) {
          double recall = (double) found / wanted;
          System.out.println("VectorTopKPreparedStatementTest recall=" + recall);
          assertTrue(recall >= 0.95, "recall " + recall + " seed=" + seed);
        }
      }
    }
  }

  private static Row randomRow(Random random, long id) {
    float[] v = random.nextInt(20) == 0 ? null : TopKOracle.gaussian(random, DIMENSION);
    return new Row(id, CATEGORIES[random.nextInt(CATEGORIES.length)], random.nextInt(100), v);
  }

  private static void insert(Connection c, Map<Long, Row> live, List<Row> rows)
      throws SQLException {
    VectorTopKPlanningTest.insert(c, "t", rows);
    for (Row row : rows) {
      live.put(row.id(), row);
    }
  }
}
