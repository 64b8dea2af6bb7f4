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
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The daily-update scenario behind {@code quiver bench compaction}: load a table, then rounds of
 * deleting 30% of its rows and inserting 10% new ones, then MAJOR, MINOR and FULL compaction one
 * after the other. Before and after each it reports the table's bytes and segments, top-10 latency
 * (p50, p99) through the HNSW index, recall@10 against exact neighbours computed here, and a
 * checksum of the live rows, which must not change. Vectors are drawn around 100 random centres.
 * While each compaction runs, one client keeps querying: its p99 is reported against its own p99
 * over the 10 s just before, on the idle table.
 *
 * <p>The table keeps no time travel ({@code time_travel_retention_s = 0}) and this JVM lowers the
 * engine's one-minute floor for deleted rows ({@code quiver.min.retention.millis}) to 0, so MAJOR
 * may reclaim rows deleted a moment ago instead of a minute ago; automatic compaction is off, so
 * that only the measured compactions run.
 *
 * <p>Options: {@code --rows N} (100000), {@code --dim D} (128), {@code --rounds R} (10), {@code
 * --queries Q} per latency measurement (2000), {@code --dir PATH} (default a temporary folder,
 * deleted after).
 */
final class CompactionBenchmark {
  private static final String TOP_10 =
      "SELECT /*+ EF_SEARCH(64) */ id FROM t ORDER BY v <-> ? LIMIT 10";

  /** The same with a wider beam: recall once the number of graphs searched no longer helps. */
  private static final String TOP_10_WIDE =
      "SELECT /*+ EF_SEARCH(256) */ id FROM t ORDER BY v <-> ? LIMIT 10";

  private CompactionBenchmark() {}

  static int run(List<String> args, PrintStream out) throws SQLException, IOException {
    BenchOptions options =
        new BenchOptions(args, Set.of("--rows", "--dim", "--rounds", "--queries", "--dir"));
    int rows = options.integer("--rows", 100_000);
    int dim = options.integer("--dim", 128);
    int rounds = options.integer("--rounds", 10);
    int queries = options.integer("--queries", 2000);
    Path dir = options.path("--dir");
    // Read when the engine's class loads, which has not happened yet in this JVM.
    System.setProperty("quiver.min.retention.millis", "0");
    boolean temporary = dir == null;
    Path root = temporary ? Files.createTempDirectory("quiver-bench") : dir;
    String url = "jdbc:quiver:file:" + root.resolve("db");
    Random random = new Random(42);
    Data data = new Data(dim);
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t (id BIGINT PRIMARY KEY, v VECTOR("
              + dim
              + ") NOT NULL) WITH (auto_compaction = false, time_travel_retention_s = 0)");
      s.execute("CREATE INDEX t_v ON t USING HNSW (v) WITH (metric = 'l2')");
      long started = System.nanoTime();
      insert(c, data, random, rows);
      s.execute("FLUSH TABLE t");
      awaitIndexed(s);
      out.printf(
          "loaded %d rows of VECTOR(%d) in %.1f s%n",
          rows, dim, (System.nanoTime() - started) / 1e9);
      float[][] probes = new float[200][];
      for (int i = 0; i < probes.length; i++) {
        probes[i] = data.vector(random);
      }
      out.println();
      out.println(
          "| moment | segments | table bytes | deleted rows | p50 ms | p99 ms | recall@10 |"
              + " recall@10 ef 256 | live rows | checksum |");
      out.println("|---|---|---|---|---|---|---|---|---|---|");
      State loaded = measure(c, data, probes, queries);
      out.println(loaded.row("after the load"));

      long deletedRows = 0;
      for (int round = 0; round < rounds; round++) {
        deletedRows += data.deleteFraction(c, random, 0.3);
        insert(c, data, random, rows / 10);
        s.execute("FLUSH TABLE t");
        awaitIndexed(s);
      }
      State before = measure(c, data, probes, queries);
      out.println(before.row("after " + rounds + " rounds"));

      List<String> notes = new ArrayList<>();
      State previous = before;
      // MAJOR first: it rewrites each segment with deleted rows alone, so MINOR then merges what
      // shrank, and FULL rewrites the result; MINOR first would do MAJOR's work as it merged.
      for (String type : List.of("MAJOR", "MINOR", "FULL")) {
        Compaction run = compact(c, url, type, probes);
        State after = measure(c, data, probes, queries);
        out.println(after.row("after " + type));
        notes.add(
            String.format(
                "%s: %.1f s, %d segments in, %d out, %d bytes reclaimed; query p99 during it"
                    + " %.3f ms over %d queries, idle just before %.3f ms over %d queries:"
                    + " %.2f x; rows and checksum %s",
                type,
                run.seconds,
                run.segmentsIn,
                run.segmentsOut,
                run.bytesReclaimed,
                run.p99,
                run.queries,
                run.idleP99,
                run.idleQueries,
                run.p99 / run.idleP99,
                after.checksum == previous.checksum && after.live == previous.live
                    ? "unchanged"
                    : "CHANGED"));
        previous = after;
      }
      out.println();
      notes.forEach(out::println);
      long deletedBytes = before.deletedBytes;
      out.printf(
          "%ndeleted rows over the rounds: %d; bytes the deleted rows held before compaction:"
              + " %d; table bytes reclaimed from there to the end: %d (%.1f%% of the deleted"
              + " bytes)%n",
          deletedRows,
          deletedBytes,
          before.bytes - previous.bytes,
          100.0 * (before.bytes - previous.bytes) / Math.max(1, deletedBytes));
    } finally {
      if (temporary) {
        Folders.deleteTree(root);
      }
    }
    return 0;
  }

