package dev.quiver.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The durable-insert benchmark behind {@code quiver bench insert}: rows with one VECTOR column go
 * into a fresh file database through a JDBC PreparedStatement batch, each {@code executeBatch} one
 * durable commit ({@code sync=commit}), and the rate is printed per dimension and batch size as a
 * markdown table. Timing starts after a warm-up of the same shape.
 *
 * <p>Options: {@code --rows N} rows per measurement (default 20000; batch size 1 uses a tenth),
 * {@code --dims 128,768}, {@code --batches 1,100,1000,5000}, {@code --dir PATH} where the databases
 * go (default a temporary folder, deleted after).
 */
final class InsertBenchmark {
  private InsertBenchmark() {}

  static int run(List<String> args, PrintStream out) throws SQLException, IOException {
    int rows = 20_000;
    int[] dims = {128, 768};
    int[] batches = {1, 100, 1000, 5000};
    int threads = 1;
    Path dir = null;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--rows" -> rows = Integer.parseInt(args.get(++i));
        case "--dims" -> dims = ints(args.get(++i));
        case "--batches" -> batches = ints(args.get(++i));
        case "--threads" -> threads = Integer.parseInt(args.get(++i));
        case "--dir" -> dir = Path.of(args.get(++i));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    boolean temporary = dir == null;
    Path root = temporary ? Files.createTempDirectory("quiver-bench") : dir;
    out.println("| dimension | batch size | writers | rows | seconds | rows/s | MB/s of vectors |");
    out.println("|---:|---:|---:|---:|---:|---:|---:|");
    try {
      for (int dim : dims) {
        for (int batch : batches) {
          int n = batch == 1 ? Math.max(rows / 10, 100) : Math.max(rows, batch);
          Path db = root.resolve("insert-" + dim + "-" + batch);
          insert(db.resolve("warmup"), dim, batch, Math.min(n, 2 * batch + 100), 1);
          double seconds = insert(db.resolve("measured"), dim, batch, n, threads);
          out.printf(
              "| %d | %d | %d | %d | %.2f | %.0f | %.1f |%n",
              dim, batch, threads, n, seconds, n / seconds, n * dim * 4.0 / seconds / 1e6);
        }
      }
    } finally {
      if (temporary) {
        Folders.deleteTree(root);
      }
    }
    return 0;
  }

  /**
   * Inserts n rows with the given number of concurrent writers, each on its own connection, and
   * returns the seconds from the first row to the last acknowledged batch: table creation and the
   * checkpoint at close are not counted.
   */
  private static double insert(Path db, int dim, int batch, int n, int threads)
      throws SQLException {
    String url = "jdbc:quiver:file:" + db;
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VECTOR(" + dim + ") NOT NULL)");
      long start = System.nanoTime();
      List<Thread> writers = new ArrayList<>();
      List<SQLException> failures = Collections.synchronizedList(new ArrayList<>());
      for (int w = 0; w < threads; w++) {
        int first = (int) ((long) n * w / threads);
        int last = (int) ((long) n * (w + 1) / threads);
        Thread writer =
            new Thread(
                () -> {
                  try {
                    write(url, dim, batch, first, last);
                  } catch (SQLException e) {
                    failures.add(e);
                  }
                });
        writer.start();
        writers.add(writer);
      }
      for (Thread writer : writers) {
        try {
          writer.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted", e);
        }
      }
      if (!failures.isEmpty()) {
        throw failures.get(0);
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  private static void write(String url, int dim, int batch, int first, int last)
      throws SQLException {
    Random random = new Random(first);
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      float[] v = new float[dim];
      for (int id = first; id < last; id++) {
        for (int i = 0; i < dim; i++) {
          v[i] = random.nextFloat();
        }
        ps.setLong(1, id);
        ps.setObject(2, v);
        ps.addBatch();
        if ((id - first + 1) % batch == 0 || id == last - 1) {
          ps.executeBatch();
        }
      }
    }
  }

  private static int[] ints(String list) {
    return Stream.of(list.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
