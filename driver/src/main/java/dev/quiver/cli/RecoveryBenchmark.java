package dev.quiver.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The recovery benchmark behind {@code quiver bench recovery}: loads N rows of one VECTOR column in
 * batches (one log record each) into a table that never seals on its own, copies the open database
 * folder (the image a crash leaves: everything in the write-ahead log), and times opening the copy
 * (log replay). Then {@code FLUSH TABLE} writes the rows as a segment, and reopening the original
 * is timed (catalog, segment open with every checksum verified, an empty log).
 *
 * <p>Options: {@code --rows N} (default 1000000), {@code --dim D} (default 128), {@code --batch B}
 * (default 1000), {@code --index} (an HNSW index, so the flush builds its graph), {@code --dir
 * PATH} (default a temporary folder, deleted after).
 */
final class RecoveryBenchmark {

  private RecoveryBenchmark() {}

  static int run(List<String> args, PrintStream out) throws SQLException, IOException {
    int rows = 1_000_000;
    int dim = 128;
    int batch = 1000;
    Path dir = null;
    boolean index = false;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--rows" -> rows = Integer.parseInt(args.get(++i));
        case "--dim" -> dim = Integer.parseInt(args.get(++i));
        case "--batch" -> batch = Integer.parseInt(args.get(++i));
        case "--dir" -> dir = Path.of(args.get(++i));
        case "--index" -> index = true;
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    // Read when the engine class loads, which is at the first connection below.
    System.setProperty("quiver.checkpoint.log.bytes", Long.toString(Long.MAX_VALUE));
    boolean temporary = dir == null;
    Path root = temporary ? Files.createTempDirectory("quiver-bench") : dir;
    try {
      Path original = root.resolve("original");
      Path crashed = root.resolve("crash-image");
      long loadStart = System.nanoTime();
      // sync=none: the load's speed is not what is measured, and the log holds the same records.
      try (Connection c =
          DriverManager.getConnection("jdbc:quiver:file:" + original + ";sync=none")) {
        load(c, rows, dim, batch, index);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        out.printf(
            "loaded %d rows of VECTOR(%d) in batches of %d in %.1f s (sync=none)%n",
            rows, dim, batch, loadSeconds);
        copy(original, crashed);
        long flushStart = System.nanoTime();
        try (Statement s = c.createStatement()) {
          s.execute("FLUSH TABLE t");
        }
        out.printf(
            "FLUSH TABLE (one segment%s): %.1f s%n",
            index ? ", HNSW graph built" : ", no vector index",
            (System.nanoTime() - flushStart) / 1e9);
      }
      long logBytes = size(crashed.resolve("wal"));
      timeOpen(
          out, crashed, rows, batch, "replay of the write-ahead log (" + mib(logBytes) + ")", true);
      timeOpen(
          out,
          original,
          rows,
          batch,
          "reopen of the flushed database (" + mib(size(original.resolve("segments"))) + ")",
          false);
    } finally {
      if (temporary) {
        Folders.deleteTree(root);
      }
    }
    return 0;
  }

  private static void load(Connection c, int rows, int dim, int batch, boolean index)
      throws SQLException {
    Random random = new Random(42);
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t (id BIGINT PRIMARY KEY, v VECTOR("
              + dim
              + ") NOT NULL) WITH (segment_max_rows = 2147483647,"
              + " segment_max_bytes = 9223372036854775807, segment_idle_seal_s = 2147483647)");
      if (index) {
        s.execute("CREATE INDEX t_v ON t USING HNSW (v) WITH (metric = 'l2')");
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      float[] v = new float[dim];
      for (int id = 0; id < rows; id++) {
        for (int i = 0; i < dim; i++) {
          v[i] = random.nextFloat();
        }
        ps.setLong(1, id);
        ps.setObject(2, v);
        ps.addBatch();
        if ((id + 1) % batch == 0 || id == rows - 1) {
          ps.executeBatch();
        }
      }
    }
  }

  private static void timeOpen(
      PrintStream out, Path db, int rows, int batch, String what, boolean replay)
      throws SQLException {
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:quiver:file:" + db)) {
      double seconds = (System.nanoTime() - start) / 1e9;
      try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
        rs.next();
        if (rs.getLong(1) != rows) {
          throw new IllegalStateException(what + " gave " + rs.getLong(1) + " rows, not " + rows);
        }
      }
      if (replay) {
        int records = (rows + batch - 1) / batch;
        out.printf(
            "%s: %.2f s, %.0f records/s (%d rows each), %.0f rows/s%n",
            what, seconds, records / seconds, batch, rows / seconds);
      } else {
        out.printf("%s: %.2f s%n", what, seconds);
      }
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("LOCK")) {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static long size(Path path) throws IOException {
    try (Stream<Path> paths = Files.walk(path)) {
      return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static String mib(long bytes) {
    return String.format("%.0f MiB", bytes / 1048576.0);
  }
}
