package dev.quiver.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Quiver through JDBC, as a user runs it: per index kind a file database, durable inserts in
 * batches of 1000, the index, then top-10 through one PreparedStatement, one query at a time on one
 * thread, sweeping the index's search parameter with {@code SET}.
 */
final class QuiverRunner {
  private QuiverRunner() {}

  /** An index to measure: its name in the results, its DDL options, and the parameter swept. */
  record IndexKind(String system, String using, String parameter, int[] values) {}

  /** HNSW with float vectors and with int8 codes (swept over ef_search), and IVF_FLAT (nprobe). */
  static List<IndexKind> kinds(int[] efs) {
    return List.of(
        new IndexKind("quiver", "HNSW", "ef_search", efs),
        new IndexKind("quiver-int8", "HNSW", "ef_search", efs),
        new IndexKind("quiver-ivf", "IVF_FLAT", "nprobe", new int[] {1, 2, 4, 8, 16, 32}));
  }

  /**
   * Measures the data set once per index kind; each kind's durable bulk insert and time until fully
   * indexed go to {@code insertLines} as a JSON line.
   */
  static List<Result> run(
      Dataset data,
      Path folder,
      int m,
      int efConstruction,
      int[] efs,
      int k,
      List<String> insertLines)
      throws SQLException, InterruptedException {
    List<Result> results = new ArrayList<>();
    for (IndexKind kind : kinds(efs)) {
      results.addAll(run(data, folder, kind, m, efConstruction, k, insertLines));
    }
    return results;
  }

  private static List<Result> run(
      Dataset data,
      Path folder,
      IndexKind kind,
      int m,
      int efConstruction,
      int k,
      List<String> insertLines)
      throws SQLException, InterruptedException {
    List<Result> results = new ArrayList<>();
    String url = "jdbc:quiver:file:" + folder.resolve(data.name() + "-" + kind.system());
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE v (id INTEGER PRIMARY KEY, e VECTOR(" + data.dimension() + ") NOT NULL)");
      s.execute(
          "CREATE INDEX v_e ON v USING "
              + kind.using()
              + " (e) WITH (metric = '"
              + data.metric()
              + "'"
              + (kind.using().equals("HNSW")
                  ? ", m = "
                      + m
                      + ", ef_construction = "
                      + efConstruction
                      + (kind.system().endsWith("int8") ? ", quantization = 'int8'" : "")
                  : "")
              + ")");
      long start = System.nanoTime();
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO v VALUES (?, ?)")) {
        for (int i = 0; i < data.base().length; i++) {
          insert.setInt(1, i);
          insert.setObject(2, data.base()[i]);
          insert.addBatch();
          if (i % 1000 == 999 || i == data.base().length - 1) {
            insert.executeBatch();
          }
        }
      }
      double insertSeconds = (System.nanoTime() - start) / 1e9;
      s.execute("FLUSH TABLE v");
      awaitBuilt(s);
      double indexedSeconds = (System.nanoTime() - start) / 1e9;
      insertLines.add(
          String.format(
              java.util.Locale.ROOT,
              "{\"dataset\": \"%s\", \"system\": \"%s\", \"workload\": \"insert\","
                  + " \"rows\": %d, \"batch\": 1000, \"rows_per_s\": %.0f,"
                  + " \"seconds_until_indexed\": %.1f}",
              data.name(),
              kind.system(),
              data.base().length,
              data.base().length / insertSeconds,
              indexedSeconds));
      String sql = "SELECT id FROM v ORDER BY e " + operator(data.metric()) + " ? LIMIT " + k;
      try (PreparedStatement query = c.prepareStatement(sql)) {
        // The JIT compiles the query path during the first thousand queries: warm it up once,
        // so that the first parameter's rate is not the cold one.
        for (int round = 0; round < 3; round++) {
          search(query, data, k, 0, Math.min(500, data.queries().length));
        }
        for (int value : kind.values()) {
          s.execute("SET " + kind.parameter() + " = " + value);
          search(query, data, k, 0, Math.min(100, data.queries().length));
          long t = System.nanoTime();
          int[][] found = search(query, data, k, 0, data.queries().length);
          double seconds = (System.nanoTime() - t) / 1e9;
          results.add(
              new Result(
                  data.name(),
                  kind.system(),
                  kind.parameter(),
                  value,
                  data.recall(found),
                  data.queries().length / seconds,
                  data.queries().length,
                  indexedSeconds));
        }
      }
    }
    return results;
  }

  private static int[][] search(PreparedStatement query, Dataset data, int k, int from, int to)
      throws SQLException {
    int[][] found = new int[data.queries().length][];
    for (int q = from; q < to; q++) {
      query.setObject(1, data.queries()[q]);
      int[] ids = new int[k];
      int n = 0;
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          ids[n++] = rs.getInt(1);
        }
      }
      found[q] = java.util.Arrays.copyOf(ids, n);
    }
    return found;
  }

  private static String operator(String metric) {
    return metric.equals("cosine") ? "<=>" : "<->";
  }

  private static void awaitBuilt(Statement s) throws SQLException, InterruptedException {
    while (true) {
      try (ResultSet rs = s.executeQuery("SELECT state FROM sys.indexes")) {
        rs.next();
        if (rs.getString(1).equals("BUILT")) {
          return;
        }
      }
      Thread.sleep(50);
    }
  }
}
