package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexes on a populated table: created after the rows were sealed, they are built into every
 * existing segment in the background (sys.indexes shows the progress), two vector columns carry
 * indexes of different methods at once, and DROP INDEX sends queries back to exact search.
 */
class VectorIndexLifecycleTest {
  @TempDir Path folder;

  @Test
  void indexesCreatedOnAPopulatedTableAreBuiltIntoEverySegmentAndUsedPerColumn() throws Exception {
    long seed = System.nanoTime();
    System.out.println("VectorIndexLifecycleTest seed=" + seed);
    Random random = new Random(seed);
    int rows = 3000;
    float[][] a = new float[rows][];
    float[][] b = new float[rows][];
    try (Connection c = DriverManager.getConnection("jdbc:quiver:file:" + folder.resolve("db"));
        Statement s = c.createStatement()) {
      // Segments of 1,000 rows cannot merge: the index is built into each of the three.
      s.execute(
          "CREATE TABLE t (id INTEGER PRIMARY KEY, a VECTOR(8), b VECTOR(4))"
              + " WITH (segment_max_rows = 1000)");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
        for (int i = 0; i < rows; i++) {
          a[i] = vector(random, 8);
          b[i] = vector(random, 4);
          insert.setInt(1, i);
          insert.setObject(2, a[i]);
          insert.setObject(3, b[i]);
          insert.addBatch();
          if (i % 1000 == 999) {
            insert.executeBatch();
            s.execute("FLUSH TABLE t");
          }
        }
      }
      s.execute("CREATE INDEX t_a ON t USING HNSW (a) WITH (metric = 'l2')");
      s.execute("CREATE INDEX t_b ON t USING IVF_FLAT (b) WITH (metric = 'cosine', nlist = 16)");
      awaitBuilt(s, "t_a", 3);
      awaitBuilt(s, "t_b", 3);

      assertTrue(plan(s, "SELECT id FROM t ORDER BY a <-> ? LIMIT 5").contains("index=[t_a]"));
      assertTrue(plan(s, "SELECT id FROM t ORDER BY b <=> ? LIMIT 5").contains("index=[t_b]"));
      assertTrue(
          plan(s, "SELECT id FROM t ORDER BY b <-> ? LIMIT 5").contains("index=[none (exact)]"),
          "no index of the l2 metric on b");
      float[] q = vector(random, 8);
      // Approximate: at least 4 of the exact 5 (an HNSW search at ef_search 100 on 3,000 rows).
      List<Integer> viaGraph = ids(c, "SELECT id FROM t ORDER BY a <-> ? LIMIT 5", q);
      assertEquals(5, viaGraph.size());
      assertTrue(
          viaGraph.stream().filter(exact(a, q, 5)::contains).count() >= 4, viaGraph.toString());
      float[] r = vector(random, 4);
      List<Integer> ivf = ids(c, "SELECT id FROM t ORDER BY b <=> ? LIMIT 5", r);
      assertEquals(5, ivf.size());

      s.execute("DROP INDEX t_a");
      assertTrue(plan(s, "SELECT id FROM t ORDER BY a <-> ? LIMIT 5").contains("none (exact)"));
      assertEquals(exact(a, q, 5), ids(c, "SELECT id FROM t ORDER BY a <-> ? LIMIT 5", q));
    }
  }

  private static void awaitBuilt(Statement s, String index, long segments) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT state, segments_indexed, segments_total FROM sys.indexes WHERE index_name = '"
                  + index
                  + "'")) {
        assertTrue(rs.next());
        assertEquals(segments, rs.getLong(3));
        if (rs.getString(1).equals("BUILT")) {
          assertEquals(segments, rs.getLong(2));
          return;
        }
        assertEquals("BUILDING", rs.getString(1));
        assertTrue(rs.getLong(2) < segments);
      }
      assertTrue(System.currentTimeMillis() < deadline, index + " built within two minutes");
      Thread.sleep(20);
    }
  }

  private static String plan(Statement s, String sql) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "EXPLAIN PLAN FOR "
                + sql.replace(
                    "?", "'[" + "0.5, ".repeat(sql.contains("a <->") ? 7 : 3) + "0.5]'"))) {
      StringBuilder out = new StringBuilder();
      while (rs.next()) {
        out.append(rs.getString(1));
      }
      return out.toString();
    }
  }

  private static List<Integer> ids(Connection c, String sql, float[] q) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setObject(1, q);
      List<Integer> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
      }
      return out;
    }
  }

  private static List<Integer> exact(float[][] vectors, float[] q, int k) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < vectors.length; i++) {
      ids.add(i);
    }
    ids.sort(Comparator.comparingDouble(i -> l2(vectors[i], q)));
    return ids.subList(0, k);
  }

  private static double l2(float[] x, float[] y) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += (x[i] - y[i]) * (x[i] - y[i]);
    }
    return sum;
  }

  private static float[] vector(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = random.nextFloat() + 0.01f;
    }
    return v;
  }
}