  /** The vectors of the rows alive, kept here for exact neighbours and the checksum. */
  private static final class Data {
    final int dim;
    final List<float[]> vectors = new ArrayList<>();
    final BitSet live = new BitSet();

    // Clustered like real embeddings: plain Gaussian vectors of this dimension have no structure
    // for a graph to follow, and their recall says little about a real table's.
    final float[][] centers;

    Data(int dim) {
      this.dim = dim;
      Random random = new Random(7);
      centers = new float[100][dim];
      for (float[] center : centers) {
        for (int i = 0; i < dim; i++) {
          center[i] = (float) random.nextGaussian();
        }
      }
    }

    float[] vector(Random random) {
      float[] center = centers[random.nextInt(centers.length)];
      float[] v = new float[dim];
      for (int i = 0; i < dim; i++) {
        v[i] = center[i] + 0.3f * (float) random.nextGaussian();
      }
      return v;
    }

    /** Deletes a random fraction of the live rows, in batches of 1000; returns how many. */
    int deleteFraction(Connection c, Random random, double fraction) throws SQLException {
      List<Integer> victims = new ArrayList<>();
      for (int id = live.nextSetBit(0); id >= 0; id = live.nextSetBit(id + 1)) {
        if (random.nextDouble() < fraction) {
          victims.add(id);
        }
      }
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM t WHERE id = ?")) {
        for (int i = 0; i < victims.size(); i++) {
          delete.setLong(1, victims.get(i));
          delete.addBatch();
          if (i % 1000 == 999 || i == victims.size() - 1) {
            delete.executeBatch();
          }
        }
      }
      victims.forEach(live::clear);
      return victims.size();
    }

