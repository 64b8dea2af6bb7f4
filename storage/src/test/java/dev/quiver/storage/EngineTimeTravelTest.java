package dev.quiver.storage;

import static dev.quiver.storage.SegmentTestSupport.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.SearchHit;
import dev.quiver.storage.table.Segment;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Timeline;
import dev.quiver.storage.table.VectorSearch;
import dev.quiver.storage.table.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FOR SYSTEM_TIME AS OF} in a file database: the rows deleted or replaced since an instant
 * stay readable at it through a checkpoint (which truncates the log and writes them into a segment
 * with their delete times), an index rebuild (which writes that segment again) and a reopen.
 */
class EngineTimeTravelTest {
  @TempDir Path dir;

  private static TableDef table() {
    return new TableDef(
        "t",
        List.of(ColumnDef.of("id", ColumnType.BIGINT, false), ColumnDef.vector("v", 2, false)),
        0,
        Options.table(Map.of("time_travel_retention_s", "3600")));
  }

  private static Object[] row(long id, float x) {
    return new Object[] {id, new float[] {x, 1}};
  }

  /** The rows at a snapshot as "id:x", by id, read by a scan; a top-k search must agree. */
  private static List<String> contents(Engine engine, Snapshot snapshot) {
    List<String> scanned = new ArrayList<>();
    for (Object[] r : rows(engine, "t", snapshot)) {
      scanned.add(r[0] + ":" + ((float[]) r[1])[0]);
    }
    scanned.sort(null);
    List<String> found = new ArrayList<>();
    for (SearchHit hit :
        engine
            .table("t")
            .search(
                snapshot,
                new VectorSearch(1, new float[] {0, 1}, Metric.L2, 1000, Predicate.ALWAYS))) {
      found.add(hit.row()[0] + ":" + ((float[]) hit.row()[1])[0]);
    }
    found.sort(null);
    assertEquals(scanned, found, "scan and search disagree");
    return scanned;
  }

  private static List<String> expected(long from, long to, float x) {
    List<String> rows = new ArrayList<>();
    for (long id = from; id <= to; id++) {
      rows.add(id + ":" + (id == 11 ? x : (float) id));
    }
    rows.sort(null);
    return rows;
  }

  @Test
  void asOfKeepsDeletedRowsThroughCheckpointIndexRebuildAndReopen() {
    long instant;
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(table(), false);
      WriteBatch load = new WriteBatch();
      for (long id = 1; id <= 20; id++) {
        load.insert(row(id, id));
      }
      instant = Timeline.millis(engine.table("t").apply(load).timestamp());
      // The changes below must fall in a later millisecond than the instant read.
      while (System.currentTimeMillis() <= instant) {
        Thread.onSpinWait();
      }
      WriteBatch change = new WriteBatch().upsert(row(11, 111));
      for (long id = 1; id <= 10; id++) {
        change.delete(row(id, id));
      }
      engine.table("t").apply(change);

      List<String> then = expected(1, 20, 11);
      List<String> now = expected(11, 20, 111);
      assertEquals(then, contents(engine, engine.snapshotAsOf("t", instant, 10_000, null)));
      assertEquals(now, contents(engine, engine.snapshot()));

      engine.checkpoint();
      assertEquals(then, contents(engine, engine.snapshotAsOf("t", instant, 10_000, null)));
      List<Long> flushed = engine.table("t").segments().stream().map(Segment::id).toList();

      engine.createIndex(
          new IndexDef(
              "t_v",
              "t",
              "v",
              IndexMethod.HNSW,
              Metric.L2,
              Options.index(IndexMethod.HNSW, Map.of("metric", "l2"))),
          false);
      engine.awaitIndexed(60_000);
      assertNotEquals(
          flushed, engine.table("t").segments().stream().map(Segment::id).toList(), "rebuilt");
      assertEquals(then, contents(engine, engine.snapshotAsOf("t", instant, 10_000, null)));
      assertEquals(now, contents(engine, engine.snapshot()));
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(
          expected(1, 20, 11), contents(engine, engine.snapshotAsOf("t", instant, 10_000, null)));
      assertEquals(expected(11, 20, 111), contents(engine, engine.snapshot()));
      assertEquals(
          "[]",
          Arrays.toString(
              contents(engine, engine.snapshotAsOf("t", instant - 1, 10_000, null)).toArray()));
    }
  }
}
