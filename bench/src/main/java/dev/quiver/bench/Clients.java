package dev.quiver.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients: each thread has its own searcher (for Quiver its own Connection and
 * PreparedStatement) and runs every {@code threads}-th query of the cycle through the query set,
 * all starting together, until a time is up. Throughput is the queries of all threads over the wall
 * time.
 *
 * <p>Several systems take turns: each runs for half its time, then the others do, then each runs
 * its second half. A few hundred milliseconds per run (what a fixed two thousand queries took) was
 * too short: one run caught a garbage collection or a neighbour's burst of work and the next did
 * not, which made one system's rate at two threads look worse than at one.
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

  /** One system in the concurrency workload: its name, ef_search and clients. */
  record Contender(String name, int ef, Factory factory) {}

  /** Queries run, the nanoseconds they took, and the ids last found per query. */
  private record Run(long queries, long nanos, int[][] found) {}

  /**
   * The concurrency workload of the systems at {@code threads} clients, unfiltered: a warm-up run
   * of each, then timed runs of {@code seconds} per system in two turns (at least the query set
   * once per system and 250 queries per thread). Returns one result per system, in their order.
   */
  static List<Result> measure(Dataset data, List<Contender> systems, int threads, double seconds)
      throws Exception {
    int queries = data.queries().length;
    int minimum = Math.max(queries / 2, 250 * threads);
    long half = (long) (seconds / 2 * 1e9);
    for (Contender system : systems) {
      run(system.factory(), threads, Math.min(queries, 100 * threads), half / 4, queries);
    }
    long[] done = new long[systems.size()];
    long[] nanos = new long[systems.size()];
    int[][][] found = new int[systems.size()][][];
    for (int turn = 0; turn < 2; turn++) {
      for (int s = 0; s < systems.size(); s++) {
        Run run = run(systems.get(s).factory(), threads, minimum, half, queries);
        done[s] += run.queries();
        nanos[s] += run.nanos();
        found[s] = run.found();
      }
    }
    List<Result> results = new ArrayList<>();
    for (int s = 0; s < systems.size(); s++) {
      results.add(
          new Result(
              data.name(),
              systems.get(s).name(),
              "concurrency",
              Filter.NONE,
              threads,
              "ef_search",
              systems.get(s).ef(),
              data.recall(found[s], Filter.NONE),
              done[s] / (nanos[s] / 1e9),
              (int) done[s],
              0,
              0));
    }
    return results;
  }

  /**
   * One timed run: each thread goes on until at least {@code minimum} queries are done in all and
   * {@code nanos} have passed since the start.
   */
  private static Run run(Factory factory, int threads, int minimum, long nanos, int queries)
      throws Exception {
    List<Searcher> searchers = new ArrayList<>();
    int[][] found = new int[queries][];
    long[] started = new long[1];
    AtomicLong done = new AtomicLong();
    int perThread = (minimum + threads - 1) / threads;
    try {
      for (int t = 0; t < threads; t++) {
        searchers.add(factory.open());
      }
      CyclicBarrier start = new CyclicBarrier(threads, () -> started[0] = System.nanoTime());
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
                        long deadline = started[0] + nanos;
                        long mine = 0;
                        for (int i = first; ; i += threads) {
                          if (mine >= perThread && System.nanoTime() >= deadline) {
                            break;
                          }
                          int q = i % queries;
                          found[q] = searcher.search(q);
                          mine++;
                        }
                        done.addAndGet(mine);
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
      long elapsed = System.nanoTime() - started[0];
      if (failure[0] != null) {
        throw failure[0];
      }
      return new Run(done.get(), elapsed, found);
    } finally {
      for (Searcher s : searchers) {
        s.close();
      }
    }
  }
}
