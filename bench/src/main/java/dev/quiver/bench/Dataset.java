package dev.quiver.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * A benchmark data set: base vectors, query vectors, their metric, and the exact top-k of every
 * query (computed once and cached, since it costs queries × rows distances).
 */
record Dataset(String name, String metric, float[][] base, float[][] queries, int[][] truth) {
  static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

  /**
   * Fashion-MNIST (784-d, L2): the first {@code rows} training images and {@code queries} tests.
   */
  static Dataset fashionMnist(int rows, int queries, int k, Path cache) throws IOException {
    float[][] base = idxImages(FASHION.resolve("train-images-idx3-ubyte.gz"), rows);
    float[][] test = idxImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"), queries);
    String name = "fashion-mnist-784-" + base.length;
    return new Dataset(name, "l2", base, test, truth(name, base, test, k, "l2", cache));
  }

  /** Clustered Gaussian vectors: 100 centers, each vector near one. */
  static Dataset synthetic(int rows, int queries, int dim, int k, Path cache) throws IOException {
    Random random = new Random(42);
    float[][] centers = new float[100][dim];
    for (float[] c : centers) {
      for (int d = 0; d < dim; d++) {
        c[d] = (float) random.nextGaussian();
      }
    }
    float[][] base = new float[rows][];
    float[][] test = new float[queries][];
    for (float[][] target : new float[][][] {base, test}) {
      for (int i = 0; i < target.length; i++) {
        float[] c = centers[random.nextInt(centers.length)];
        target[i] = new float[dim];
        for (int d = 0; d < dim; d++) {
          target[i][d] = c[d] + (float) random.nextGaussian() * 0.3f;
        }
      }
    }
    String name = "synthetic-clustered-" + dim + "-" + rows;
    return new Dataset(name, "l2", base, test, truth(name, base, test, k, "l2", cache));
  }

  int dimension() {
    return base[0].length;
  }

  /** The fraction of the true top-k ids found, over all queries. */
  double recall(int[][] found) {
    long hits = 0;
    long total = 0;
    for (int q = 0; q < truth.length; q++) {
      java.util.Set<Integer> expected = new java.util.HashSet<>();
      for (int id : truth[q]) {
        expected.add(id);
      }
      for (int id : found[q]) {
        hits += expected.contains(id) ? 1 : 0;
      }
      total += truth[q].length;
    }
    return hits / (double) total;
  }

  private static int[][] truth(
      String name, float[][] base, float[][] queries, int k, String metric, Path cache)
      throws IOException {
    Path file = cache.resolve(name + "-" + queries.length + "q-top" + k + ".truth");
    if (Files.exists(file)) {
      try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
        int[][] truth = new int[in.readInt()][];
        for (int q = 0; q < truth.length; q++) {
          truth[q] = new int[in.readInt()];
          for (int i = 0; i < truth[q].length; i++) {
            truth[q][i] = in.readInt();
          }
        }
        return truth;
      }
    }
    int[][] truth =
        IntStream.range(0, queries.length)
            .parallel()
            .mapToObj(q -> exactTopK(base, queries[q], k))
            .toArray(int[][]::new);
    Files.createDirectories(cache);
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(truth.length);
      for (int[] ids : truth) {
        out.writeInt(ids.length);
        for (int id : ids) {
          out.writeInt(id);
        }
      }
    }
    return truth;
  }

  private static int[] exactTopK(float[][] base, float[] q, int k) {
    java.util.PriorityQueue<double[]> heap =
        new java.util.PriorityQueue<>((a, b) -> Double.compare(b[1], a[1]));
    for (int i = 0; i < base.length; i++) {
      double sum = 0;
      for (int d = 0; d < q.length; d++) {
        double diff = base[i][d] - q[d];
        sum += diff * diff;
      }
      if (heap.size() < k) {
        heap.add(new double[] {i, sum});
      } else if (sum < heap.peek()[1]) {
        heap.poll();
        heap.add(new double[] {i, sum});
      }
    }
    return heap.stream()
        .sorted((a, b) -> Double.compare(a[1], b[1]))
        .mapToInt(a -> (int) a[0])
        .toArray();
  }

  private static float[][] idxImages(Path file, int count) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
      if (in.readInt() != 0x00000803) {
        throw new IOException(file + " is not an IDX image file");
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

  /** Writes vectors as fvecs (per vector: int32 dimension, then the floats, little-endian). */
  static void writeFvecs(float[][] vectors, Path file) throws IOException {
    ByteBuffer buffer =
        ByteBuffer.allocate(vectors.length * (4 + 4 * vectors[0].length))
            .order(ByteOrder.LITTLE_ENDIAN);
    for (float[] v : vectors) {
      buffer.putInt(v.length);
      for (float x : v) {
        buffer.putFloat(x);
      }
    }
    Files.write(file, buffer.array());
  }

  /** Writes ids as ivecs (per row: int32 count, then the ids, little-endian). */
  static void writeIvecs(int[][] rows, Path file) throws IOException {
    int size = 0;
    for (int[] r : rows) {
      size += 4 + 4 * r.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    for (int[] r : rows) {
      buffer.putInt(r.length);
      for (int id : r) {
        buffer.putInt(id);
      }
    }
    Files.write(file, buffer.array());
  }
}
