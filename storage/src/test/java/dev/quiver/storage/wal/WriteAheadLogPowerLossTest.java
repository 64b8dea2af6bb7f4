package dev.quiver.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.file.FaultInjectingFileLayer;
import dev.quiver.storage.wal.WriteAheadLog.FileInfo;
import dev.quiver.storage.wal.WriteAheadLog.Sync;
import dev.quiver.storage.wal.WriteAheadLogTest.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-loss test of {@link WriteAheadLog}: random appends, awaits, checkpoints and failed
 * forces, then a simulated power loss through {@link FaultInjectingFileLayer}, again and again on
 * the same folder. After every loss the log must replay exactly a prefix of what was appended since
 * the checkpoint, in order and byte for byte, and that prefix must hold every acknowledged record.
 * A failure names the seed; {@code -Dtests.seed=<seed>} replays the same run.
 */
class WriteAheadLogPowerLossTest {
  private static final int ITERATIONS = 300;

  @TempDir Path tmp;

  @Test
  void acknowledgedRecordsSurviveRepeatedPowerLosses() throws IOException {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    System.out.println("acknowledgedRecordsSurviveRepeatedPowerLosses seed=" + seed);
    Logger walLogger = Logger.getLogger(WriteAheadLog.class.getName());
    Level level = walLogger.getLevel();
    walLogger.setLevel(Level.SEVERE);
    try {
      run(seed);
    } finally {
      walLogger.setLevel(level);
    }
  }

