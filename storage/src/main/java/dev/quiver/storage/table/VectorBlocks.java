package dev.quiver.storage.table;

import dev.quiver.storage.catalog.Metric;
import java.util.Arrays;

/**
 * The vectors of one VECTOR column of rows in memory, copied by the engine's applier into
 * column-major blocks: block values {@code [d * capacity + r]} hold dimension {@code d} of the
 * block's row {@code r}, with each row's Euclidean norm beside them.
 *
 * <p>That layout lets exact search score a whole block with loops over contiguous arrays that the
 * JIT compiles to SIMD instructions, without Lucene and without one array per row; with four
 * dimensions per pass it matches Lucene's {@code VectorUtil} on one array per row (measured with
 * 100,000 × 128-d and × 768-d), and cosine costs one product per row instead of three, since the
 * norms are kept. Blocks start small (a table of three rows does not hold a 1,024-row block) and
 * grow to {@link #MAX_BLOCK_ROWS} rows.
 *
 * <p>One thread appends (the applier); readers read rows below a count that was published after the
 * rows were written (see {@code MemRows}), so they need no lock.
 */
final class VectorBlocks {
  /** The rows of the largest block. */
  static final int MAX_BLOCK_ROWS = 1024;

  private static final int FIRST_BLOCK_ROWS = 32;

  private final int dimension;
  // Replaced by a longer copy when a block is added; written by the appending thread only.
  private volatile Block[] blocks = new Block[0];
  private int size;

  VectorBlocks(int dimension) {
    this.dimension = dimension;
  }

  /** Rows {@code start} to {@code start + capacity - 1}, column-major. */
  record Block(int start, int capacity, float[] values, float[] norms) {}

  /** Appends a row's vector; null (a NULL value) is stored as zeros and never scored. */
  void append(float[] vector) {
    Block[] current = blocks;
    Block last = current.length == 0 ? null : current[current.length - 1];
    if (last == null || size == last.start() + last.capacity()) {
      int capacity =
          last == null ? FIRST_BLOCK_ROWS : Math.min(MAX_BLOCK_ROWS, last.capacity() * 2);
      last = new Block(size, capacity, new float[capacity * dimension], new float[capacity]);
      current = Arrays.copyOf(current, current.length + 1);
      current[current.length - 1] = last;
      blocks = current;
    }
    int r = size - last.start();
    if (vector != null) {
      float[] values = last.values();
      int capacity = last.capacity();
      double norm = 0;
      for (int d = 0; d < dimension; d++) {
        float x = vector[d];
        values[d * capacity + r] = x;
        norm += (double) x * x;
      }
      last.norms()[r] = (float) Math.sqrt(norm);
    }
    size++;
  }

  /** The blocks holding the rows appended so far. */
  Block[] blocks() {
    return blocks;
  }

  /**
   * Scores the first {@code rows} rows of a block against a query into {@code out}: the distance in
   * the metric (Euclidean, 1 − cosine, or the inner product) up to float rounding; NaN under cosine
   * when either vector is zero.
   *
   * @param queryNorm the query's Euclidean norm (used by cosine only)
   */
  void score(Block block, int rows, float[] query, double queryNorm, Metric metric, float[] out) {
    Arrays.fill(out, 0, rows, 0f);
    float[] values = block.values();
    int capacity = block.capacity();
    boolean l2 = metric == Metric.L2;
    int d = 0;
    // Four dimensions per pass: one load and store of the sums per four products keeps the loop
    // bound by the block's values rather than by the sums.
    for (; d + 4 <= dimension; d += 4) {
      float q0 = query[d];
      float q1 = query[d + 1];
      float q2 = query[d + 2];
      float q3 = query[d + 3];
      int b0 = d * capacity;
      int b1 = b0 + capacity;
      int b2 = b1 + capacity;
      int b3 = b2 + capacity;
      if (l2) {
        for (int r = 0; r < rows; r++) {
          float t0 = values[b0 + r] - q0;
          float t1 = values[b1 + r] - q1;
          float t2 = values[b2 + r] - q2;
          float t3 = values[b3 + r] - q3;
          out[r] += (t0 * t0 + t1 * t1) + (t2 * t2 + t3 * t3);
        }
      } else {
        for (int r = 0; r < rows; r++) {
          out[r] +=
              (values[b0 + r] * q0 + values[b1 + r] * q1)
                  + (values[b2 + r] * q2 + values[b3 + r] * q3);
        }
      }
    }
    for (; d < dimension; d++) {
      float q = query[d];
      int base = d * capacity;
      if (l2) {
        for (int r = 0; r < rows; r++) {
          float t = values[base + r] - q;
          out[r] += t * t;
        }
      } else {
        for (int r = 0; r < rows; r++) {
          out[r] += values[base + r] * q;
        }
      }
    }
    switch (metric) {
      case L2 -> {
        for (int r = 0; r < rows; r++) {
          out[r] = (float) Math.sqrt(out[r]);
        }
      }
      case COSINE -> {
        float[] norms = block.norms();
        for (int r = 0; r < rows; r++) {
          double denominator = queryNorm * norms[r];
          out[r] =
              denominator == 0
                  ? Float.NaN
                  : (float) (1 - Math.max(-1, Math.min(1, out[r] / denominator)));
        }
      }
      case INNER_PRODUCT -> {}
    }
  }

  /** The Euclidean norm of a vector. */
  static double norm(float[] vector) {
    double sum = 0;
    for (float x : vector) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }
}
