package dev.quiver.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.apache.lucene.util.VectorUtil;

/**
 * A benchmark data set: base vectors (row i has id i and category {@code i mod 100}), query
 * vectors, their metric, and the exact top-k of every query under every {@link Filter} (computed
 * once and cached, since it costs queries × rows distances).
 */
record Dataset(
    String name, String metric, float[][] base, float[][] queries, Map<Filter, int[][]> truth) {
  static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

  /**
   * Fashion-MNIST (784-d, L2): the first {@code rows} training images and {@code queries} tests.
   */
  static Dataset fashionMnist(int rows, int queries, int k, Path cache) throws IOException {
    float[][] base = idxImages(FASHION.resolve("train-images-idx3-ubyte.gz"), rows);
    float[][] test = idxImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"), queries);
    return of("fashion-mnist-784-" + base.length, "l2", base, test, k, cache);
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
    return of("synthetic-clustered-" + dim + "-" + rows, "l2", base, test, k, cache);
  }

  /** A data set from its vectors, with its ground truth from the cache or computed now. */
  static Dataset of(
      String name, String metric, float[][] base, float[][] queries, int k, Path cache)
      throws IOException {
    Map<Filter, int[][]> truth = new LinkedHashMap<>();
    for (Filter filter : Filter.ALL) {
      Path file = cache.resolve(truthFileName(name, queries.length, k, filter));
      if (Files.exists(file)) {
        truth.put(filter, readTruth(file));
      }
    }
    if (truth.size() < Filter.ALL.size()) {
      System.err.println(name + ": computing the exact top-" + k + " of every query");
      int[][][] computed = exactTopK(base, queries, k, metric);
      Files.createDirectories(cache);
      for (int f = 0; f < Filter.ALL.size(); f++) {
        Filter filter = Filter.ALL.get(f);
        int[][] rows = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
          rows[q] = computed[q][f] == null ? new int[0] : computed[q][f];
        }
        writeTruth(rows, cache.resolve(truthFileName(name, queries.length, k, filter)));
        truth.put(filter, rows);
      }
    }
    return new Dataset(name, metric, base, queries, truth);
  }

  private static String truthFileName(String name, int queries, int k, Filter filter) {
    String suffix = filter.equals(Filter.NONE) ? "" : "-cat" + filter.below();
    return name + "-" + queries + "q-top" + k + suffix + ".truth";
  }

  int dimension() {
    return base[0].length;
  }

  /** The fraction of the true top-k ids found, over all queries. */
  double recall(int[][] found, Filter filter) {
    int[][] expected = truth.get(filter);
    long hits = 0;
    long total = 0;
    for (int q = 0; q < found.length; q++) {
      if (found[q] == null) {
        continue;
      }
      Set<Integer> ids = new HashSet<>();
      for (int id : expected[q]) {
        ids.add(id);
      }
      for (int id : found[q]) {
        hits += ids.contains(id) ? 1 : 0;
      }
      total += expected[q].length;
    }
    return total == 0 ? 0 : hits / (double) total;
  }

  /**
   * The exact top-k of every query under every filter, in one pass over the rows per query: {@code
   * [query][filter index]}. Distances through Lucene's VectorUtil, which is SIMD with the vector
   * incubator module.
   */
  private static int[][][] exactTopK(float[][] base, float[][] queries, int k, String metric) {
    return IntStream.range(0, queries.length)
        .parallel()
        .mapToObj(
            q -> {
              float[] query = queries[q];
              NearestK[] nearest = new NearestK[Filter.ALL.size()];
              for (int f = 0; f < nearest.length; f++) {
                nearest[f] = new NearestK(k);
              }
              for (int i = 0; i < base.length; i++) {
                float distance = distance(metric, query, base[i]);
                for (int f = 0; f < nearest.length; f++) {
                  if (Filter.ALL.get(f).accepts(i)) {
                    nearest[f].offer(i, distance);
                  }
                }
              }
              int[][] ids = new int[nearest.length][];
              for (int f = 0; f < nearest.length; f++) {
                ids[f] = nearest[f].ids();
              }
              return ids;
            })
        .toArray(int[][][]::new);
  }

  static float distance(String metric, float[] a, float[] b) {
    return metric.equals("cosine") ? 1 - VectorUtil.cosine(a, b) : VectorUtil.squareDistance(a, b);
  }

  /** The k smallest distances seen, kept sorted (k is 10: insertion beats a heap). */
  private static final class NearestK {
    private final int[] ids;
    private final float[] distances;
    private int size;

    NearestK(int k) {
      ids = new int[k];
      distances = new float[k];
    }

    void offer(int id, float distance) {
      if (size == ids.length && distance >= distances[size - 1]) {
        return;
      }
      int i = size == ids.length ? size - 1 : size++;
      while (i > 0 && distances[i - 1] > distance) {
        distances[i] = distances[i - 1];
        ids[i] = ids[i - 1];
        i--;
      }
      distances[i] = distance;
      ids[i] = id;
    }

    int[] ids() {
      return java.util.Arrays.copyOf(ids, size);
    }
  }

  private static int[][] readTruth(Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
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

  private static void writeTruth(int[][] truth, Path file) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(truth.length);
      for (int[] ids : truth) {
        out.writeInt(ids.length);
        for (int id : ids) {
          out.writeInt(id);
        }
      }
    }
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
        ByteBuffer.allocate(4 + 4 * vectors[0].length).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (float[] v : vectors) {
        buffer.clear();
        buffer.putInt(v.length);
        for (float x : v) {
          buffer.putFloat(x);
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
    }
  }

  /** Reads an fvecs file written by {@link #writeFvecs}. */
  static float[][] readFvecs(Path file) throws IOException {
    try (FileChannel in = FileChannel.open(file)) {
      ByteBuffer all =
          in.map(FileChannel.MapMode.READ_ONLY, 0, in.size()).order(ByteOrder.LITTLE_ENDIAN);
      int dim = all.getInt(0);
      float[][] vectors = new float[(int) (in.size() / (4 + 4L * dim))][dim];
      for (float[] v : vectors) {
        if (all.getInt() != dim) {
          throw new IOException(file + ": vectors of differing dimension");
        }
        all.asFloatBuffer().get(v);
        all.position(all.position() + 4 * dim);
      }
      return vectors;
    }
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
