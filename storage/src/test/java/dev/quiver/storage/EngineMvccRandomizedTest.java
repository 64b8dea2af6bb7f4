package dev.quiver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.SearchHit;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.VectorSearch;
import dev.quiver.storage.table.WriteBatch;
import dev.quiver.storage.table.WriteResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every read is one MVCC snapshot: writers insert and replace rows and a deleter deletes them while
 * checkpoints seal and flush the growing rows, compactions swap segments, and the indexer merges
 * and rewrites segments (small {@code segment_max_rows}); readers take snapshots (acknowledged,
 * STRONG, EVENTUALLY, and old ones read again later) and record what a full scan and an exact top-k
 * search return. Afterwards each read is checked against an oracle: the acknowledged history up to
 * the snapshot's timestamp.
 */
class EngineMvccRandomizedTest {
  private static final int DIM = 4;
  private static final int WRITERS = 2;
  private static final int READERS = 2;
  private static final int READS_PER_READER = 60;
  private static final int CHECKPOINTS = 5;

  @TempDir Path dir;

  /** An acknowledged change of one row: a new version ({@code vector}), or a delete (null). */
  private record Change(long timestamp, long id, float[] vector) {}

  /** What one read returned at a snapshot. */
  private record Read(
      long timestamp, Map<Long, float[]> scanned, float[] query, int k, List<SearchHit> found) {}

