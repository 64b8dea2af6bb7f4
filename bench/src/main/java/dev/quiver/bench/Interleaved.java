package dev.quiver.bench;

import java.util.List;

/**
 * The timed run of one search point for one system, or for two side by side: the queries in blocks
 * of {@value #BLOCK}, the systems taking turns block by block (which one goes first alternates from
 * block to block), over the queries {@code passes} times. Each system's rate is its queries over
 * the time of its own blocks. On a shared machine load comes and goes within seconds; systems that
 * take turns every few milliseconds meet the same load, so their ratio holds while their rates
 * swing, which it does not when one system's run follows the other's.
 */
final class Interleaved {
  /** Queries per block: long enough to time, short enough that both systems see the same load. */
  static final int BLOCK = 50;

  private Interleaved() {}

  /** One system's way to run query number q, returning the ids found. */
  interface Searcher {
    int[] search(int q) throws Exception;
  }

  /**
   * The rates of the systems, in their order, and the ids each found per query (the last pass).
   *
   * @param qps queries per second of each system over its own blocks
   * @param found per system, the ids found for each of the queries run ({@code null} beyond them)
   * @param blocks the number of blocks each system ran
   */
  record Run(double[] qps, int[][][] found, int blocks) {}

  /**
   * Runs the first {@code count} of {@code queryCount} queries {@code passes} times on each system.
   */
  static Run run(List<Searcher> systems, int count, int queryCount, int passes) throws Exception {
    int n = systems.size();
    long[] nanos = new long[n];
    int[][][] found = new int[n][queryCount][];
    int blocks = 0;
    for (int pass = 0; pass < passes; pass++) {
      for (int from = 0; from < count; from += BLOCK) {
        int to = Math.min(count, from + BLOCK);
        for (int turn = 0; turn < n; turn++) {
          int s = (turn + blocks) % n;
          Searcher searcher = systems.get(s);
          long start = System.nanoTime();
          for (int q = from; q < to; q++) {
            found[s][q] = searcher.search(q);
          }
          nanos[s] += System.nanoTime() - start;
        }
        blocks++;
      }
    }
    double[] qps = new double[n];
    for (int s = 0; s < n; s++) {
      qps[s] = (double) count * passes / (nanos[s] / 1e9);
    }
    return new Run(qps, found, blocks);
  }
}
