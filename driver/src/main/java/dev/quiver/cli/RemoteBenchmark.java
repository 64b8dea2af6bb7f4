package dev.quiver.cli;

import dev.quiver.server.QuiverServer;
import dev.quiver.server.ServerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
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
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The benchmark behind {@code quiver bench remote}: the same top-10 PreparedStatement embedded and
 * through {@code quiver serve} (started in this JVM on 127.0.0.1, protobuf over HTTP, no TLS), one
 * client at a time for latency, then 1, 4 and 16 concurrent remote clients for throughput.
 *
 * <p>Options: {@code --rows N} (default 20000), {@code --dim D} (default 128), {@code --seconds S}
 * per measurement (default 10), {@code --clients 1,4,16}, {@code --dir PATH} (default a temporary
 * folder, deleted after). Server and clients share this machine's cores, as they would on one host;
 * the numbers are for that setup.
 */
final class RemoteBenchmark {
  private static final String TOP_10 = "SELECT id, v <-> ? AS d FROM t ORDER BY d LIMIT 10";
  private static final int QUERY_POOL = 1000;
  private static final int ROUNDS = 5;

  private RemoteBenchmark() {}

  static int run(List<String> args, PrintStream out) throws SQLException, IOException {
    int rows = 20_000;
    int dim = 128;
    int seconds = 10;
    int[] clients = {1, 4, 16};
    Path dir = null;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--rows" -> rows = Integer.parseInt(args.get(++i));
        case "--dim" -> dim = Integer.parseInt(args.get(++i));
        case "--seconds" -> seconds = Integer.parseInt(args.get(++i));
        case "--clients" ->
            clients = Arrays.stream(args.get(++i).split(",")).mapToInt(Integer::parseInt).toArray();
        case "--dir" -> dir = Path.of(args.get(++i));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    boolean temporary = dir == null;
    Path root = temporary ? Files.createTempDirectory("quiver-bench-remote") : dir;
    String embeddedUrl = "jdbc:quiver:file:" + root.resolve("db");
    Random random = new Random(42);
    float[][] queries = new float[QUERY_POOL][];
    for (int q = 0; q < queries.length; q++) {
      queries[q] = vector(random, dim);
    }
    try (Connection embedded = DriverManager.getConnection(embeddedUrl + ";sync=none")) {
      load(embedded, rows, dim, random, out);
      try (QuiverServer server =
          QuiverServer.start(ServerOptions.defaults(embeddedUrl).withPort(0))) {
        out.printf(
            "server %s, %d rows of VECTOR(%d), HNSW (m=16, ef_construction=100, ef_search=100),"
                + " %d s per measurement, %d cores, load average %.1f%n",
            server.url(),
            rows,
            dim,
            seconds,
            Runtime.getRuntime().availableProcessors(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        double[] micros;
        try (Connection remote = DriverManager.getConnection(server.jdbcUrl())) {
          micros = latencies(embedded, remote, queries, seconds);
        }
        out.printf(
            "top-10 latency, one client (median of %d alternating rounds): embedded %.0f us,"
                + " remote %.0f us, ratio %.1f%n",
            ROUNDS, micros[0], micros[1], micros[1] / micros[0]);
        for (int n : clients) {
          out.printf(
              "remote QPS with %2d clients: %.0f%n",
              n, throughput(server.jdbcUrl(), queries, n, seconds));
        }
        out.printf(
            "load average at the end %.1f%n",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
    } finally {
      if (temporary) {
        try (Stream<Path> paths = Files.walk(root)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
    return 0;
  }

  private static void load(Connection c, int rows, int dim, Random random, PrintStream out)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VECTOR(" + dim + ") NOT NULL)");
      s.execute("CREATE INDEX t_v ON t USING HNSW (v) WITH (metric = 'l2')");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 0; i < rows; i++) {
          insert.setLong(1, i);
          insert.setObject(2, vector(random, dim));
          insert.addBatch();
          if (i % 1000 == 999 || i == rows - 1) {
            insert.executeBatch();
          }
        }
      }
      s.execute("FLUSH TABLE t");
      while (true) {
        try (ResultSet rs =
            s.executeQuery("SELECT COUNT(*) FROM sys.indexes WHERE state <> 'BUILT'")) {
          rs.next();
          if (rs.getLong(1) == 0) {
            break;
          }
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while the index was built", "57014", e);
        }
      }
      out.printf("loaded and indexed %d rows%n", rows);
    }
  }

  /**
   * Mean microseconds per query of one client, embedded and remote: both warm up for the given
   * time, then take turns in short rounds, so that a change in the machine's load (it is shared
   * with the server's threads, and possibly other work) falls on both alike; the median round of
   * each is reported.
   */
  private static double[] latencies(
      Connection embedded, Connection remote, float[][] queries, int seconds) throws SQLException {
    try (PreparedStatement e = embedded.prepareStatement(TOP_10);
        PreparedStatement r = remote.prepareStatement(TOP_10)) {
      long warmUp = seconds * 1_000_000_000L;
      run(e, queries, warmUp);
      run(r, queries, warmUp);
      long round = seconds * 1_000_000_000L / ROUNDS;
      double[] embeddedRounds = new double[ROUNDS];
      double[] remoteRounds = new double[ROUNDS];
      for (int i = 0; i < ROUNDS; i++) {
        embeddedRounds[i] = meanMicros(e, queries, round);
        remoteRounds[i] = meanMicros(r, queries, round);
      }
      Arrays.sort(embeddedRounds);
      Arrays.sort(remoteRounds);
      return new double[] {embeddedRounds[ROUNDS / 2], remoteRounds[ROUNDS / 2]};
    }
  }

  private static double meanMicros(PreparedStatement q, float[][] queries, long nanos)
      throws SQLException {
    long start = System.nanoTime();
    long count = run(q, queries, nanos);
    return (System.nanoTime() - start) / 1e3 / count;
  }

  /**
   * Queries per second of {@code clients} concurrent remote clients, each on its own connection:
   * every client connects, prepares and warms up for a second, then all run together for the
   * measured time.
   */
  private static double throughput(String url, float[][] queries, int clients, int seconds)
      throws SQLException {
    AtomicLong total = new AtomicLong();
    CyclicBarrier ready = new CyclicBarrier(clients);
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    long durationNanos = seconds * 1_000_000_000L;
    for (int t = 0; t < clients; t++) {
      Thread thread =
          new Thread(
              () -> {
                try (Connection c = DriverManager.getConnection(url);
                    PreparedStatement q = c.prepareStatement(TOP_10)) {
                  run(q, queries, 1_000_000_000L);
                  ready.await();
                  total.addAndGet(run(q, queries, durationNanos));
                } catch (SQLException | InterruptedException | BrokenBarrierException e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                  ready.reset();
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!failures.isEmpty()) {
      throw new SQLException(
          "a benchmark client failed: " + failures.get(0), "XX000", failures.get(0));
    }
    return total.get() / (double) seconds;
  }

  /** Runs top-10 queries for the given time; returns how many ran. */
  private static long run(PreparedStatement q, float[][] queries, long nanos) throws SQLException {
    long end = System.nanoTime() + nanos;
    long count = 0;
    while (System.nanoTime() < end) {
      q.setObject(1, queries[(int) (count % queries.length)]);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          rs.getLong(1);
        }
      }
      count++;
    }
    return count;
  }

  private static float[] vector(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
