package dev.quiver.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

/**
 * Concurrent clients: each thread has its own searcher (for Quiver its own Connection and
 * PreparedStatement) and runs every {@code threads}-th query of the cycle through the query set,
 * all starting together. Throughput is the queries of all threads over the wall time.
 */
final class Clients {
  private Clients() {}

  /** One client's way to run query number q, returning the ids found. */
  interface Searcher extends AutoCloseable {
    int[] search(int q) throws Exception;

    @Override
    default void close() throws Exception {}
  }

  /** Makes the searcher of one client thread. */
  interface Factory {
    Searcher open() throws Exception;
  }

  /** A run's throughput and the ids last found per query (null for queries not run). */
  record Run(double qps, int[][] found) {}

  /**
   * The concurrency workload of one system: a warm-up run, then a timed one of at least twice the
   * query set (500 queries per thread at the least), unfiltered, at one ef_search.
   */
  static Result measure(String system, Dataset data, int ef, int threads, Factory factory)
      throws Exception {
    int queries = data.queries().length;
    run(threads, Math.min(queries, 100 * threads), queries, factory);
    int total = Math.max(2 * queries, 500 * threads);
    Run timed = run(threads, total, queries, factory);
    return new Result(
        data.name(),
        system,
        "concurrency",
        Filter.NONE,
        threads,
        "ef_search",
        ef,
        data.recall(timed.found(), Filter.NONE),
        timed.qps(),
        total,
        0,
        0);
  }

  static Run run(int threads, int total, int queries, Factory factory) throws Exception {
    List<Searcher> searchers = new ArrayList<>();
    int[][] found = new int[queries][];
    long[] elapsed = new long[1];
    try {
      for (int t = 0; t < threads; t++) {
        searchers.add(factory.open());
      }
      CyclicBarrier start = new CyclicBarrier(threads, () -> elapsed[0] = System.nanoTime());
      List<Thread> running = new ArrayList<>();
      Exception[] failure = new Exception[1];
      for (int t = 0; t < threads; t++) {
        int first = t;
        Searcher searcher = searchers.get(t);
        Thread thread =
            Thread.ofPlatform()
                .name("bench-client-" + t)
                .start(
                    () -> {
                      try {
                        start.await();
                        for (int i = first; i < total; i += threads) {
                          int q = i % queries;
                          found[q] = searcher.search(q);
                        }
                      } catch (Exception e) {
                        synchronized (failure) {
                          failure[0] = e;
                        }
                      }
                    });
        running.add(thread);
      }
      for (Thread thread : running) {
        thread.join();
      }
      double seconds = (System.nanoTime() - elapsed[0]) / 1e9;
      if (failure[0] != null) {
        throw failure[0];
      }
      return new Run(total / seconds, found);
    } finally {
      for (Searcher s : searchers) {
        s.close();
      }
    }
  }
}
