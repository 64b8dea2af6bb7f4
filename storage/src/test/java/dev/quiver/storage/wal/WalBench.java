package dev.quiver.storage.wal;

import dev.quiver.storage.wal.WriteAheadLog.Sync;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A throughput benchmark of {@link WriteAheadLog}, not a test: records per second for append plus
 * awaitDurable with 1 KB and 64 KB payloads from 1 and 8 threads, and for replay of what they
 * wrote.
 *
 * <p>Run it after {@code ./mvnw -pl storage test-compile}, from the repository root:
 *
 * <pre>
 * java -cp storage/target/classes:storage/target/test-classes dev.quiver.storage.wal.WalBench \
 *     [folder on the disk to measure] [seconds per case]
 * </pre>
 *
 * The folder defaults to a new temporary one; everything written is deleted at the end.
 */
public final class WalBench {
  private WalBench() {}

  public static void main(String[] args) throws Exception {
    Path base =
        args.length > 0
            ? Files.createDirectories(Path.of(args[0]))
            : Files.createTempDirectory("walbench");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    System.out.printf(
        "WalBench in %s, %.1f s per case, %d processors, Java %s%n",
        base, seconds, Runtime.getRuntime().availableProcessors(), Runtime.version());
    System.out.printf(
        "%-8s %-6s %7s %12s %10s %16s %12s%n",
        "payload", "sync", "threads", "records/s", "MB/s", "replay records/s", "replay MB/s");
    try {
      for (Sync sync : new Sync[] {Sync.COMMIT, Sync.NONE}) {
        for (int payload : new int[] {1024, 64 << 10}) {
          for (int threads : new int[] {1, 8}) {
            run(base.resolve("case"), sync, payload, threads, seconds);
          }
        }
      }
    } finally {
      delete(base);
    }
  }

  private static void run(Path dir, Sync sync, int payloadBytes, int threads, double seconds)
      throws Exception {
    delete(dir);
    byte[] payload = new byte[payloadBytes];
    new Random(1).nextBytes(payload);
    AtomicLong clock = new AtomicLong();
    Object commitOrder = new Object();
    long records;
    long elapsed;
    try (WriteAheadLog wal = WriteAheadLog.open(dir, sync)) {
      wal.replay(-1, (timestamp, bytes) -> {});
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      AtomicLong written = new AtomicLong();
      List<Thread> writers = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        Thread writer =
            new Thread(
                () -> {
                  long count = 0;
                  while (System.nanoTime() < deadline) {
                    long token;
                    // Timestamps must reach the log in order, as the engine's commit lock ensures.
                    synchronized (commitOrder) {
                      token = wal.append(clock.incrementAndGet(), payload);
                    }
                    wal.awaitDurable(token);
                    count++;
                  }
                  written.addAndGet(count);
                });
        writers.add(writer);
        writer.start();
      }
      for (Thread writer : writers) {
        writer.join();
      }
      elapsed = System.nanoTime() - start;
      records = written.get();
    }
    long replayed;
    long replayElapsed;
    try (WriteAheadLog wal = WriteAheadLog.open(dir, sync)) {
      long[] count = new long[1];
      long start = System.nanoTime();
      wal.replay(-1, (timestamp, bytes) -> count[0]++);
      replayElapsed = System.nanoTime() - start;
      replayed = count[0];
    }
    if (replayed != records) {
      throw new AssertionError("wrote " + records + " records but replayed " + replayed);
    }
    double perSecond = records / (elapsed / 1e9);
    double replayPerSecond = replayed / (replayElapsed / 1e9);
    System.out.printf(
        "%-8s %-6s %7d %12.0f %10.1f %16.0f %12.1f%n",
        payloadBytes / 1024 + " KB",
        sync,
        threads,
        perSecond,
        perSecond * payloadBytes / 1e6,
        replayPerSecond,
        replayPerSecond * payloadBytes / 1e6);
    delete(dir);
  }

  private static void delete(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> tree = Files.walk(dir)) {
        for (Path each : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(each);
        }
      }
    }
  }
}
