package dev.quiver.storage;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static dev.quiver.storage.SegmentTestSupport.awaitTrue;
import static dev.quiver.storage.SegmentTestSupport.count;
import static dev.quiver.storage.SegmentTestSupport.segmentIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.file.FaultInjectingFileLayer;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.Timeline;
import dev.quiver.storage.table.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of {@link Engine#alterTable}: options set and reset as one logged catalog change, refused
 * whole when any part is wrong, and kept by checkpoints and by log replay after a crash.
 */
class EngineAlterTableTest {
  @TempDir Path dir;

  private static TableDef docs(Map<String, ?> options) {
    return new TableDef(
        "docs",
        List.of(
            ColumnDef.of("id", ColumnType.BIGINT, false),
            ColumnDef.of("title", ColumnType.VARCHAR, true),
            ColumnDef.vector("embedding", 2, true)),
        0,
        Options.table(options));
  }

  private static Object[] row(long id) {
    return new Object[] {id, "t" + id, new float[] {id, 1}};
  }

  private static Map<String, String> options(Engine engine) {
    return engine.table("docs").def().options();
  }

  @Test
  void setChangesTheNamedOptionsAndKeepsTheOthers() {
    try (Engine engine = Engine.inMemory()) {
      engine.createTable(docs(Map.of("segment_max_rows", 500)), false);

      assertTrue(
          engine.alterTable(
              "docs",
              Map.of(
                  "AUTO_COMPACTION", false, "deleted_ratio_threshold", "0.5", "cluster_by", "id"),
              Set.of(),
              false));

      Map<String, String> options = options(engine);
      assertEquals("false", options.get("auto_compaction"));
      assertEquals("0.5", options.get("deleted_ratio_threshold"));
      assertEquals("id", options.get("cluster_by"));
      assertEquals("500", options.get("segment_max_rows"));
      assertEquals("10", options.get("compaction_min_segments"));
    }
  }

  @Test
  void resetReturnsOptionsToTheirDefaults() {
    try (Engine engine = Engine.inMemory()) {
      engine.createTable(
          docs(Map.of("segment_max_rows", 500, "cluster_by", "title", "auto_compaction", false)),
          false);

      engine.alterTable("docs", Map.of(), Set.of("segment_max_rows", "Cluster_By"), false);

      Map<String, String> options = options(engine);
      assertEquals("100000", options.get("segment_max_rows"));
      assertFalse(options.containsKey("cluster_by"));
      assertEquals("false", options.get("auto_compaction"));
      assertEquals(100_000, engine.table("docs").maxRows());
    }
  }

  @Test
  void newSegmentSizeLimitsApplyToTheTableAtOnce() {
    try (Engine engine = Engine.inMemory()) {
      engine.createTable(docs(Map.of()), false);
      Table table = engine.table("docs");

      engine.alterTable(
          "docs", Map.of("segment_max_rows", 20, "segment_max_bytes", 1 << 20), Set.of(), false);

      assertEquals(20, table.maxRows());
      assertEquals(1 << 20, table.maxBytes());
      assertEquals(table, engine.table("docs"), "the table and its rows stay; only options change");
    }
  }

  @Test
  void loweringSegmentMaxRowsSealsTheGrowingRowsAlreadyOverIt() throws Exception {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs(Map.of()), false);
      WriteBatch batch = new WriteBatch();
      for (long id = 0; id < 50; id++) {
        batch.insert(row(id));
      }
      engine.table("docs").apply(batch);
      assertEquals(List.of(), segmentIds(engine, "docs"));

      engine.alterTable("docs", Map.of("segment_max_rows", 10), Set.of(), false);

      awaitTrue(
          30_000,
          () -> !segmentIds(engine, "docs").isEmpty(),
          () -> "a segment of docs appears: " + engine.segmentStatus());
      assertEquals(50, count(engine, "docs"));
    }
  }

  @Test
  void alteredOptionsSurviveACheckpointAndReopen() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs(Map.of()), false);
      engine.table("docs").apply(new WriteBatch().insert(row(1)));
      engine.alterTable(
          "docs", Map.of("consistency_level", "STRONG", "segment_max_rows", 7), Set.of(), false);
      engine.checkpoint();
    }
    try (Engine reopened = Engine.open(dir)) {
      assertEquals("strong", options(reopened).get("consistency_level"));
      assertEquals("7", options(reopened).get("segment_max_rows"));
      assertEquals(7, reopened.table("docs").maxRows());
      assertEquals(1, count(reopened, "docs"));
    }
  }

  @Test
  void acknowledgedAlterationsSurviveAPowerLossBeforeAnyCheckpoint() throws Exception {
    long seed = Long.getLong("tests.seed", System.nanoTime());
    FaultInjectingFileLayer layer = new FaultInjectingFileLayer();
    Map<String, String> expected;
    Engine engine = Engine.open(dir, layer);
    try {
      engine.createTable(docs(Map.of("auto_compaction", false)), false);
      engine.checkpoint();
      engine.table("docs").apply(new WriteBatch().insert(row(1)));
      engine.alterTable(
          "docs", Map.of("deleted_ratio_threshold", 0.4, "cluster_by", "title"), Set.of(), false);
      engine.alterTable("docs", Map.of("segment_max_rows", 3), Set.of("auto_compaction"), false);
      engine.table("docs").apply(new WriteBatch().insert(row(2)));
      expected = options(engine);
      layer.crash(new Random(seed));
    } finally {
      try {
        engine.close();
      } catch (QuiverException expectedAfterPowerLoss) {
        // The log's channel died with the power; the folder is released all the same.
      }
    }
    try (Engine reopened = Engine.open(dir, layer)) {
      assertEquals(expected, options(reopened), "seed=" + seed);
      assertEquals("true", options(reopened).get("auto_compaction"), "seed=" + seed);
      assertEquals("title", options(reopened).get("cluster_by"), "seed=" + seed);
      assertEquals(3, reopened.table("docs").maxRows(), "seed=" + seed);
      assertEquals(2, count(reopened, "docs"), "seed=" + seed);
    }
  }

  @Test
  void alterOfAMissingTableFailsNamingItUnlessIfExists() {
    try (Engine engine = Engine.inMemory()) {
      assertFails(
          ErrorCode.TABLE_NOT_FOUND,
          () -> engine.alterTable("ghost", Map.of("auto_compaction", false), Set.of(), false),
          "table ghost does not exist");
      assertFalse(engine.alterTable("ghost", Map.of("auto_compaction", false), Set.of(), true));
    }
  }

  @Test
  void unknownOptionOrBadValueFailsListingWhatIsValid() {
    try (Engine engine = Engine.inMemory()) {
      engine.createTable(docs(Map.of()), false);

      assertFails(
          ErrorCode.INVALID_OPTION,
          () -> engine.alterTable("docs", Map.of("segment_max_row", 10), Set.of(), false),
          "unknown table option 'segment_max_row'",
          "segment_max_rows");
      assertFails(
          ErrorCode.INVALID_OPTION,
          () -> engine.alterTable("docs", Map.of(), Set.of("auto_compact"), false),
          "unknown table option 'auto_compact'",
          "auto_compaction");
      assertFails(
          ErrorCode.INVALID_OPTION,
          () -> engine.alterTable("docs", Map.of("deleted_ratio_threshold", 2), Set.of(), false),
          "deleted_ratio_threshold = '2'",
          "from 0.01 to 1.0");
      assertFails(
          ErrorCode.INVALID_OPTION,
          () -> engine.alterTable("docs", Map.of("consistency_level", "fast"), Set.of(), false),
          "'fast'",
          "bounded, eventually, session, strong");
    }
  }

  @Test
  void partitionOptionsCannotChangeAfterCreation() {
    try (Engine engine = Engine.inMemory()) {
      engine.createTable(docs(Map.of("partition_key", "title")), false);

      assertFails(
          ErrorCode.UNSUPPORTED,
          () -> engine.alterTable("docs", Map.of("partition_count", 4), Set.of(), false),
          "table docs: option partition_count cannot be changed after the table is created",
          "create another table WITH (partition_key");
      assertFails(
          ErrorCode.UNSUPPORTED,
          () -> engine.alterTable("docs", Map.of(), Set.of("partition_key"), false),
          "option partition_key cannot be changed");
      assertEquals("title", options(engine).get("partition_key"));
    }
  }

  @Test
  void clusterByMustNameAScalarColumnOfTheTable() {
    try (Engine engine = Engine.inMemory()) {
      engine.createTable(docs(Map.of()), false);

      assertFails(
          ErrorCode.INVALID_OPTION,
          () -> engine.alterTable("docs", Map.of("cluster_by", "embedding"), Set.of(), false),
          "cluster_by names column embedding of docs, which is VECTOR(2)",
          "one of id, title");
      assertFails(
          ErrorCode.INVALID_OPTION,
          () -> engine.alterTable("docs", Map.of("cluster_by", "published"), Set.of(), false),
          "cluster_by names column published, which docs does not have",
          "its columns are id, title, embedding");
    }
  }

  @Test
  void aRefusedAlterationChangesNothing() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs(Map.of()), false);
      Map<String, String> before = options(engine);

      assertFails(
          ErrorCode.INVALID_OPTION,
          () ->
              engine.alterTable(
                  "docs",
                  Map.of("segment_max_rows", 10, "cluster_by", "embedding"),
                  Set.of(),
                  false),
          "cluster_by");
      assertFails(
          ErrorCode.INVALID_OPTION,
          () ->
              engine.alterTable(
                  "docs", Map.of("segment_max_rows", 10), Set.of("segment_max_rows"), false),
          "option segment_max_rows is both set and reset");
      assertFails(
          ErrorCode.INVALID_OPTION,
          () -> engine.alterTable("docs", Map.of(), Set.of(), false),
          "ALTER TABLE docs names no option");

      assertEquals(before, options(engine));
      assertEquals(100_000, engine.table("docs").maxRows());
    }
    try (Engine reopened = Engine.open(dir)) {
      assertEquals("100000", options(reopened).get("segment_max_rows"));
    }
  }

  @Test
  void raisingTheRetentionDoesNotReachBackBeforeTheHistoryKept() {
    long start = 1_800_000_000_000L;
    AtomicLong clock = new AtomicLong(start);
    try (Engine engine = Engine.inMemory(clock::get)) {
      engine.createTable(docs(Map.of("time_travel_retention_s", 100)), false);
      engine.table("docs").apply(new WriteBatch().insert(row(1)));
      clock.addAndGet(500_000);
      long altered = clock.get();

      engine.alterTable("docs", Map.of("time_travel_retention_s", 1000), Set.of(), false);

      // Sealed segments kept deleted rows for 100 s only: older instants are not complete.
      assertFails(
          ErrorCode.SNAPSHOT_TOO_OLD,
          () -> engine.snapshotAsOf("docs", altered - 200_000, 1_000, null),
          "its history is complete only since " + Timeline.instant(altered - 100_000),
          "ALTER TABLE raised its time_travel_retention_s");
      assertEquals(1, count(engine, "docs"));
      engine.snapshotAsOf("docs", altered - 100_000, 1_000, null);

      // Once the new retention has passed, it alone bounds how far back.
      clock.addAndGet(2_000_000);
      assertFails(
          ErrorCode.SNAPSHOT_TOO_OLD,
          () -> engine.snapshotAsOf("docs", altered, 1_000, null),
          "time_travel_retention_s = 1000 seconds");
    }
  }

  @Test
  void theHistoryLimitOfARaisedRetentionSurvivesReopen() {
    long altered;
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs(Map.of("time_travel_retention_s", 0)), false);
      altered = System.currentTimeMillis();
      engine.alterTable("docs", Map.of("time_travel_retention_s", 3600), Set.of(), false);
      engine.checkpoint();
    }
    try (Engine reopened = Engine.open(dir)) {
      assertFails(
          ErrorCode.SNAPSHOT_TOO_OLD,
          () -> reopened.snapshotAsOf("docs", altered - 60_000, 1_000, null),
          "its history is complete only since");
    }
  }
}
