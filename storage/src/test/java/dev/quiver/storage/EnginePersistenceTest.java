package dev.quiver.storage;

import static dev.quiver.storage.QuiverAssertions.assertFails;
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
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.WriteBatch;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests of a folder database: tables, rows and indexes survive closing and reopening. */
class EnginePersistenceTest {
  @TempDir Path dir;

  private static final TableDef ALL_TYPES =
      new TableDef(
          "all_types",
          List.of(
              ColumnDef.of("id", ColumnType.VARCHAR, false),
              ColumnDef.of("flag", ColumnType.BOOLEAN, true),
              ColumnDef.of("n", ColumnType.INTEGER, true),
              ColumnDef.of("big", ColumnType.BIGINT, true),
              ColumnDef.of("r", ColumnType.REAL, true),
              ColumnDef.of("d", ColumnType.DOUBLE, true),
              new ColumnDef("amount", ColumnType.DECIMAL, 0, 10, 3, true),
              new ColumnDef("code", ColumnType.VARCHAR, 0, 8, 0, true),
              ColumnDef.of("day", ColumnType.DATE, true),
              ColumnDef.of("at", ColumnType.TIMESTAMP, true),
              ColumnDef.vector("v", 3, true)),
          0,
          Options.table(Map.of("segment_max_rows", 500, "cluster_by", "day")));

  private static final TableDef LOG =
      new TableDef(
          "log",
          List.of(ColumnDef.of("line", ColumnType.VARCHAR, true), ColumnDef.vector("v", 2, true)),
          -1,
          Options.table(Map.of()));

  private static final IndexDef INDEX =
      new IndexDef(
          "all_types_v",
          "all_types",
          "v",
          IndexMethod.HNSW,
          Metric.INNER_PRODUCT,
          Options.index(IndexMethod.HNSW, Map.of("metric", "ip", "m", 24)));

  private static final Object[][] ROWS = {
    {
      "a",
      true,
      1,
      10L,
      1.5f,
      2.25,
      new BigDecimal("12.345"),
      "x",
      19_000,
      1_700_000_000_000L,
      new float[] {1, 2, 3}
    },
    {
      "b",
      false,
      -7,
      Long.MIN_VALUE,
      -0.0f,
      Double.MAX_VALUE,
      new BigDecimal("-0.001"),
      "é😀",
      -1,
      0L,
      new float[] {-1e-20f, 0, 3e38f}
    },
    {"c", null, null, null, null, null, null, null, null, null, null},
  };

  private static String contents(Engine engine, String table) {
    List<Object[]> rows = new ArrayList<>();
    engine.table(table).scan(engine.snapshot(), Predicate.ALWAYS).forEachRemaining(rows::add);
    return Arrays.deepToString(rows.toArray());
  }

  @Test
  void rowsOfEveryTypeTablesAndIndexesSurviveReopen() {
    String before;
    try (Engine engine = Engine.open(dir)) {
      assertEquals(Optional.of(dir), engine.directory());
      engine.createTable(ALL_TYPES, false);
      engine.createTable(LOG, false);
      engine.createIndex(INDEX, false);
      WriteBatch batch = new WriteBatch();
      Arrays.stream(ROWS).forEach(batch::insert);
      engine.table("all_types").apply(batch);
      engine
          .table("log")
          .apply(
              new WriteBatch()
                  .insert(new Object[] {"same", null})
                  .insert(new Object[] {"same", null}));
      before = contents(engine, "all_types");
    }

    try (Engine engine = Engine.open(dir)) {
      assertEquals(List.of("all_types", "log"), engine.tableNames());
      assertEquals(ALL_TYPES, engine.table("all_types").def());
      assertEquals(LOG, engine.table("log").def());
      assertEquals(List.of(INDEX), engine.indexes());
      assertEquals(before, contents(engine, "all_types"));
      assertEquals(2, engine.table("log").rowCount(engine.snapshot()));
    }
  }

  @Test
  void deletedRowsAndDroppedObjectsStayGoneAfterReopen() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(ALL_TYPES, false);
      engine.createTable(LOG, false);
      engine.createIndex(INDEX, false);
      WriteBatch batch = new WriteBatch();
      Arrays.stream(ROWS).forEach(batch::insert);
      engine.table("all_types").apply(batch);
      engine.table("all_types").apply(new WriteBatch().delete(ROWS[1]));
      engine.dropTable("log", false);
      engine.dropIndex("all_types_v", false);
    }

    try (Engine engine = Engine.open(dir)) {
      assertEquals(List.of("all_types"), engine.tableNames());
      assertEquals(List.of(), engine.indexes());
      List<Object> ids = new ArrayList<>();
      engine
          .table("all_types")
          .scan(engine.snapshot(), Predicate.ALWAYS)
          .forEachRemaining(r -> ids.add(r[0]));
      assertEquals(List.of("a", "c"), ids);
    }
  }

  @Test
  void primaryKeysAndTimestampsContinueAfterReopen() {
    long lastTimestamp;
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(ALL_TYPES, false);
      WriteBatch batch = new WriteBatch();
      Arrays.stream(ROWS).forEach(batch::insert);
      lastTimestamp = engine.table("all_types").apply(batch).timestamp();
    }

    try (Engine engine = Engine.open(dir)) {
      Table table = engine.table("all_types");
      assertEquals(lastTimestamp, engine.snapshot().timestamp());
      assertFails(
          ErrorCode.DUPLICATE_KEY, () -> table.apply(new WriteBatch().insert(ROWS[0])), "id = 'a'");
      Object[] d = ROWS[0].clone();
      d[0] = "d";
      long next = table.apply(new WriteBatch().upsert(ROWS[1]).insert(d)).timestamp();
      assertTrue(next > lastTimestamp, next + " after " + lastTimestamp);
      assertEquals(4, table.rowCount(engine.snapshot()));
    }
  }

  @Test
  void checkpointMakesDataDurableBeforeClose() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(LOG, false);
      engine.table("log").apply(new WriteBatch().insert(new Object[] {"one", new float[] {1, 2}}));
      engine.checkpoint();
      engine.table("log").apply(new WriteBatch().insert(new Object[] {"two", null}));
    }

    try (Engine engine = Engine.open(dir)) {
      assertEquals(2, engine.table("log").rowCount(engine.snapshot()));
    }
  }

  @Test
  void emptyFolderOpensAsEmptyDatabase() {
    Path nested = dir.resolve("a/b/new-db");

    try (Engine engine = Engine.open(nested)) {
      assertEquals(List.of(), engine.tableNames());
    }
    try (Engine engine = Engine.open(nested)) {
      assertEquals(List.of(), engine.tableNames());
    }
  }
}
