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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The consistency benchmark behind {@code quiver bench consistency}: top-10 latency at each
 * consistency level while a writer inserts continuously. One connection inserts at a fixed rate in
 * small durable batches. One thread runs top-10 queries on four more connections, one per level
 * ({@code SET CONSISTENCY LEVEL}), in turn, so that every level sees the table at every size. It
 * reports the median and 99th percentile per level, how many queries had to wait for the applier
 * and for how long ({@code sys.sessions}), and the STRONG / EVENTUALLY ratio.
 *
 * <p>The table starts with {@code --rows} rows flushed into an HNSW-indexed segment; the writer's
 * rows then grow in memory, where the applier copies them into vector blocks that queries scan
 * exactly. The query connection writes nothing, so its SESSION reads wait for nothing.
 *
 * <p>Options: {@code --rows N} (default 20000), {@code --dim D} (128), {@code --rate R} rows per
 * second (2000), {@code --batch B} rows per insert (20), {@code --queries Q} per level (2000),
 * {@code --dir PATH} (default a temporary folder, deleted after).
 */
final class ConsistencyBenchmark {
  private static final String TOP_10 = "SELECT id, v <-> ? AS d FROM t ORDER BY d LIMIT 10";
  private static final String WAITS =
      "SELECT wait_count, wait_ms FROM sys.sessions WHERE is_current";
  private static final List<String> LEVELS = List.of("EVENTUALLY", "SESSION", "BOUNDED", "STRONG");

  private ConsistencyBenchmark() {}

  static int run(List<String> args, PrintStream out) throws SQLException, IOException {
    BenchOptions options =
        new BenchOptions(
            args, Set.of("--rows", "--dim", "--rate", "--batch", "--queries", "--dir"));
    int rows = options.integer("--rows", 20_000);
    int dim = options.integer("--dim", 128);
    int rate = options.integer("--rate", 2000);
    int batch = options.integer("--batch", 20);
    int queries = options.integer("--queries", 2000);
    Path dir = options.path("--dir");
    boolean temporary = dir == null;
    Path root = temporary ? Files.createTempDirectory("quiver-bench") : dir;
    String url = "jdbc:quiver:file:" + root.resolve("db");
    Random random = new Random(42);
    try (Connection setup = DriverManager.getConnection(url);
        Statement s = setup.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VECTOR(" + dim + ") NOT NULL)");
      s.execute("CREATE INDEX t_v ON t USING HNSW (v) WITH (metric = 'l2')");
      try (Connection loader = DriverManager.getConnection(url + ";sync=none");
          PreparedStatement insert = loader.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 0; i < rows; i++) {
          insert.setLong(1, i);
          insert.setObject(2, gaussian(random, dim));
          insert.addBatch();
          if (i % 1000 == 999 || i == rows - 1) {
            insert.executeBatch();
          }
        }
      }
      s.execute("FLUSH TABLE t");
      awaitBuilt(s);
      out.printf(
          "%d rows of VECTOR(%d) flushed and indexed; writer: %d rows/s in batches of %d"
              + " (durable), queries: top-10 through the HNSW index and the growing rows%n",
          rows, dim, rate, batch);