  @Test
  void everyReadEqualsTheAcknowledgedHistoryAtItsSnapshot() throws Exception {
    long seed = System.nanoTime();
    System.out.println("EngineMvccRandomizedTest seed=" + seed);
    ConcurrentLinkedQueue<Change> history = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
    Map<Long, float[]> latest = new ConcurrentHashMap<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    Set<Long> segmentsSeen = ConcurrentHashMap.newKeySet();
    AtomicInteger checkpoints = new AtomicInteger();
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(
          new TableDef(
              "t",
              List.of(
                  ColumnDef.of("id", ColumnType.BIGINT, false), ColumnDef.vector("v", DIM, false)),
              0,
              Options.table(Map.of("segment_max_rows", "150"))),
          false);
      // The index makes the indexer write every sealed segment again, merged, and swap it in.
      engine.createIndex(
          new IndexDef(
              "t_v",
              "t",
              "v",
              IndexMethod.HNSW,
              Metric.L2,
              Options.index(IndexMethod.HNSW, Map.of("metric", "l2", "m", "4"))),
          false);
      Table table = engine.table("t");
      ExecutorService threads = Executors.newFixedThreadPool(WRITERS + READERS + 2);
      CountDownLatch readersDone = new CountDownLatch(READERS);
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        Random random = new Random(seed + w);
        long firstId = (w + 1) * 1_000_000L;
        tasks.add(
            threads.submit(
                () -> {
                  long next = firstId;
                  while (writing.get()) {
                    WriteBatch batch = new WriteBatch();
                    Map<Long, float[]> versions = new HashMap<>();
                    for (int i = 1 + random.nextInt(4); i > 0; i--) {
                      long id =
                          next > firstId && random.nextInt(4) == 0
                              ? firstId + random.nextInt((int) (next - firstId))
                              : next++;
                      float[] v = vector(random);
                      if (versions.putIfAbsent(id, v) == null) {
                        batch.upsert(new Object[] {id, v});
                      }
                    }
                    // Not waiting for the disk: acknowledged all the same, and the test is
                    // about visibility, not durability.
                    long ts = table.apply(batch, false).timestamp();
                    versions.forEach(
                        (id, v) -> {
                          history.add(new Change(ts, id, v));
                          latest.put(id, v);
                        });
                    // A steady stream rather than a burst, so that reads interleave with it.
                    Thread.sleep(1);
                  }
                  return null;
                }));
      }
      Random deleterRandom = new Random(seed + 100);
      tasks.add(
          threads.submit(
              () -> {
                while (writing.get()) {
                  List<Long> ids = new ArrayList<>(latest.keySet());
                  if (ids.isEmpty()) {
                    Thread.onSpinWait();
                    continue;
                  }
                  long id = ids.get(deleterRandom.nextInt(ids.size()));
                  float[] v = latest.get(id);
                  try {
                    WriteResult result =
                        table.apply(new WriteBatch().delete(new Object[] {id, v}), false);
                    if (result.deleted() == 1) {
                      history.add(new Change(result.timestamp(), id, null));
                      latest.remove(id, v);
                    }
                    Thread.sleep(1);
                  } catch (QuiverException e) {
                    // A writer replaced the row since it was read: the delete was refused.
                    assertEquals(ErrorCode.SERIALIZATION_FAILURE, e.code(), e.getMessage());
                  }
                }
                return null;
              }));
      tasks.add(
          threads.submit(
              () -> {
                CompactionType[] types = {
                  CompactionType.FULL, CompactionType.MINOR, CompactionType.MAJOR
                };
                while (writing.get()) {
                  engine.checkpoint();
                  int n = checkpoints.incrementAndGet();
                  // Compactions swap segments under the readers too, FULL, MINOR and MAJOR in
                  // turn; they queue behind the indexer's merges on its thread.
                  engine.compact("t", types[n % types.length]);
                  Thread.sleep(20);
                }
                return null;
              }));
      for (int r = 0; r < READERS; r++) {
        Random random = new Random(seed + 200 + r);
        tasks.add(
            threads.submit(
                () -> {
                  List<Snapshot> held = new ArrayList<>();
                  for (int n = 0; n < READS_PER_READER || checkpoints.get() < CHECKPOINTS; n++) {
                    Snapshot snapshot =
                        switch (random.nextInt(4)) {
                          case 0 -> engine.snapshot();
                          case 1 ->
                              engine.awaitSnapshot(
                                  engine.guarantee(ConsistencyLevel.STRONG, 0, 0),
                                  60_000,
                                  null,
                                  "STRONG");
                          case 2 -> engine.awaitSnapshot(0, 0, null, "EVENTUALLY");
                          default ->
                              held.isEmpty()
                                  ? engine.snapshot()
                                  : held.get(random.nextInt(held.size()));
                        };
                    if (held.size() < 8) {
                      held.add(snapshot);
                    }
                    table.segments().forEach(s -> segmentsSeen.add(s.id()));
                    reads.add(read(table, snapshot, random));
                    // Leave the cores to the writers, checkpoints and the indexer too.
                    Thread.sleep(10);
                  }
                  readersDone.countDown();
                  return null;
                }));
      }
      readersDone.await();
      writing.set(false);
      threads.shutdown();
      for (Future<?> task : tasks) {
        task.get();
      }
      engine.awaitIndexed(60_000);
      reads.add(read(table, engine.snapshot(), new Random(seed)));
    }
    System.out.println(
        "EngineMvccRandomizedTest: "
            + history.size()
            + " changes, "
            + reads.size()
            + " reads, "
            + segmentsSeen.size()
            + " segments seen by readers, "
            + checkpoints.get()
            + " checkpoints");
    check(new ArrayList<>(history), new ArrayList<>(reads), seed);
  }

  private static float[] vector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = random.nextFloat();
    }
    return v;
  }

  private static Read read(Table table, Snapshot snapshot, Random random) {
    Map<Long, float[]> scanned = new HashMap<>();
    table
        .scan(snapshot, Predicate.ALWAYS)
        .forEachRemaining(
            row -> {
              if (scanned.put((Long) row[0], (float[]) row[1]) != null) {
                fail("row " + row[0] + " scanned twice at " + snapshot.timestamp());
              }
            });
    float[] query = vector(random);
    int k = 1 + random.nextInt(20);
    List<SearchHit> found =
        table.search(snapshot, new VectorSearch(1, query, Metric.L2, k, Predicate.ALWAYS));
    return new Read(snapshot.timestamp(), scanned, query, k, found);
  }

  /** Replays the history in timestamp order and checks each read at its snapshot's timestamp. */
  private static void check(List<Change> history, List<Read> reads, long seed) {
    history.sort(Comparator.comparingLong(Change::timestamp));
    reads.sort(Comparator.comparingLong(Read::timestamp));
    Map<Long, float[]> state = new TreeMap<>();
    int applied = 0;
    for (Read read : reads) {
      while (applied < history.size() && history.get(applied).timestamp() <= read.timestamp()) {
        Change change = history.get(applied++);
        if (change.vector() == null) {
          state.remove(change.id());
        } else {
          state.put(change.id(), change.vector());
        }
      }
      String context = "seed=" + seed + " snapshot=" + read.timestamp();
      assertEquals(state.keySet(), new TreeSet<>(read.scanned().keySet()), context);
      state.forEach(
          (id, v) ->
              assertTrue(
                  Arrays.equals(v, read.scanned().get(id)), context + ": version of row " + id));
      List<Double> expected =
          state.values().stream()
              .map(v -> Metric.L2.distance(read.query(), v))
              .sorted()
              .limit(read.k())
              .toList();
      assertEquals(expected.size(), read.found().size(), context + ": hits");
      for (int i = 0; i < expected.size(); i++) {
        SearchHit hit = read.found().get(i);
        float[] version = state.get((Long) hit.row()[0]);
        assertTrue(
            version != null && Arrays.equals(version, (float[]) hit.row()[1]),
            context + ": hit " + hit.row()[0] + " is not a row of the snapshot");
        assertEquals(expected.get(i), hit.distance(), 1e-9, context + ": hit " + i);
      }
    }
    assertTrue(reads.size() > 10, "readers read " + reads.size() + " times");
  }
}
