package dev.quiver.storage;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests of the {@link Engine} catalog: creating and dropping tables and vector indexes. */
class EngineCatalogTest {
  private final Engine engine = Engine.inMemory();

  @AfterEach
  void close() {
    engine.close();
  }

  private static TableDef docs(String name) {
    return new TableDef(
        name,
        List.of(
            ColumnDef.of("id", ColumnType.BIGINT, false),
            ColumnDef.of("title", ColumnType.VARCHAR, true),
            ColumnDef.vector("embedding", 3, true)),
        0,
        Options.table(Map.of()));
  }

  private static IndexDef hnsw(String name, String table, String column) {
    return new IndexDef(
        name,
        table,
        column,
        IndexMethod.HNSW,
        Metric.COSINE,
        Options.index(IndexMethod.HNSW, Map.of("metric", "cosine")));
  }

  @Test
  void createdTableIsListedAndFound() {
    assertTrue(engine.createTable(docs("docs"), false));
    assertTrue(engine.createTable(docs("articles"), false));

    assertEquals(List.of("articles", "docs"), engine.tableNames());
    assertEquals("docs", engine.table("docs").name());
    assertEquals(Optional.empty(), engine.findTable("missing"));
    assertEquals(Optional.empty(), engine.directory());
  }

  @Test
  void createExistingTableFailsNamingIt() {
    engine.createTable(docs("docs"), false);

    assertFails(
        ErrorCode.DUPLICATE_OBJECT,
        () -> engine.createTable(docs("docs"), false),
        "table docs already exists",
        "IF NOT EXISTS");
  }

  @Test
  void createExistingTableIfNotExistsKeepsTheOriginal() {
    engine.createTable(docs("docs"), false);
    Table original = engine.table("docs");
    original.apply(new WriteBatch().insert(new Object[] {1L, "kept", null}));

    assertFalse(engine.createTable(docs("docs"), true));

    assertSame(original, engine.table("docs"));
    assertEquals(1, engine.table("docs").rowCount(engine.snapshot()));
  }

  @Test
  void dropMissingTableFailsNamingItUnlessIfExists() {
    assertFails(
        ErrorCode.TABLE_NOT_FOUND,
        () -> engine.dropTable("ghost", false),
        "table ghost does not exist");
    assertFalse(engine.dropTable("ghost", true));
    assertFails(ErrorCode.TABLE_NOT_FOUND, () -> engine.table("ghost"), "ghost");
  }

  @Test
  void droppedTableIsGoneAndRejectsWrites() {
    engine.createTable(docs("docs"), false);
    Table table = engine.table("docs");

    assertTrue(engine.dropTable("docs", false));

    assertEquals(List.of(), engine.tableNames());
    assertFails(ErrorCode.TABLE_NOT_FOUND, () -> engine.table("docs"), "docs");
    assertFails(
        ErrorCode.TABLE_NOT_FOUND,
        () -> table.apply(new WriteBatch().insert(new Object[] {1L, "late", null})),
        "table docs was dropped");
  }

  @Test
  void tableCreatedAgainAfterDropStartsEmpty() {
    engine.createTable(docs("docs"), false);
    engine.table("docs").apply(new WriteBatch().insert(new Object[] {1L, "old", null}));
    engine.dropTable("docs", false);

    engine.createTable(docs("docs"), false);

    assertEquals(0, engine.table("docs").rowCount(engine.snapshot()));
  }

  @Test
  void createdIndexIsListedWithItsTable() {
    engine.createTable(docs("docs"), false);
    engine.createTable(docs("other"), false);
    IndexDef index = hnsw("docs_hnsw", "docs", "embedding");

    assertTrue(engine.createIndex(index, false));
    assertTrue(engine.createIndex(hnsw("other_hnsw", "other", "embedding"), false));

    assertEquals(List.of(index), engine.indexesOf("docs"));
    assertEquals(
        List.of("docs_hnsw", "other_hnsw"), engine.indexes().stream().map(IndexDef::name).toList());
    assertEquals("cosine", engine.indexesOf("docs").get(0).options().get("metric"));
  }

