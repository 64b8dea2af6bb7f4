package dev.quiver.storage.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.TableDef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A randomized test of concurrent writers and readers of one table: every scan must show exactly
 * the batches committed at or before its snapshot, each batch all or nothing.
 *
 * <p>Each batch tags its rows with a new batch number: an insert batch adds rows of a new tag, a
 * delete batch removes every row of one tag, an update batch moves every row of one tag to a new
 * tag and new keys. The oracle replays the committed batches in timestamp order.
 */
class TableConcurrencyTest {
  private static final int WRITERS = 4;
  private static final int READERS = 4;
  private static final int BATCHES_PER_WRITER = 300;
  private static final int ROWS_PER_TAG = 16;

  /** Each writer waits for one more completed scan every this many batches, so reads interleave. */
  private static final int BATCHES_PER_SCAN = 5;

  /** A committed batch: its timestamp and, per tag it touched, the new row count (0 = gone). */
  private record Commit(long timestamp, Map<Integer, Integer> effects) {}

  /** What one scan saw: its snapshot and the number of rows of each tag. */
  private record Observation(long timestamp, Map<Integer, Integer> counts) {}

  private final TableDef def =
      new TableDef(
          "tagged",
          List.of(
              ColumnDef.of("id", ColumnType.BIGINT, false),
              ColumnDef.of("tag", ColumnType.INTEGER, false),
              ColumnDef.vector("v", 2, false)),
          0,
          Map.of());

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void everyScanSeesExactlyTheBatchesCommittedBeforeItsSnapshot() throws Exception {
    long seed = System.nanoTime();
    System.out.println("TableConcurrencyTest seed=" + seed);
    Timeline timeline = new Timeline(0);
    Table table = new Table(def, timeline);
    AtomicInteger nextTag = new AtomicInteger(1);
    Queue<Commit> commits = new ConcurrentLinkedQueue<>();
    Queue<Observation> observations = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger scans = new AtomicInteger();
    AtomicInteger readersRunning = new AtomicInteger(READERS);

    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
    try {
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        Random random = new Random(seed - r - 1);
        readers.add(
            pool.submit(
                () -> {
                  try {
                    read(table, timeline, random, writing, scans, observations, seed);
                  } finally {
                    readersRunning.decrementAndGet();
                  }
                }));
      }
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        Random random = new Random(seed + w);
        writers.add(
            pool.submit(() -> write(table, random, nextTag, commits, scans, readersRunning, seed)));
      }
      for (Future<?> f : writers) {
        await(f, seed);
      }
      writing.set(false);
      for (Future<?> f : readers) {
        await(f, seed);
      }
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
    observations.add(observe(table, timeline.snapshot(), new Random(seed), seed));

    List<Commit> log = new ArrayList<>(commits);
    log.sort(Comparator.comparingLong(Commit::timestamp));
    assertEquals(WRITERS * BATCHES_PER_WRITER, log.size(), "seed=" + seed);
    List<Observation> seen = new ArrayList<>(observations);
    seen.sort(Comparator.comparingLong(Observation::timestamp));
    assertTrue(
        seen.size() >= BATCHES_PER_WRITER / BATCHES_PER_SCAN,
        "seed=" + seed + ": only " + seen.size() + " scans");
    System.out.println(
        "TableConcurrencyTest checks " + seen.size() + " scans against " + log.size() + " batches");

