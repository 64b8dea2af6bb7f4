package dev.quiver.storage;

import static dev.quiver.storage.SegmentTestSupport.awaitTrue;
import static dev.quiver.storage.SegmentTestSupport.count;
import static dev.quiver.storage.SegmentTestSupport.growing;
import static dev.quiver.storage.SegmentTestSupport.rows;
import static dev.quiver.storage.SegmentTestSupport.segmentFolders;
import static dev.quiver.storage.SegmentTestSupport.segmentIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints that run by themselves: when a table's growing rows reach {@code segment_max_rows} or
 * {@code segment_max_bytes}, and after {@code segment_idle_seal_s} without writes. Waits poll with
 * a generous deadline; nothing asserts how long sealing takes.
 */
class EngineSegmentTriggersTest {
  @TempDir Path dir;

  private static final long DEADLINE_MILLIS = 30_000;

  private static TableDef table(String name, Map<String, ?> options) {
    return new TableDef(
        name,
        List.of(
            ColumnDef.of("id", ColumnType.BIGINT, false),
            ColumnDef.of("body", ColumnType.VARCHAR, true)),
        0,
        Options.table(options));
  }

  private static Object[] row(long id) {
    return new Object[] {id, "body " + id};
  }

  private static List<Long> ids(Engine engine, String table) {
    List<Long> ids = new ArrayList<>();
    rows(engine, table).forEach(r -> ids.add((Long) r[0]));
    ids.sort(null);
    return ids;
  }

  private static List<Long> range(long n) {
    List<Long> result = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      result.add(i);
    }
    return result;
  }

  @Test
  void growingRowsReachingSegmentMaxRowsAreSealedWithoutExplicitCheckpoint() throws Exception {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(table("small", Map.of("segment_max_rows", 100)), false);
      engine.createTable(table("other", Map.of()), false);
      Table small = engine.table("small");
      for (long id = 0; id < 1000; id++) {
        small.apply(new WriteBatch().insert(row(id)));
      }
      engine.table("other").apply(new WriteBatch().insert(row(1)));
      awaitTrue(
          DEADLINE_MILLIS,
          () -> segmentIds(engine, "small").size() >= 2,
          () -> "segments of table small appear: " + engine.segmentStatus());
      // Whatever the background checkpoints have done so far, no row is missing or doubled.
      assertEquals(range(1000), ids(engine, "small"));
      awaitTrue(
          DEADLINE_MILLIS,
          () -> growing(engine, "small").rowCount() < 100,
          () -> "the growing rows of small fall below segment_max_rows: " + engine.segmentStatus());
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(range(1000), ids(engine, "small"));
      assertEquals(1, count(engine, "other"));
      assertTrue(segmentIds(engine, "small").size() >= 2, engine.segmentStatus().toString());
      long sealed =
          engine.segmentStatus().stream()
              .filter(s -> s.table().equals("small") && s.segmentId() != null)
              .mapToLong(SegmentStatus::rowCount)
              .sum();
      assertEquals(
          1000, sealed + growing(engine, "small").rowCount(), engine.segmentStatus().toString());
    }
  }

  @Test
  void growingRowsReachingSegmentMaxBytesAreSealedWithoutExplicitCheckpoint() throws Exception {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(table("wide", Map.of("segment_max_bytes", 1 << 16)), false);
      String body = "x".repeat(2000);
      for (long id = 0; id < 60; id++) {
        engine.table("wide").apply(new WriteBatch().insert(new Object[] {id, body}));
      }
      awaitTrue(
          DEADLINE_MILLIS,
          () -> !segmentIds(engine, "wide").isEmpty(),
          () -> "a segment of table wide appears: " + engine.segmentStatus());
      assertEquals(range(60), ids(engine, "wide"));
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(range(60), ids(engine, "wide"));
    }
  }

  @Test
  void idleGrowingRowsAreSealedAfterSegmentIdleSealSeconds() throws Exception {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(table("idle", Map.of("segment_idle_seal_s", 1)), false);
      WriteBatch batch = new WriteBatch();
      for (long id = 0; id < 10; id++) {
        batch.insert(row(id));
      }
      engine.table("idle").apply(batch);
      awaitTrue(
          DEADLINE_MILLIS,
          () -> segmentIds(engine, "idle").size() == 1 && growing(engine, "idle").rowCount() == 0,
          () -> "the idle rows are sealed: " + engine.segmentStatus());
      assertEquals(1, segmentFolders(dir).size());
      assertEquals(range(10), ids(engine, "idle"));
      assertEquals(engine.snapshot().timestamp(), engine.checkpointTimestamp());
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(0, growing(engine, "idle").rowCount(), "nothing left to replay");
      assertEquals(range(10), ids(engine, "idle"));
    }
  }
}
