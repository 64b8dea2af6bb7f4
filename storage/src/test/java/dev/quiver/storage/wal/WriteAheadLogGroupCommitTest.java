package dev.quiver.storage.wal;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.file.FaultInjectingFileLayer;
import dev.quiver.storage.wal.WriteAheadLog.Sync;
import dev.quiver.storage.wal.WriteAheadLogTest.Entry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of group commit: concurrent writers all become durable, share forces, and all learn of a
 * failed force, after which the log is poisoned.
 */
class WriteAheadLogGroupCommitTest {
  @TempDir Path dir;
  private final FaultInjectingFileLayer layer = new FaultInjectingFileLayer();
  private final Object commitOrder = new Object();
  private long clock;

  /** Appends under a lock, as the engine does, so timestamps reach the log in order. */
  private long append(WriteAheadLog wal, byte[] payload) {
    synchronized (commitOrder) {
      return wal.append(++clock, payload);
    }
  }

  private WriteAheadLog openRecovered(long rollBytes) {
    WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, layer, rollBytes);
    wal.replay(-1, (timestamp, payload) -> {});
    return wal;
  }

  private static byte[] payload(int thread, int index) {
    return ByteBuffer.allocate(64).putInt(thread).putInt(index).array();
  }

  @Test
  void concurrentWritersAllReturnDurableAndShareForces() throws Exception {
    int threads = 8;
    int perThread = 400;
    WriteAheadLog wal = openRecovered(64 << 10);
    int before = layer.forceCount();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    wal.awaitDurable(append(wal, payload(thread, i)));
                  }
                }));
      }
      for (Future<?> future : done) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    int forces = layer.forceCount() - before;
    wal.close();

    int records = threads * perThread;
    assertTrue(forces < records, forces + " forces for " + records + " records");
    System.out.println(
        "concurrentWritersAllReturnDurableAndShareForces: " + forces + " forces for " + records);
    try (WriteAheadLog reopened = WriteAheadLog.open(dir, Sync.COMMIT, layer, 64 << 10)) {
      List<Entry> replayed = WriteAheadLogTest.replay(reopened, -1);
      assertEquals(records, replayed.size());
      int[] next = new int[threads];
      for (int i = 0; i < records; i++) {
        assertEquals(i + 1, replayed.get(i).timestamp());
        ByteBuffer content = ByteBuffer.wrap(replayed.get(i).payload());
        int thread = content.getInt();
        assertEquals(next[thread]++, content.getInt(), "thread " + thread + "'s records in order");
      }
    }
  }

  @Test
  void waitersThatQueueDuringAForceShareTheNextOne() throws Exception {
    WriteAheadLog wal = openRecovered(1 << 20);
    CountDownLatch leaderForcing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    layer.beforeEachForce(
        () -> {
          if (first.getAndSet(false)) {
            leaderForcing.countDown();
            awaitQuietly(release);
          }
        });
    int before = layer.forceCount();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      Future<?> leader = pool.submit(() -> wal.awaitDurable(append(wal, payload(0, 0))));
      assertTrue(leaderForcing.await(1, TimeUnit.MINUTES));
      CountDownLatch appended = new CountDownLatch(7);
      List<Future<?>> followers = new ArrayList<>();
      for (int t = 1; t < 8; t++) {
        int thread = t;
        followers.add(
            pool.submit(
                () -> {
                  long token = append(wal, payload(thread, 0));
                  appended.countDown();
                  wal.awaitDurable(token);
                }));
      }
      assertTrue(appended.await(1, TimeUnit.MINUTES));
      release.countDown();
      leader.get(1, TimeUnit.MINUTES);
      for (Future<?> follower : followers) {
        follower.get(1, TimeUnit.MINUTES);
      }
    } finally {
      release.countDown();
      pool.shutdownNow();
    }

    assertEquals(2, layer.forceCount() - before, "one force for the leader, one for the rest");
    wal.close();
  }

  @Test
  void callerWithItsInterruptFlagSetDoesNotPoisonTheLog() {
    WriteAheadLog wal = openRecovered(200);
    Thread.currentThread().interrupt();
    try {
      for (int i = 0; i < 5; i++) {
        wal.awaitDurable(append(wal, new byte[100]));
        assertTrue(Thread.currentThread().isInterrupted(), "the flag is restored");
      }
      wal.truncateUpTo(clock - 1);
      assertTrue(Thread.currentThread().isInterrupted(), "the flag is restored");
      wal.close();
    } finally {
      Thread.interrupted();
    }
    try (WriteAheadLog reopened = WriteAheadLog.open(dir, Sync.COMMIT, layer, 200)) {
      assertEquals(1, WriteAheadLogTest.replay(reopened, clock - 1).size());
    }
  }

  @Test
  void failedForcePoisonsTheLogForEveryLaterCall() {
    WriteAheadLog wal = openRecovered(1 << 20);
    long durable = append(wal, payload(0, 0));
    wal.awaitDurable(durable);
    layer.failNextForces(1);
    long lost = append(wal, payload(0, 1));
    String file = dir.resolve(WalBytes.fileName(1)).toString();

    QuiverException failure =
        assertFails(
            ErrorCode.IO_ERROR, () -> wal.awaitDurable(lost), file, "could not be forced to disk");
    assertTrue(failure.getMessage().contains("injected failure"), failure.getMessage());

    assertFails(ErrorCode.IO_ERROR, () -> wal.awaitDurable(lost), file);
    assertFails(ErrorCode.IO_ERROR, () -> wal.awaitDurable(durable), file);
    assertFails(ErrorCode.IO_ERROR, () -> append(wal, payload(0, 2)), file);
    assertFails(ErrorCode.IO_ERROR, () -> wal.truncateUpTo(1), file);
    wal.close();
  }

  @Test
  void waitersQueuedBehindAFailedForceAllFail() throws Exception {
    WriteAheadLog wal = openRecovered(1 << 20);
    CountDownLatch leaderForcing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    layer.failNextForces(1);
    layer.beforeEachForce(
        () -> {
          if (first.getAndSet(false)) {
            leaderForcing.countDown();
            awaitQuietly(release);
          }
        });
    Throwable[] errors = new Throwable[4];
    List<Thread> waiters = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        int index = t;
        long token = append(wal, payload(t, 0));
        Thread waiter =
            new Thread(
                () -> {
                  try {
                    wal.awaitDurable(token);
                  } catch (Throwable e) {
                    errors[index] = e;
                  }
                });
        waiters.add(waiter);
        waiter.start();
        if (t == 0) {
          assertTrue(leaderForcing.await(1, TimeUnit.MINUTES));
        }
      }
      // The followers are queued once they park; the leader is parked in the held force.
      while (waiters.stream().anyMatch(w -> w.getState() != Thread.State.WAITING)) {
        Thread.onSpinWait();
      }
      release.countDown();
      for (Thread waiter : waiters) {
        waiter.join(TimeUnit.MINUTES.toMillis(1));
      }
    } finally {
      release.countDown();
    }
    for (Throwable error : errors) {
      QuiverException failure = assertInstanceOf(QuiverException.class, error);
      assertEquals(ErrorCode.IO_ERROR, failure.code(), failure.getMessage());
      assertTrue(failure.getMessage().contains("injected failure"), failure.getMessage());
    }
    wal.close();
  }

  @Test
  void failedForceWhenRollingPoisonsTheLog() {
    WriteAheadLog wal = openRecovered(200);
    append(wal, new byte[100]);
    layer.failNextForces(1);

    assertFails(
        ErrorCode.IO_ERROR,
        () -> append(wal, new byte[100]),
        dir.resolve(WalBytes.fileName(1)).toString());
    assertFails(ErrorCode.IO_ERROR, () -> append(wal, new byte[1]));
    wal.close();
  }

  @Test
  void recordsForcedBeforeAFailedForceSurviveAPowerLoss() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("recordsForcedBeforeAFailedForceSurviveAPowerLoss seed=" + seed);
    WriteAheadLog wal = openRecovered(1 << 20);
    for (int i = 0; i < 10; i++) {
      wal.awaitDurable(append(wal, payload(0, i)));
    }
    layer.failNextForces(1);
    long lost = append(wal, payload(0, 10));
    assertFails(ErrorCode.IO_ERROR, () -> wal.awaitDurable(lost));

    layer.crash(new Random(seed));

    try (WriteAheadLog reopened = WriteAheadLog.open(dir, Sync.COMMIT, layer, 1 << 20)) {
      List<Entry> replayed = WriteAheadLogTest.replay(reopened, -1);
      assertTrue(replayed.size() >= 10, "seed=" + seed + ": " + replayed.size());
      for (int i = 0; i < 10; i++) {
        assertArrayEquals(payload(0, i), replayed.get(i).payload(), "seed=" + seed);
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
