package dev.quiver.storage;

import static dev.quiver.storage.SegmentTestSupport.assertRowsEqual;
import static dev.quiver.storage.SegmentTestSupport.rows;
import static dev.quiver.storage.SegmentTestSupport.segmentIds;
import static dev.quiver.storage.SegmentTestSupport.sortedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index builder merges segments that wait for their vector index into one indexed segment while
 * they fit in {@code segment_max_rows}: rows, deletes (also those racing the merge), old snapshots
 * and searches come through it unchanged, and so does a reopen.
 */
class EngineIndexMergeTest {
  private static final int DIM = 8;

  @TempDir Path dir;

  private static TableDef table(Map<String, String> options) {
    return new TableDef(
        "t",
        List.of(ColumnDef.of("id", ColumnType.BIGINT, false), ColumnDef.vector("v", DIM, false)),
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

  private static float[] vector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** Three checkpoints of {@code perSegment} rows each, every fifth row of each then deleted. */
  private static void loadThreeSegments(
      Engine engine, Map<Long, Object[]> model, Random random, int perSegment) {
    Table t = engine.table("t");
    long id = 0;
    for (int part = 0; part < 3; part++) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < perSegment; i++) {
        Object[] row = {id, vector(random)};
        batch.insert(row);
        model.put(id++, row);
      }
      t.apply(batch);
      engine.checkpoint();
      WriteBatch deletes = new WriteBatch();
      for (long d = part * (long) perSegment; d < id; d += 5) {
        Object[] row = model.remove(d);
        if (row != null) {
          deletes.delete(row);
        }
      }
      t.apply(deletes);
    }
  }

  @Test
  void unindexedSegmentsMergeIntoOneIndexedSegmentWithTheirRowsDeletesAndOldSnapshots() {
    Map<Long, Object[]> model = new TreeMap<>();
    Random random = new Random(7);
    List<Object[]> before;
    Snapshot old;
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(table(Map.of()), false);
      loadThreeSegments(engine, model, random, 100);
      engine.checkpoint();
      assertEquals(3, segmentIds(engine, "t").size(), engine.segmentStatus().toString());
      old = engine.snapshot();
      before = sortedBy(rows(engine, "t", old), 0);
      // A delete after the snapshot: the old snapshot must still see the row after the merge.
      Object[] late = model.remove(1L);
      engine.table("t").apply(new WriteBatch().delete(late));

      engine.createIndex(hnsw(), false);
      engine.awaitIndexed(60_000);

      List<Long> ids = segmentIds(engine, "t");
      assertEquals(1, ids.size(), engine.segmentStatus().toString());
      assertEquals(300, engine.table("t").segments().get(0).rowCount());
      assertRowsEqual(before, sortedBy(rows(engine, "t", old), 0), "snapshot before the merge");
      assertRowsEqual(
          new ArrayList<>(model.values()), sortedBy(rows(engine, "t"), 0), "after the merge");
      assertSearchFindsEveryLiveRow(engine, model);
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(1, segmentIds(engine, "t").size(), engine.segmentStatus().toString());
      assertRowsEqual(
          new ArrayList<>(model.values()), sortedBy(rows(engine, "t"), 0), "after reopening");
      assertSearchFindsEveryLiveRow(engine, model);
    }
  }

  @Test
  void aMergeStopsAtSegmentMaxRows() {
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(table(Map.of("segment_max_rows", "250")), false);
      loadThreeSegments(engine, model, new Random(3), 100);
      engine.createIndex(hnsw(), false);
      engine.awaitIndexed(60_000);
      List<Integer> sizes =
          engine.table("t").segments().stream().map(s -> s.rowCount()).sorted().toList();
      assertEquals(List.of(100, 200), sizes, engine.segmentStatus().toString());
      assertRowsEqual(
          new ArrayList<>(model.values()), sortedBy(rows(engine, "t"), 0), "after the merges");
    }
  }

  @Test
  void deletesRacingTheMergeAreNeitherLostNorResurrected() throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    System.out.println("deletesRacingTheMergeAreNeitherLostNorResurrected seed=" + seed);
    Random random = new Random(seed);
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(table(Map.of()), false);
      loadThreeSegments(engine, model, random, 2000);
      List<Object[]> victims = new ArrayList<>(model.values());
      java.util.Collections.shuffle(victims, random);
      List<Object[]> doomed = victims.subList(0, victims.size() / 3);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread deleter =
          new Thread(
              () -> {
                try {
                  for (Object[] row : doomed) {
                    engine.table("t").apply(new WriteBatch().delete(row));
                  }
                } catch (Throwable e) {
                  failure.set(e);
                }
              });
      engine.createIndex(hnsw(), false);
      deleter.start();
      engine.awaitIndexed(120_000);
      deleter.join();
      if (failure.get() != null) {
        throw new AssertionError("deleter failed, seed=" + seed, failure.get());
      }
      doomed.forEach(row -> model.remove((Long) row[0]));
      engine.checkpoint();
      assertRowsEqual(
          new ArrayList<>(model.values()),
          sortedBy(rows(engine, "t"), 0),
          "after the merge, seed=" + seed);
    }
    try (Engine engine = Engine.open(dir)) {
      assertRowsEqual(
          new ArrayList<>(model.values()),
          sortedBy(rows(engine, "t"), 0),
          "after reopening, seed=" + seed);
    }
  }

  /** A search with k at least the row count returns every live row exactly once. */
  private static void assertSearchFindsEveryLiveRow(Engine engine, Map<Long, Object[]> model) {
    List<SearchHit> hits =
        engine
            .table("t")
            .search(
                engine.snapshot(),
                new VectorSearch(1, new float[DIM], Metric.L2, 10_000, Predicate.ALWAYS));
    List<Long> found = hits.stream().map(h -> (Long) h.row()[0]).sorted().toList();
    assertEquals(List.copyOf(model.keySet()), found);
    assertTrue(engine.table("t").segments().stream().allMatch(s -> s.reader().hasGraph(1)));
  }
}