  private void run(long seed) throws IOException {
    Random random = new Random(seed);
    FaultInjectingFileLayer layer = new FaultInjectingFileLayer();
    Path dir = tmp.resolve("wal");
    // The records that may be in the log, oldest first: every one that was replayed last time
    // and every one appended since. Those up to mustKeep are known durable.
    List<Long> possible = new ArrayList<>();
    Map<Long, byte[]> payloads = new HashMap<>();
    int mustKeep = 0;
    long clock = 0;
    long checkpoint = -1;
    int losses = 0;
    int tornTails = 0;
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      String where = "seed=" + seed + " iteration " + iteration;
      Sync sync = random.nextInt(4) == 0 ? Sync.NONE : Sync.COMMIT;
      long rollBytes = 100 + random.nextInt(3000);
      WriteAheadLog wal;
      List<Entry> replayed;
      try {
        wal = WriteAheadLog.open(dir, sync, layer, rollBytes);
        replayed = WriteAheadLogTest.replay(wal, checkpoint);
      } catch (QuiverException e) {
        throw new AssertionError(where + ": " + e.getMessage(), e);
      }

      assertTrue(replayed.size() <= possible.size(), where + ": a record that was never appended");
      assertTrue(
          replayed.size() >= mustKeep,
          where + ": " + (mustKeep - replayed.size()) + " acknowledged records lost");
      for (int i = 0; i < replayed.size(); i++) {
        long expected = possible.get(i);
        Entry entry = replayed.get(i);
        assertEquals(expected, entry.timestamp(), where + ": record " + i);
        assertArrayEquals(payloads.get(expected), entry.payload(), where + ": record " + i);
      }
      if (replayed.size() < possible.size()) {
        tornTails++;
      }
      // What was read back is on disk now; what was not is gone for good.
      possible.subList(replayed.size(), possible.size()).clear();
      mustKeep = possible.size();
      checkFiles(wal, dir, where);

      boolean poisoned = false;
      int operations = random.nextInt(40);
      for (int op = 0; op < operations && !poisoned; op++) {
        int choice = random.nextInt(20);
        try {
          if (choice == 0 && !possible.isEmpty()) {
            // The engine records a checkpoint before it truncates, so it holds even if that fails.
            checkpoint = Math.max(checkpoint, possible.get(random.nextInt(possible.size())));
            int covered = 0;
            while (covered < possible.size() && possible.get(covered) <= checkpoint) {
              covered++;
            }
            possible.subList(0, covered).clear();
            mustKeep = Math.max(0, mustKeep - covered);
            wal.truncateUpTo(checkpoint);
          } else if (choice == 1) {
            layer.failNextForces(1);
          } else if (choice == 2) {
            checkFiles(wal, dir, where);
          } else {
            clock += 1 + random.nextInt(3);
            int size = random.nextInt(10) == 0 ? random.nextInt(4000) : random.nextInt(200);
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            payloads.put(clock, payload);
            long token = wal.append(clock, payload);
            possible.add(clock);
            if (random.nextBoolean()) {
              wal.awaitDurable(token);
              if (sync == Sync.COMMIT) {
                mustKeep = possible.size();
              }
            }
          }
        } catch (QuiverException e) {
          expectInjectedFailure(e, where);
          poisoned = true;
        }
      }
      boolean closed = false;
      if (random.nextInt(8) == 0 && !poisoned) {
        try {
          wal.close();
          closed = true;
          mustKeep = possible.size();
        } catch (QuiverException e) {
          expectInjectedFailure(e, where);
        }
      }
      if (!closed) {
        layer.crash(random);
        losses++;
      }
      layer.failNextForces(0);
    }
    System.out.println(
        "acknowledgedRecordsSurviveRepeatedPowerLosses: "
            + losses
            + " power losses, "
            + tornTails
            + " of them lost unacknowledged records, "
            + payloads.size()
            + " records appended");
  }

  /**
   * Concurrent writers, then a power loss: catches a leader that counts records appended during its
   * force as forced. The seed fixes the payloads and losses, not the threads' interleaving.
   */
  @Test
  void recordsAcknowledgedToConcurrentWritersSurvivePowerLoss() throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    System.out.println("recordsAcknowledgedToConcurrentWritersSurvivePowerLoss seed=" + seed);
    Random random = new Random(seed);
    FaultInjectingFileLayer layer = new FaultInjectingFileLayer();
    Path dir = tmp.resolve("concurrent");
    List<Long> possible = new ArrayList<>();
    Map<Long, byte[]> payloads = new ConcurrentHashMap<>();
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    Object commitOrder = new Object();
    long[] clock = {0};
    for (int iteration = 0; iteration < 30; iteration++) {
      String where = "seed=" + seed + " iteration " + iteration;
      WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, layer, 500 + random.nextInt(5000));
      List<Entry> replayed = WriteAheadLogTest.replay(wal, -1);
      assertTrue(replayed.size() <= possible.size(), where + ": a record that was never appended");
      for (int i = 0; i < replayed.size(); i++) {
        assertEquals(possible.get(i), replayed.get(i).timestamp(), where);
        assertArrayEquals(payloads.get(possible.get(i)), replayed.get(i).payload(), where);
      }
      for (long timestamp : possible.subList(replayed.size(), possible.size())) {
        assertFalse(
            acknowledged.contains(timestamp), where + ": acknowledged " + timestamp + " lost");
      }
      possible.subList(replayed.size(), possible.size()).clear();

      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long writerSeed = random.nextLong();
        writers.add(
            pool.submit(
                () -> {
                  Random own = new Random(writerSeed);
                  for (int i = 0; i < 50; i++) {
                    byte[] payload = new byte[own.nextInt(300)];
                    own.nextBytes(payload);
                    long timestamp;
                    long token;
                    synchronized (commitOrder) {
                      timestamp = ++clock[0];
                      payloads.put(timestamp, payload);
                      token = wal.append(timestamp, payload);
                      possible.add(timestamp);
                    }
                    if (own.nextInt(3) != 0) {
                      wal.awaitDurable(token);
                      acknowledged.add(timestamp);
                    }
                  }
                }));
      }
      for (Future<?> writer : writers) {
        writer.get(1, TimeUnit.MINUTES);
      }
      pool.shutdown();
      layer.crash(random);
    }
  }

  private static void expectInjectedFailure(QuiverException e, String where) {
    if (e.code() != ErrorCode.IO_ERROR || !e.getMessage().contains("injected failure")) {
      throw new AssertionError(where + ": " + e.getMessage(), e);
    }
  }

  private static void checkFiles(WriteAheadLog wal, Path dir, String where) throws IOException {
    long previous = -1;
    for (FileInfo file : wal.files()) {
      assertEquals(Files.size(dir.resolve(file.name())), file.sizeBytes(), where + ": " + file);
      if (file.firstTimestamp() >= 0) {
        assertTrue(file.firstTimestamp() > previous, where + ": " + file);
        assertTrue(file.lastTimestamp() >= file.firstTimestamp(), where + ": " + file);
        previous = file.lastTimestamp();
      } else if (file.lastTimestamp() != -1) {
        fail(where + ": " + file);
      }
    }
  }
}
