package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recall@10 of top-10 queries through JDBC on real data: a sample of Fashion-MNIST (784-d, L2),
 * from Debian's {@code dataset-fashion-mnist}, against an exact oracle computed here, for HNSW
 * (float and int8) and IVF_FLAT at their default parameters. The vectors are sealed into segments
 * whose indexes the engine builds in the background; the test waits for them, then asserts recall,
 * never time.
 */
class FashionMnistRecallTest {
  private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
  private static final int ROWS = 20000;
  private static final int QUERIES = 100;
  private static final int K = 10;

  @TempDir Path folder;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"HNSW none", "HNSW int8", "IVF_FLAT"})
  void recallAtTenAtDefaultParametersMeetsTheTarget(String index) throws Exception {
    Assumptions.assumeTrue(
        Files.isReadable(DATA.resolve("train-images-idx3-ubyte.gz")),
        "needs Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist)");
    float[][] train = images(DATA.resolve("train-images-idx3-ubyte.gz"), ROWS);
    float[][] test = images(DATA.resolve("t10k-images-idx3-ubyte.gz"), QUERIES);
    double target = index.equals("HNSW none") ? 0.95 : 0.90;
    String url = "jdbc:quiver:file:" + folder.resolve("db") + ";sync=none";
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE images (id INTEGER PRIMARY KEY, v VECTOR(784) NOT NULL)"
              + " WITH (segment_max_rows = 8000)");
      s.execute(
          index.equals("IVF_FLAT")
              ? "CREATE INDEX images_v ON images USING IVF_FLAT (v) WITH (metric = 'l2')"
              : "CREATE INDEX images_v ON images USING HNSW (v) WITH (metric = 'l2', quantization"
                  + " = '"
                  + index.substring(5)
                  + "')");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO images VALUES (?, ?)")) {
        for (int i = 0; i < ROWS; i++) {
          insert.setInt(1, i);
          insert.setObject(2, train[i]);
          insert.addBatch();
          if (i % 1000 == 999) {
            insert.executeBatch();
          }
        }
      }
      // Segments sealed at 8,000 rows in the background, the rest by FLUSH; deleted rows masked.
      s.execute("DELETE FROM images WHERE id >= " + (ROWS - 50));
      s.execute("FLUSH TABLE images");
      awaitBuilt(s);
      try (ResultSet plan =
          s.executeQuery(
              "EXPLAIN PLAN FOR SELECT id FROM images ORDER BY v <-> '["
                  + "0, ".repeat(783)
                  + "0]' LIMIT 10")) {
        plan.next();
        assertTrue(plan.getString(1).contains("index=[images_v]"), plan.getString(1));
      }
      int found = 0;
      try (PreparedStatement query =
          c.prepareStatement("SELECT id FROM images ORDER BY v <-> ? LIMIT " + K)) {
        for (float[] q : test) {
          query.setObject(1, q);
          Set<Integer> truth = exactTopK(train, ROWS - 50, q);
          int rows = 0;
          try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
              rows++;
              if (truth.contains(rs.getInt(1))) {
                found++;
              }
            }
          }
          assertEquals(K, rows);
        }
      }
      double recall = found / (double) (QUERIES * K);
      System.out.printf("Fashion-MNIST %d rows, %s: recall@10 = %.3f%n", ROWS, index, recall);
      assertTrue(recall >= target, "recall@10 " + recall + " below " + target);
    }
  }

  private static void awaitBuilt(Statement s) throws SQLException, InterruptedException {
    long deadline = System.currentTimeMillis() + 300_000;
    while (true) {
      try (ResultSet rs = s.executeQuery("SELECT state FROM sys.indexes")) {
        rs.next();
        if (rs.getString(1).equals("BUILT")) {
          return;
        }
      }
      assertTrue(System.currentTimeMillis() < deadline, "graphs built within five minutes");
      Thread.sleep(100);
    }
  }

  private static Set<Integer> exactTopK(float[][] rows, int count, float[] q) {
    double[] distance = new double[count];
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      double sum = 0;
      for (int d = 0; d < q.length; d++) {
        double diff = rows[i][d] - q[d];
        sum += diff * diff;
      }
      distance[i] = sum;
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(distance[a], distance[b]));
    return new HashSet<>(Arrays.asList(order).subList(0, K));
  }

  /** The first {@code count} images of an IDX file, pixel values 0 to 255 as floats. */
  private static float[][] images(Path file, int count) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
      int magic = in.readInt();
      if (magic != 0x00000803) {
        throw new IOException(file + " is not an IDX image file (magic " + magic + ")");
      }
      int images = in.readInt();
      int size = in.readInt() * in.readInt();
      float[][] out = new float[Math.min(count, images)][size];
      byte[] pixels = new byte[size];
      for (float[] image : out) {
        in.readFully(pixels);
        for (int p = 0; p < size; p++) {
          image[p] = pixels[p] & 0xff;
        }
      }
      return out;
    }
  }
}