    /** The ids of the exact 10 nearest live rows. */
    long[] exact(float[] query) {
      long[] best = new long[10];
      double[] distance = new double[10];
      Arrays.fill(distance, Double.POSITIVE_INFINITY);
      for (int id = live.nextSetBit(0); id >= 0; id = live.nextSetBit(id + 1)) {
        float[] v = vectors.get(id);
        double d = 0;
        for (int i = 0; i < dim; i++) {
          double x = v[i] - query[i];
          d += x * x;
        }
        if (d < distance[9]) {
          int at = 9;
          while (at > 0 && distance[at - 1] > d) {
            distance[at] = distance[at - 1];
            best[at] = best[at - 1];
            at--;
          }
          distance[at] = d;
          best[at] = id;
        }
      }
      return best;
    }
  }

  private static void insert(Connection c, Data data, Random random, int count)
      throws SQLException {
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      for (int i = 0; i < count; i++) {
        int id = data.vectors.size();
        float[] v = data.vector(random);
        data.vectors.add(v);
        data.live.set(id);
        insert.setLong(1, id);
        insert.setObject(2, v);
        insert.addBatch();
        if (i % 1000 == 999 || i == count - 1) {
          insert.executeBatch();
        }
      }
    }
  }

  private static void awaitIndexed(Statement s) throws SQLException {
    while (true) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT segments_indexed, segments_total FROM sys.indexes"
                  + " WHERE index_name = 't_v'")) {
        rs.next();
        if (rs.getLong(1) == rs.getLong(2)) {
          return;
        }
      }
      pause(50);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The table at one moment. */
  private record State(
      long segments,
      long bytes,
      long deletedRows,
      long deletedBytes,
      double p50,
      double p99,
      double recall,
      double recallWide,
      long live,
      long checksum) {
    String row(String moment) {
      return String.format(
          "| %s | %d | %d | %d | %.3f | %.3f | %.4f | %.4f | %d | %d |",
          moment, segments, bytes, deletedRows, p50, p99, recall, recallWide, live, checksum);
    }
  }

  private static State measure(Connection c, Data data, float[][] probes, int queries)
      throws SQLException {
    long segments = 0;
    long bytes = 0;
    long deleted = 0;
    double deletedBytes = 0;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT row_count, deleted_rows, size_bytes FROM sys.segments"
                    + " WHERE table_name = 't' AND segment_id IS NOT NULL")) {
      while (rs.next()) {
        segments++;
        bytes += rs.getLong(3);
        deleted += rs.getLong(2);
        deletedBytes += (double) rs.getLong(3) * rs.getLong(2) / Math.max(1, rs.getLong(1));
      }
    }
    long live;
    long checksum;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(id * 31 + 7) FROM t")) {
      rs.next();
      live = rs.getLong(1);
      checksum = rs.getLong(2);
    }
    try (PreparedStatement top = c.prepareStatement(TOP_10);
        PreparedStatement wide = c.prepareStatement(TOP_10_WIDE)) {
      for (int i = 0; i < 200; i++) {
        ids(top, probes[i % probes.length]);
      }
      long[] nanos = new long[queries];
      for (int i = 0; i < queries; i++) {
        long t0 = System.nanoTime();
        ids(top, probes[i % probes.length]);
        nanos[i] = System.nanoTime() - t0;
      }
      Arrays.sort(nanos);
      double found = 0;
      double foundWide = 0;
      for (float[] probe : probes) {
        long[] truth = data.exact(probe);
        List<Long> got = ids(top, probe);
        List<Long> gotWide = ids(wide, probe);
        for (long id : truth) {
          found += got.contains(id) ? 1 : 0;
          foundWide += gotWide.contains(id) ? 1 : 0;
        }
      }
      return new State(
          segments,
          bytes,
          deleted,
          Math.round(deletedBytes),
          nanos[queries / 2] / 1e6,
          nanos[(int) (queries * 0.99)] / 1e6,
          found / (10.0 * probes.length),
          foundWide / (10.0 * probes.length),
          live,
          checksum);
    }
  }

  private static List<Long> ids(PreparedStatement top, float[] query) throws SQLException {
    top.setObject(1, query);
    List<Long> ids = new ArrayList<>(10);
    try (ResultSet rs = top.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  /** What one compaction did, and the latency of the queries that ran while it did. */
  private record Compaction(
      double seconds,
      int segmentsIn,
      int segmentsOut,
      long bytesReclaimed,
      double p99,
      int queries,
      double idleP99,
      int idleQueries) {}

  /** How long the client queries the idle table before each compaction, for its idle p99. */
  private static final long IDLE_MILLIS = 10_000;

  /** One client on its own connection running top-10 queries back to back until stopped. */
  private static final class Load implements AutoCloseable {
    private final AtomicBoolean done = new AtomicBoolean();
    private final List<Long> nanos = new ArrayList<>();
    private final SQLException[] failure = new SQLException[1];
    private final Thread thread;

    Load(String url, float[][] probes) {
      thread =
          new Thread(
              () -> {
                try (Connection q = DriverManager.getConnection(url);
                    PreparedStatement top = q.prepareStatement(TOP_10)) {
                  for (int i = 0; !done.get(); i++) {
                    long t0 = System.nanoTime();
                    ids(top, probes[i % probes.length]);
                    nanos.add(System.nanoTime() - t0);
                  }
                } catch (SQLException e) {
                  failure[0] = e;
                }
              },
              "bench-query");
      thread.start();
    }

    /** Stops the client; its p99 in milliseconds and its query count. */
    double[] stop() throws SQLException {
      close();
      if (failure[0] != null) {
        throw failure[0];
      }
      long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
      double p99 = sorted.length == 0 ? 0 : sorted[(int) (sorted.length * 0.99)] / 1e6;
      return new double[] {p99, sorted.length};
    }

    @Override
    public void close() {
      done.set(true);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Runs a compaction while one client queries, after the same client queried the idle table for
   * {@link #IDLE_MILLIS}: both p99s come from the same thread and connection, back to back.
   */
  private static Compaction compact(Connection c, String url, String type, float[][] probes)
      throws SQLException {
    double[] idle;
    try (Load load = new Load(url, probes)) {
      pause(IDLE_MILLIS);
      idle = load.stop();
    }
    long id;
    long started = System.nanoTime();
    double[] busy;
    try (Load load = new Load(url, probes);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("COMPACT TABLE t " + type + " WAIT")) {
      rs.next();
      id = rs.getLong(1);
      busy = load.stop();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT segments_in, segments_out, bytes_reclaimed FROM sys.compactions"
                    + " WHERE compaction_id = "
                    + id)) {
      rs.next();
      return new Compaction(
          seconds,
          rs.getInt(1),
          rs.getInt(2),
          rs.getLong(3),
          busy[0],
          (int) busy[1],
          idle[0],
          (int) idle[1]);
    }
  }
}