  @Test
  void createExistingIndexFailsNamingItUnlessIfNotExists() {
    engine.createTable(docs("docs"), false);
    engine.createIndex(hnsw("docs_hnsw", "docs", "embedding"), false);

    assertFails(
        ErrorCode.DUPLICATE_OBJECT,
        () -> engine.createIndex(hnsw("docs_hnsw", "docs", "embedding"), false),
        "index docs_hnsw already exists");
    assertFalse(engine.createIndex(hnsw("docs_hnsw", "docs", "embedding"), true));
    assertEquals(1, engine.indexes().size());
  }

  @Test
  void indexOnNonVectorColumnFailsNamingColumnAndType() {
    engine.createTable(docs("docs"), false);

    assertFails(
        ErrorCode.INVALID_DEFINITION,
        () -> engine.createIndex(hnsw("bad", "docs", "title"), false),
        "index bad",
        "column title is VARCHAR",
        "VECTOR");
    assertEquals(List.of(), engine.indexes());
  }

  @Test
  void indexOnMissingColumnFailsNamingIt() {
    engine.createTable(docs("docs"), false);

    assertFails(
        ErrorCode.COLUMN_NOT_FOUND,
        () -> engine.createIndex(hnsw("bad", "docs", "vector"), false),
        "table docs has no column vector");
  }

  @Test
  void indexOnMissingTableFailsNamingIt() {
    assertFails(
        ErrorCode.TABLE_NOT_FOUND,
        () -> engine.createIndex(hnsw("bad", "ghost", "embedding"), false),
        "ghost");
  }

  @Test
  void dropIndexRemovesItAndMissingIndexFailsUnlessIfExists() {
    engine.createTable(docs("docs"), false);
    engine.createIndex(hnsw("docs_hnsw", "docs", "embedding"), false);

    assertTrue(engine.dropIndex("docs_hnsw", false));

    assertEquals(List.of(), engine.indexes());
    assertFails(
        ErrorCode.INDEX_NOT_FOUND,
        () -> engine.dropIndex("docs_hnsw", false),
        "index docs_hnsw does not exist");
    assertFalse(engine.dropIndex("docs_hnsw", true));
  }

  @Test
  void dropTableDropsItsIndexesOnly() {
    engine.createTable(docs("docs"), false);
    engine.createTable(docs("other"), false);
    engine.createIndex(hnsw("docs_hnsw", "docs", "embedding"), false);
    engine.createIndex(hnsw("docs_flat", "docs", "embedding"), false);
    engine.createIndex(hnsw("other_hnsw", "other", "embedding"), false);

    engine.dropTable("docs", false);

    assertEquals(List.of("other_hnsw"), engine.indexes().stream().map(IndexDef::name).toList());
    assertEquals(List.of(), engine.indexesOf("docs"));
    engine.createTable(docs("docs"), false);
    assertTrue(engine.createIndex(hnsw("docs_hnsw", "docs", "embedding"), false));
  }

  @Test
  void writesToDifferentTablesShareOneTimeline() {
    engine.createTable(docs("a"), false);
    engine.createTable(docs("b"), false);
    Snapshot empty = engine.snapshot();

    long first =
        engine.table("a").apply(new WriteBatch().insert(new Object[] {1L, null, null})).timestamp();
    long second =
        engine.table("b").apply(new WriteBatch().insert(new Object[] {1L, null, null})).timestamp();

    assertTrue(second > first);
    assertEquals(second, engine.snapshot().timestamp());
    assertEquals(0, engine.table("a").rowCount(empty));
  }

  @Test
  void closedEngineRejectsUse() {
    engine.createTable(docs("docs"), false);
    engine.close();

    assertTrue(engine.isClosed());
    assertFails(ErrorCode.ENGINE_CLOSED, engine::snapshot, "closed");
    assertFails(ErrorCode.ENGINE_CLOSED, () -> engine.table("docs"), "closed");
    assertFails(ErrorCode.ENGINE_CLOSED, () -> engine.createTable(docs("x"), false), "closed");
    assertFails(ErrorCode.ENGINE_CLOSED, engine::checkpoint, "closed");
  }
}
