package dev.quiver.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The query benchmark behind {@code quiver bench query}: loads N clustered 128-d vectors with an
 * HNSW index, waits until every segment has its graph, and then times, through JDBC, preparing a
 * top-10 statement (parse, validate, plan, compile) and executing it with new query vectors, with
 * the index and, after DROP INDEX, exactly.
 *
 * <p>Options: {@code --rows N} (default 50000), {@code --dim D} (default 128), {@code --queries Q}
 * (default 2000), {@code --dir PATH} (default a temporary folder, deleted after).
 */
final class QueryBenchmark {
  private static final String TOP_10 = "SELECT id, v <-> ? AS d FROM t ORDER BY d LIMIT 10";

  private QueryBenchmark() {}

  static int run(List<String> args, PrintStream out) throws SQLException, IOException {
    BenchOptions options = new BenchOptions(args, Set.of("--rows", "--dim", "--queries", "--dir"));
    int rows = options.integer("--rows", 50_000);
    int dim = options.integer("--dim", 128);
    int queries = options.integer("--queries", 2000);
    Path dir = options.path("--dir");
    boolean temporary = dir == null;
    Path root = temporary ? Files.createTempDirectory("quiver-bench") : dir;
    Random random = new Random(42);
    float[][] centers = new float[100][];
    for (int c = 0; c < centers.length; c++) {
      centers[c] = gaussian(random, dim, new float[dim], 1);
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:quiver:file:" + root.resolve("db") + ";sync=none");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t (id BIGINT PRIMARY KEY, v VECTOR("
              + dim
              + ") NOT NULL)"
              + " WITH (segment_max_rows = 2147483647)");
      s.execute("CREATE INDEX t_v ON t USING HNSW (v) WITH (metric = 'l2')");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 0; i < rows; i++) {
          insert.setLong(1, i);
          insert.setObject(2, near(centers, random, dim));
          insert.addBatch();
          if (i % 1000 == 999 || i == rows - 1) {
            insert.executeBatch();
          }
        }
      }
      long indexStart = System.nanoTime();
      s.execute("FLUSH TABLE t");
      awaitBuilt(s);
      out.printf(
          "%d rows of VECTOR(%d) flushed and indexed (HNSW m=16, ef_construction=100) in %.1f s%n",
          rows, dim, (System.nanoTime() - indexStart) / 1e9);

      int prepares = 200;
      long prepareStart = System.nanoTime();
      for (int i = 0; i < prepares; i++) {
        c.prepareStatement(TOP_10).close();
      }
      double prepareMs = (System.nanoTime() - prepareStart) / 1e6 / prepares;
      out.printf("prepare (parse, validate, plan, compile): %.2f ms per statement%n", prepareMs);

      float[][] probes = new float[queries][];
      for (int q = 0; q < queries; q++) {
        probes[q] = near(centers, random, dim);
      }
      time(c, probes, out, "execute, HNSW index, ef_search=100");
      s.execute("DROP INDEX t_v");
      time(c, probes, out, "execute, exact (no index)");
    } finally {
      if (temporary) {
        Folders.deleteTree(root);
      }
    }
    return 0;
  }

  private static void time(Connection c, float[][] probes, PrintStream out, String what)
      throws SQLException {
    try (PreparedStatement query = c.prepareStatement(TOP_10)) {
      // Warm-up: the JIT and the page cache.
      for (int i = 0; i < Math.min(200, probes.length); i++) {
        run(query, probes[i]);
      }
      long start = System.nanoTime();
      for (float[] probe : probes) {
        run(query, probe);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf(
          "%s: %.0f µs per query, %.0f queries/s (one thread)%n",
          what, seconds * 1e6 / probes.length, probes.length / seconds);
    }
  }

  private static void run(PreparedStatement query, float[] probe) throws SQLException {
    query.setObject(1, probe);
    try (ResultSet rs = query.executeQuery()) {
      int n = 0;
      while (rs.next()) {
        n++;
      }
      if (n != 10) {
        throw new IllegalStateException("top-10 returned " + n + " rows");
      }
    }
  }

  private static void awaitBuilt(Statement s) throws SQLException {
    while (true) {
      try (ResultSet rs = s.executeQuery("SELECT state FROM sys.indexes")) {
        rs.next();
        if (rs.getString(1).equals("BUILT")) {
          return;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted", e);
      }
    }
  }

  private static float[] near(float[][] centers, Random random, int dim) {
    return gaussian(random, dim, centers[random.nextInt(centers.length)], 0.3);
  }

  private static float[] gaussian(Random random, int dim, float[] center, double spread) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = center[i] + (float) (random.nextGaussian() * spread);
    }
    return v;
  }
}
