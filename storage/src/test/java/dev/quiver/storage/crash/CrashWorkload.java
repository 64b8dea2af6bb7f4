package dev.quiver.storage.crash;

import dev.quiver.storage.Engine;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.WriteBatch;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The program {@link KillNineRecoveryTest} runs in a child JVM and kills: writer threads insert and
 * delete rows of table {@code t} in batches and print, one line each, {@code BEGIN} before a batch
 * and {@code ACK} after it returns; a checkpoint thread flushes now and then, and the engine seals
 * every 400 rows in the background. Row values are a function of the row id, so the parent can
 * check every value it finds.
 *
 * <p>Arguments: database folder, cycle number (makes ids unique across cycles), seed, and the file
 * the lines go to.
 */
public final class CrashWorkload {
  static final int WRITERS = 3;
  static final int DIMENSION = 4;

  // Lines go to a file, not to stdout: killing a process closes its pipe, dropping what the parent
  // has not read yet, while a file keeps every completed write across kill -9.
  private static PrintStream out;

  private CrashWorkload() {}

  /** The table every cycle writes. */
  static TableDef table() {
    return new TableDef(
        "t",
        List.of(
            ColumnDef.of("id", ColumnType.BIGINT, false),
            ColumnDef.of("label", ColumnType.VARCHAR, true),
            ColumnDef.vector("v", DIMENSION, false)),
        0,
        // Small segments, so that background seals run between the checkpoint thread's, and kills
        // land inside segment writes too.
        Options.table(Map.of("segment_max_rows", 400)));
  }

  /** The row with this id, as the workload writes it. */
  static Object[] row(long id) {
    // Spread like real embeddings rather than repeating every thousand ids.
    float[] v = new float[DIMENSION];
    long h = id * 0x9E3779B97F4A7C15L;
    for (int i = 0; i < DIMENSION; i++) {
      h ^= h >>> 29;
      h *= 0xBF58476D1CE4E5B9L;
      v[i] = (h >>> 40) / (float) (1 << 24);
    }
    return new Object[] {id, "row-" + id, v};
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long cycle = Long.parseLong(args[1]);
    long seed = Long.parseLong(args[2]);
    out = new PrintStream(new FileOutputStream(args[3], true), true, "UTF-8");
    Engine engine = Engine.open(dir);
    engine.createTable(table(), true);
    Table t = engine.table("t");
    print("READY");
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      threads.add(new Thread(() -> write(t, cycle, writer, new Random(seed + writer))));
    }
    threads.add(
        new Thread(
            () -> {
              Random random = new Random(seed - 1);
              while (true) {
                sleep(50 + random.nextInt(250));
                engine.checkpoint();
                print("CHECKPOINT");
              }
            }));
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private static void write(Table t, long cycle, int writer, Random random) {
    long next = (cycle * 100 + writer) * 1_000_000L;
    List<long[]> acknowledged = new ArrayList<>();
    long batchNo = 0;
    while (true) {
      // Paced so that sealing keeps up and kills land in every phase of a checkpoint, not only in
      // the writing of one ever-growing segment.
      sleep(1 + random.nextInt(3));
      String batchId = cycle + "." + writer + "." + batchNo++;
      // Deletes as often as inserts, so that long runs (crash-long profile) stay bounded in size.
      if (!acknowledged.isEmpty() && random.nextBoolean()) {
        long[] range = acknowledged.remove(random.nextInt(acknowledged.size()));
        WriteBatch batch = new WriteBatch();
        for (long id = range[0]; id < range[1]; id++) {
          batch.delete(row(id));
        }
        print("BEGIN DEL " + batchId + " " + range[0] + " " + range[1]);
        t.apply(batch);
        print("ACK " + batchId);
      } else {
        int n = 1 + random.nextInt(random.nextBoolean() ? 5 : 60);
        WriteBatch batch = new WriteBatch();
        for (long id = next; id < next + n; id++) {
          batch.insert(row(id));
        }
        print("BEGIN INS " + batchId + " " + next + " " + (next + n));
        t.apply(batch);
        print("ACK " + batchId);
        acknowledged.add(new long[] {next, next + n});
        next += n;
      }
    }
  }

  private static synchronized void print(String line) {
    out.println(line);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
