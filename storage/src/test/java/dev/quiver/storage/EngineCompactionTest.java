package dev.quiver.storage;

import static dev.quiver.storage.SegmentTestSupport.assertRowsEqual;
import static dev.quiver.storage.SegmentTestSupport.rows;
import static dev.quiver.storage.SegmentTestSupport.segmentFolders;
import static dev.quiver.storage.SegmentTestSupport.sortedBy;
import static dev.quiver.storage.SegmentTestSupport.sortedByText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.catalog.store.CompactionMeta;
import dev.quiver.storage.file.FileLayer;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.RowScan;
import dev.quiver.storage.table.SearchHit;
import dev.quiver.storage.table.Segment;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.VectorSearch;
import dev.quiver.storage.table.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction (SPEC §6): MINOR merges small indexed segments, MAJOR leaves out rows deleted beyond
 * retention and keeps those a time-travel query may still need, FULL rewrites everything into
 * target-size segments ordered by {@code cluster_by}; readers keep the segments of their snapshot,
 * deletes that race a rewrite are carried over, and jobs are remembered and triggered by the
 * table's thresholds.
 */
class EngineCompactionTest {
  private static final int DIM = 8;
  private static final long MINUTE = 60_000;

  @TempDir Path dir;

  // The engine's clock: tests move it past the retention window instead of waiting.
  private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());

  private Engine open() {
    return Engine.open(dir, FileLayer.DEFAULT, clock::get);
  }

  private static TableDef table(Map<String, String> options) {
    return new TableDef(
        "t",
        List.of(
            ColumnDef.of("id", ColumnType.BIGINT, false),
            ColumnDef.of("cat", ColumnType.INTEGER, true),
            ColumnDef.vector("v", DIM, false)),
        0,
        Options.table(options));
  }

  private static IndexDef hnsw() {
    return new IndexDef(
        "t_v",
        "t",
        "v",
        IndexMethod.HNSW,
        Metric.L2,
        Options.index(IndexMethod.HNSW, Map.of("metric", "l2")));
  }

  private static Object[] row(long id, Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return new Object[] {id, random.nextInt(5), v};
  }

  /** {@code segments} indexed segments of {@code perSegment} rows each, ids from {@code first}. */
  private static void load(
      Engine engine, Map<Long, Object[]> model, Random random, long first, int segments, int per) {
    long id = first;
    for (int s = 0; s < segments; s++) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < per; i++) {
        Object[] row = row(id, random);
        batch.insert(row);
        model.put(id++, row);
      }
      engine.table("t").apply(batch);
      engine.checkpoint();
      // Indexed one by one, so that the indexer does not merge them itself.
      engine.awaitIndexed(60_000);
    }
  }

  private static void deleteEvery(Engine engine, Map<Long, Object[]> model, int nth) {
    WriteBatch deletes = new WriteBatch();
    for (Object[] row : new ArrayList<>(model.values())) {
      if ((Long) row[0] % nth == 0) {
        deletes.delete(row);
        model.remove((Long) row[0]);
      }
    }
    engine.table("t").apply(deletes);
  }

  private static CompactionMeta compactAndWait(Engine engine, CompactionType type) {
    CompactionMeta job = engine.compact("t", type);
    CompactionMeta done = engine.awaitCompaction(job.id(), 120_000);
    assertEquals("COMPLETED", done.state(), done.toString());
    return done;
  }

  private static List<Integer> sizes(Engine engine) {
    return engine.table("t").segments().stream().map(Segment::rowCount).toList();
  }

  private void assertSameContents(Engine engine, Map<Long, Object[]> model, String context) {
    assertRowsEqual(new ArrayList<>(model.values()), sortedBy(rows(engine, "t"), 0), context);
    Random random = new Random(11);
    for (int q = 0; q < 5; q++) {
      float[] query = (float[]) row(-1, random)[2];
      List<SearchHit> exact =
          engine
              .table("t")
              .search(
                  engine.snapshot(),
                  new VectorSearch(2, query, Metric.L2, 10, Predicate.ALWAYS, 0, 0));
      List<Long> expected = new ArrayList<>();
      model.values().stream()
          .sorted(
              (a, b) ->
                  Double.compare(
                      Metric.L2.distance(query, (float[]) a[2]),
                      Metric.L2.distance(query, (float[]) b[2])))
          .limit(10)
          .forEach(r -> expected.add((Long) r[0]));
      assertEquals(
          expected, exact.stream().map(h -> (Long) h.row()[0]).toList(), context + " top-10");
    }
  }

  @Test
  void minorMergesSmallIndexedSegmentsIntoOneWithTheSameRowsAndNearestNeighbours() {
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = open()) {
      engine.createTable(table(Map.of("segment_max_rows", "1000")), false);
      engine.createIndex(hnsw(), false);
      load(engine, model, new Random(1), 0, 4, 100);
      deleteEvery(engine, model, 7);
      assertEquals(List.of(100, 100, 100, 100), sizes(engine));

      CompactionMeta done = compactAndWait(engine, CompactionType.MINOR);

      assertEquals(List.of(400), sizes(engine), "deletes within retention are kept");
      assertEquals(1, done.plansTotal());
      assertEquals(1, done.plansDone());
      assertEquals(4, done.segmentsIn());
      assertEquals(1, done.segmentsOut());
      assertEquals(400, done.rowsIn());
      assertEquals(400, done.rowsOut());
      assertEquals("t_v", engine.table("t").segments().get(0).indexName(), "indexed before swap");
      assertSameContents(engine, model, "after MINOR");
    }
    try (Engine engine = open()) {
      assertEquals(List.of(400), sizes(engine));
      assertSameContents(engine, model, "after reopening");
      assertEquals(1, segmentFolders(dir).size(), "old folders are gone: " + segmentFolders(dir));
    }
  }

  @Test
  void majorKeepsRowsDeletedWithinRetentionAndDropsThemAfterIt() {
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = open()) {
      engine.createTable(table(Map.of("time_travel_retention_s", "120")), false);
      engine.createIndex(hnsw(), false);
      load(engine, model, new Random(2), 0, 2, 200);
      Snapshot beforeDeletes = engine.snapshot();
      List<Object[]> allRows = sortedBy(rows(engine, "t"), 0);
      clock.addAndGet(1000);
      deleteEvery(engine, model, 3);

      CompactionMeta early = compactAndWait(engine, CompactionType.MAJOR);
      assertEquals(0, early.plansTotal(), "nothing is beyond retention yet: " + early);
      assertRowsEqual(allRows, sortedBy(rows(engine, "t", beforeDeletes), 0), "time travel");

      clock.addAndGet(121_000);
      long before =
          engine.table("t").segments().stream().mapToLong(s -> s.reader().sizeBytes()).sum();
      CompactionMeta done = compactAndWait(engine, CompactionType.MAJOR);

      assertEquals(2, done.plansTotal(), done.toString());
      assertEquals(400, done.rowsIn());
      assertEquals(model.size(), done.rowsOut());
      assertEquals(List.of(133, 133), sizes(engine));
      long after =
          engine.table("t").segments().stream().mapToLong(s -> s.reader().sizeBytes()).sum();
      assertEquals(before - after, done.bytesReclaimed());
      assertTrue(done.bytesReclaimed() > 0, done.toString());
      assertSameContents(engine, model, "after MAJOR");
    }
    try (Engine engine = open()) {
      assertSameContents(engine, model, "after reopening");
      assertEquals(2, segmentFolders(dir).size(), segmentFolders(dir).toString());
    }
  }

  @Test
  void fullRewritesIntoTargetSizeSegmentsOrderedByClusterByAndSurvivesReopen() {
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = open()) {
      engine.createTable(
          table(
              Map.of(
                  "segment_max_rows", "250",
                  "cluster_by", "cat",
                  "time_travel_retention_s", "0")),
          false);
      engine.createIndex(hnsw(), false);
      load(engine, model, new Random(3), 0, 3, 200);
      clock.addAndGet(2 * MINUTE);
      deleteEvery(engine, model, 10);
      clock.addAndGet(2 * MINUTE);

      compactAndWait(engine, CompactionType.FULL);

      int live = model.size();
      List<Integer> expected = new ArrayList<>();
      for (int left = live; left > 0; left -= 250) {
        expected.add(Math.min(250, left));
      }
      assertEquals(expected, sizes(engine));
      List<Object[]> scanned = rows(engine, "t");
      for (int i = 1; i < scanned.size(); i++) {
        assertTrue(
            (Integer) scanned.get(i - 1)[1] <= (Integer) scanned.get(i)[1],
            "rows are ordered by cluster_by cat at " + i);
      }
      assertSameContents(engine, model, "after FULL");
      // Deletes on the clustered segments, whose row ids are out of order, persisted and reopened.
      deleteEvery(engine, model, 7);
      engine.checkpoint();
    }
    try (Engine engine = open()) {
      assertSameContents(engine, model, "after reopening");
      // Row ids continue after the largest, wherever the rewrite put it.
      Object[] added = row(10_000, new Random(4));
      engine.table("t").apply(new WriteBatch().insert(added));
      model.put(10_000L, added);
      assertSameContents(engine, model, "after an insert");
    }
  }

  @Test
  void aQueryReadingTheOldSegmentsKeepsThemUntilItLetsGo() throws InterruptedException {
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = open()) {
      engine.createTable(table(Map.of()), false);
      engine.createIndex(hnsw(), false);
      load(engine, model, new Random(5), 0, 2, 100);
      List<String> oldFolders =
          engine.table("t").segments().stream().map(s -> "seg-" + s.id()).toList();
      Snapshot snapshot = engine.snapshot();
      RowScan scan = engine.table("t").scan(snapshot, Predicate.ALWAYS);
      List<Object[]> read = new ArrayList<>();
      read.add(scan.next());

      compactAndWait(engine, CompactionType.FULL);

      assertEquals(1, engine.table("t").segments().size());
      assertEquals(2, engine.retiredCount(), "the scan pins both old segments");
      assertTrue(segmentFolders(dir).containsAll(oldFolders), segmentFolders(dir).toString());
      scan.forEachRemaining(read::add);
      assertRowsEqual(new ArrayList<>(model.values()), sortedBy(read, 0), "the pinned scan");
      SegmentTestSupport.awaitTrue(
          10_000, () -> engine.retiredCount() == 0, () -> "retired " + engine.retiredCount());
      assertFalse(
          segmentFolders(dir).stream().anyMatch(oldFolders::contains),
          "old folders go with the last reader: " + segmentFolders(dir));
      assertRowsEqual(
          new ArrayList<>(model.values()), sortedBy(rows(engine, "t", snapshot), 0), "snapshot");
    }
  }

  @Test
  void aDeleteLandingWhileTheRewriteIsWrittenIsCarriedOverAndSurvivesACrash() throws Exception {
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = open()) {
      engine.createTable(table(Map.of()), false);
      engine.createIndex(hnsw(), false);
      load(engine, model, new Random(6), 0, 3, 100);
      List<Object[]> victims = List.of(model.get(5L), model.get(150L), model.get(299L));
      engine.beforeSwap =
          () -> {
            engine.beforeSwap = () -> {};
            WriteBatch late = new WriteBatch();
            victims.forEach(late::delete);
            engine.table("t").apply(late);
          };
      victims.forEach(v -> model.remove((Long) v[0]));

      compactAndWait(engine, CompactionType.FULL);

      assertEquals(List.of(300), sizes(engine));
      assertSameContents(engine, model, "after FULL");
      // No checkpoint: the deletes live in the log and on the rewrite only.
    }
    try (Engine engine = open()) {
      assertSameContents(engine, model, "after reopening without a checkpoint");
      engine.checkpoint();
    }
    try (Engine engine = open()) {
      assertSameContents(engine, model, "after a checkpoint and reopening");
    }
  }

  @Test
  void jobsAreRememberedAcrossReopenAndShowTheirCounts() {
    Map<Long, Object[]> model = new TreeMap<>();
    long id;
    try (Engine engine = open()) {
      engine.createTable(table(Map.of()), false);
      engine.createIndex(hnsw(), false);
      load(engine, model, new Random(7), 0, 3, 50);
      id = compactAndWait(engine, CompactionType.MINOR).id();
    }
    try (Engine engine = open()) {
      CompactionMeta job =
          engine.compactions().stream().filter(j -> j.id() == id).findFirst().orElseThrow();
      assertEquals("COMPLETED", job.state());
      assertEquals("MINOR", job.type());
      assertEquals("manual", job.reason());
      assertEquals(3, job.segmentsIn());
      assertTrue(job.finishedAtMillis() >= job.startedAtMillis() && job.startedAtMillis() > 0);
      CompactionMeta next = engine.compact("t", CompactionType.MAJOR);
      assertTrue(next.id() > id, "ids go on ascending after a reopen");
      engine.awaitCompaction(next.id(), 60_000);
    }
  }

  @Test
  void theSchedulerTriggersMinorAndMajorByTheTableThresholdsUnlessAutoCompactionIsOff() {
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = open()) {
      engine.createTable(
          table(
              Map.of(
                  "segment_max_rows", "1000",
                  "compaction_min_segments", "2",
                  "time_travel_retention_s", "0")),
          false);
      engine.createIndex(hnsw(), false);
      load(engine, model, new Random(8), 0, 3, 20);

      engine.scheduleCompactions();
      CompactionMeta minor = engine.compactions().get(engine.compactions().size() - 1);
      assertEquals("MINOR", minor.type());
      assertTrue(minor.reason().contains("compaction_min_segments (2)"), minor.reason());
      engine.awaitCompaction(minor.id(), 60_000);
      assertEquals(List.of(60), sizes(engine));

      deleteEvery(engine, model, 2);
      clock.addAndGet(2 * MINUTE);
      engine.scheduleCompactions();
      CompactionMeta major = engine.compactions().get(engine.compactions().size() - 1);
      assertEquals("MAJOR", major.type(), engine.compactions().toString());
      assertTrue(major.reason().contains("deleted_ratio_threshold"), major.reason());
      assertEquals("COMPLETED", engine.awaitCompaction(major.id(), 60_000).state());
      assertEquals(List.of(30), sizes(engine));
      assertSameContents(engine, model, "after automatic compactions");

      int jobs = engine.compactions().size();
      engine.scheduleCompactions();
      assertEquals(jobs, engine.compactions().size(), "nothing left to trigger");
    }
  }

  @Test
  void autoCompactionFalseKeepsTheSchedulerAway() {
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = open()) {
      engine.createTable(
          table(Map.of("compaction_min_segments", "2", "auto_compaction", "false")), false);
      engine.createIndex(hnsw(), false);
      load(engine, model, new Random(9), 0, 3, 20);
      engine.scheduleCompactions();
      assertEquals(List.of(), engine.compactions());
      assertEquals(3, engine.table("t").segments().size());
    }
  }

  @Test
  void jobsTheClosingDatabaseDoesNotFinishAreCancelledNotLeftRunning() {
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = open()) {
      engine.createTable(table(Map.of()), false);
      engine.createIndex(hnsw(), false);
      load(engine, model, new Random(10), 0, 2, 200);
      for (int i = 0; i < 5; i++) {
        engine.compact("t", CompactionType.FULL);
      }
    }
    try (Engine engine = open()) {
      List<CompactionMeta> jobs = engine.compactions();
      assertEquals(5, jobs.size());
      for (CompactionMeta job : jobs) {
        assertTrue(
            job.state().equals("COMPLETED") || job.state().equals("CANCELLED"), job.toString());
      }
      assertTrue(
          jobs.stream().anyMatch(j -> j.state().equals("CANCELLED")),
          "five FULL rewrites do not finish in the time a close takes: " + jobs);
      assertSameContents(engine, model, "after reopening");
    }
  }

  @Test
  void compactingAnUnknownTableNamesIt() {
    try (Engine engine = open()) {
      QuiverException e =
          assertThrows(QuiverException.class, () -> engine.compact("nope", CompactionType.FULL));
      assertEquals(ErrorCode.TABLE_NOT_FOUND, e.code());
      assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
  }

  @Test
  void aTableWithoutKeyOrIndexCompactsToo() {
    try (Engine engine = open()) {
      engine.createTable(
          new TableDef(
              "t",
              List.of(ColumnDef.of("x", ColumnType.INTEGER, true)),
              -1,
              Options.table(Map.of())),
          false);
      List<Object[]> expected = new ArrayList<>();
      for (int s = 0; s < 3; s++) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 10; i++) {
          Object[] r = {s * 10 + i};
          batch.insert(r);
          expected.add(r);
        }
        engine.table("t").apply(batch);
        engine.checkpoint();
      }
      compactAndWait(engine, CompactionType.MINOR);
      assertEquals(List.of(30), sizes(engine));
      assertRowsEqual(sortedByText(expected), sortedByText(rows(engine, "t")), "no key");
    }
  }
}