      Writer writer = new Writer(url, rows, dim, rate, batch);
      Thread writing = new Thread(writer, "bench-writer");
      writing.start();
      Map<String, long[]> latencies = new LinkedHashMap<>();
      Map<String, double[]> waits = new LinkedHashMap<>();
      List<Connection> connections = new ArrayList<>();
      List<PreparedStatement> statements = new ArrayList<>();
      try {
        for (String level : LEVELS) {
          Connection c = DriverManager.getConnection(url);
          connections.add(c);
          try (Statement set = c.createStatement()) {
            set.execute("SET CONSISTENCY LEVEL " + level);
          }
          PreparedStatement query = c.prepareStatement(TOP_10);
          statements.add(query);
          for (int i = 0; i < 200; i++) {
            run(query, gaussian(random, dim));
          }
          latencies.put(level, new long[queries]);
          waits.put(level, waits(c));
        }
        for (int i = 0; i < queries; i++) {
          // Each level in turn, starting with another one each time: none always runs on the
          // table's largest state.
          for (int j = 0; j < LEVELS.size(); j++) {
            int l = (i + j) % LEVELS.size();
            float[] probe = gaussian(random, dim);
            long start = System.nanoTime();
            run(statements.get(l), probe);
            latencies.get(LEVELS.get(l))[i] = System.nanoTime() - start;
          }
        }
        for (int l = 0; l < LEVELS.size(); l++) {
          double[] before = waits.get(LEVELS.get(l));
          double[] after = waits(connections.get(l));
          waits.put(LEVELS.get(l), new double[] {after[0] - before[0], after[1] - before[1]});
        }
      } finally {
        for (Connection c : connections) {
          c.close();
        }
        writer.stop();
        try {
          writing.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (writer.failure.get() != null) {
        throw writer.failure.get();
      }
      double seconds = (System.nanoTime() - writer.started) / 1e9;
      out.printf(
          "writer: %d rows in %.1f s (%.0f rows/s); table at the end: %d rows%n",
          writer.written.get(),
          seconds,
          writer.written.get() / seconds,
          rows + writer.written.get());
      out.printf(
          "%-11s %8s %8s %8s %8s %8s %13s%n",
          "level", "queries", "p50 ms", "p99 ms", "mean ms", "waited", "mean wait ms");
      for (Map.Entry<String, long[]> e : latencies.entrySet()) {
        long[] t = sorted(e.getValue());
        double[] w = waits.get(e.getKey());
        out.printf(
            "%-11s %8d %8.2f %8.2f %8.2f %7.1f%% %13.3f%n",
            e.getKey(),
            t.length,
            percentile(t, 0.50) / 1e6,
            percentile(t, 0.99) / 1e6,
            Arrays.stream(t).average().orElse(0) / 1e6,
            100.0 * w[0] / t.length,
            w[0] == 0 ? 0 : w[1] / w[0]);
      }
      long[] strong = sorted(latencies.get("STRONG"));
      long[] eventually = sorted(latencies.get("EVENTUALLY"));
      out.printf(
          "STRONG / EVENTUALLY: p50 %.2f, p99 %.2f%n",
          (double) percentile(strong, 0.50) / percentile(eventually, 0.50),
          (double) percentile(strong, 0.99) / percentile(eventually, 0.99));
    } finally {
      if (temporary) {
        Folders.deleteTree(root);
      }
    }
    return 0;
  }

  /** Inserts {@code batch} rows every {@code batch / rate} seconds, on its own connection. */
  private static final class Writer implements Runnable {
    private final String url;
    private final int dim;
    private final int rate;
    private final int batch;
    private final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicLong written = new AtomicLong();
    final AtomicReference<SQLException> failure = new AtomicReference<>();
    private long nextId;
    volatile long started;

    Writer(String url, long firstId, int dim, int rate, int batch) {
      this.url = url;
      this.nextId = firstId;
      this.dim = dim;
      this.rate = rate;
      this.batch = batch;
    }

    @Override
    public void run() {
      Random random = new Random(7);
      long interval = 1_000_000_000L * batch / rate;
      try (Connection c = DriverManager.getConnection(url);
          PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        started = System.nanoTime();
        long due = started;
        while (running.get()) {
          for (int i = 0; i < batch; i++) {
            insert.setLong(1, nextId++);
            insert.setObject(2, gaussian(random, dim));
            insert.addBatch();
          }
          insert.executeBatch();
          written.addAndGet(batch);
          // A fixed schedule: a slow batch is followed by a shorter pause, not a lower rate.
          due += interval;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
      } catch (SQLException e) {
        failure.set(e);
      }
    }

    void stop() {
      running.set(false);
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

  /** The session's queries that waited for the applier, and their total wait in ms. */
  private static double[] waits(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(WAITS)) {
      rs.next();
      return new double[] {rs.getLong(1), rs.getDouble(2)};
    }
  }

  private static long[] sorted(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }

  private static long percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
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

  private static float[] gaussian(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