    Map<Integer, Integer> state = new TreeMap<>();
    int applied = 0;
    long previous = Long.MIN_VALUE;
    for (Observation o : seen) {
      while (applied < log.size() && log.get(applied).timestamp() <= o.timestamp()) {
        Commit c = log.get(applied++);
        assertTrue(c.timestamp() > previous, "seed=" + seed + ": two batches share a timestamp");
        previous = c.timestamp();
        c.effects()
            .forEach(
                (tag, count) -> {
                  if (count == 0) {
                    state.remove(tag);
                  } else {
                    state.put(tag, count);
                  }
                });
      }
      assertEquals(
          state,
          new TreeMap<>(o.counts()),
          "seed=" + seed + ": scan at snapshot " + o.timestamp() + " (rows per tag)");
    }
  }

  private static void await(Future<?> task, long seed) throws Exception {
    try {
      task.get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new AssertionError("seed=" + seed + ": " + e.getCause(), e.getCause());
    }
  }

  private void write(
      Table table,
      Random random,
      AtomicInteger nextTag,
      Queue<Commit> commits,
      AtomicInteger scans,
      AtomicInteger readersRunning,
      long seed) {
    Map<Integer, Integer> live = new HashMap<>();
    List<Integer> liveTags = new ArrayList<>();
    for (int b = 0; b < BATCHES_PER_WRITER; b++) {
      if (b % BATCHES_PER_SCAN == 0) {
        int target = scans.get() + 1;
        while (scans.get() < target && readersRunning.get() > 0) {
          Thread.yield();
        }
      }
      double choice = random.nextDouble();
      WriteBatch batch = new WriteBatch();
      Map<Integer, Integer> effects = new HashMap<>();
      if (liveTags.isEmpty() || choice < 0.6) {
        int tag = nextTag.getAndIncrement();
        int count = 1 + random.nextInt(ROWS_PER_TAG);
        for (int i = 0; i < count; i++) {
          if (random.nextBoolean()) {
            batch.insert(row(tag, i));
          } else {
            batch.upsert(row(tag, i));
          }
        }
        effects.put(tag, count);
        live.put(tag, count);
        liveTags.add(tag);
      } else {
        int old = liveTags.remove(random.nextInt(liveTags.size()));
        int count = live.remove(old);
        effects.put(old, 0);
        if (choice < 0.8) {
          for (int i = 0; i < count; i++) {
            batch.delete(row(old, i));
          }
        } else {
          int tag = nextTag.getAndIncrement();
          for (int i = 0; i < count; i++) {
            batch.update(row(old, i), row(tag, i));
          }
          effects.put(tag, count);
          live.put(tag, count);
          liveTags.add(tag);
        }
      }
      WriteResult result = table.apply(batch);
      int written = effects.values().stream().mapToInt(Integer::intValue).sum();
      assertEquals(written, result.written(), "seed=" + seed + ": rows written by " + effects);
      commits.add(new Commit(result.timestamp(), effects));
    }
  }

  private void read(
      Table table,
      Timeline timeline,
      Random random,
      AtomicBoolean writing,
      AtomicInteger scans,
      Queue<Observation> observations,
      long seed) {
    while (writing.get()) {
      observations.add(observe(table, timeline.snapshot(), random, seed));
      scans.incrementAndGet();
    }
  }

  /**
   * Scans a snapshot slowly, checking that every row is whole, and checks that a vector search at
   * the same snapshot finds only rows of the tags the scan saw.
   */
  private static Observation observe(Table table, Snapshot snapshot, Random random, long seed) {
    Map<Integer, Integer> counts = new HashMap<>();
    Set<Long> ids = new HashSet<>();
    for (Iterator<Object[]> it = table.scan(snapshot, Predicate.ALWAYS); it.hasNext(); ) {
      Object[] r = it.next();
      long id = (Long) r[0];
      int tag = (Integer) r[1];
      assertEquals(tag, id / ROWS_PER_TAG, "seed=" + seed + ": row " + id + " has tag " + tag);
      assertArrayEquals(vector(tag, (int) (id % ROWS_PER_TAG)), (float[]) r[2], "seed=" + seed);
      assertTrue(ids.add(id), "seed=" + seed + ": key " + id + " seen twice at " + snapshot);
      counts.merge(tag, 1, Integer::sum);
      if (random.nextInt(8) == 0) {
        Thread.yield();
      }
    }
    float[] query = {random.nextFloat(), random.nextFloat()};
    for (SearchHit hit :
        table.search(snapshot, new VectorSearch(2, query, Metric.L2, 10, Predicate.ALWAYS))) {
      assertTrue(
          ids.contains((Long) hit.row()[0]),
          "seed="
              + seed
              + ": search at "
              + snapshot
              + " found row "
              + hit.row()[0]
              + " the scan did not");
    }
    return new Observation(snapshot.timestamp(), counts);
  }

  private static Object[] row(int tag, int i) {
    return new Object[] {(long) tag * ROWS_PER_TAG + i, tag, vector(tag, i)};
  }

  private static float[] vector(int tag, int i) {
    return new float[] {tag, i};
  }
}
