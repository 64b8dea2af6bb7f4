package dev.quiver.storage.catalog;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests of {@link TableDef}: the checks a table definition passes when it is created. */
class TableDefTest {
  private static final ColumnDef ID = ColumnDef.of("id", ColumnType.BIGINT, false);
  private static final ColumnDef TITLE = ColumnDef.of("title", ColumnType.VARCHAR, true);
  private static final ColumnDef EMBEDDING = ColumnDef.vector("embedding", 4, true);

  @Test
  void tableHoldsItsColumnsKeyAndOptions() {
    TableDef def =
        new TableDef(
            "docs", List.of(ID, TITLE, EMBEDDING), 0, Options.table(Map.of("cluster_by", "title")));

    assertTrue(def.hasPrimaryKey());
    assertEquals(2, def.columnIndex("embedding"));
    assertEquals(-1, def.columnIndex("missing"));
    assertEquals(TITLE, def.column(1));
    assertEquals("title", def.options().get("cluster_by"));
  }

  @Test
  void tableWithoutPrimaryKeyUsesHiddenRowId() {
    TableDef def = new TableDef("log", List.of(TITLE), -1, Map.of());

    assertFalse(def.hasPrimaryKey());
  }

  @Test
  void columnNamesQuiverKeepsForItselfAreRefused() {
    for (String name : List.of("_rowid", "_TS", "_partition")) {
      assertFails(
          ErrorCode.INVALID_DEFINITION,
          () ->
              new TableDef(
                  "docs", List.of(ID, ColumnDef.of(name, ColumnType.INTEGER, true)), 0, Map.of()),
          "column name " + name + " is reserved",
          "choose another name");
    }
  }

  @Test
  void duplicateColumnFailsNamingIt() {
    assertFails(
        ErrorCode.INVALID_DEFINITION,
        () ->
            new TableDef(
                "docs",
                List.of(ID, TITLE, ColumnDef.of("title", ColumnType.INTEGER, true)),
                0,
                Map.of()),
        "docs",
        "column title twice");
  }

  @Test
  void tableWithoutColumnsFails() {
    assertFails(
        ErrorCode.INVALID_DEFINITION,
        () -> new TableDef("empty", List.of(), -1, Map.of()),
        "empty");
  }

  @Test
  void primaryKeyOfUnsupportedTypeFailsNamingColumnAndType() {
    assertFails(
        ErrorCode.INVALID_DEFINITION,
        () -> new TableDef("docs", List.of(ID, EMBEDDING), 1, Map.of()),
        "embedding",
        "VECTOR(4)",
        "INTEGER, BIGINT or VARCHAR");
    assertFails(
        ErrorCode.INVALID_DEFINITION,
        () ->
            new TableDef(
                "docs", List.of(ColumnDef.of("price", ColumnType.DOUBLE, false)), 0, Map.of()),
        "price",
        "DOUBLE");
  }

  @Test
  void primaryKeyOfEachAllowedTypeIsAccepted() {
    for (ColumnType type : List.of(ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.VARCHAR)) {
      assertTrue(
          new TableDef("t", List.of(ColumnDef.of("k", type, false)), 0, Map.of()).hasPrimaryKey());
    }
  }

  @Test
  void primaryKeyIsForcedNotNull() {
    TableDef def =
        new TableDef(
            "docs", List.of(TITLE, ColumnDef.of("id", ColumnType.INTEGER, true)), 1, Map.of());

    assertFalse(def.column(1).nullable());
    assertTrue(def.column(0).nullable());
  }

  @Test
  void clusterByNamingMissingColumnFailsNamingIt() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () ->
            new TableDef(
                "docs", List.of(ID, TITLE), 0, Options.table(Map.of("cluster_by", "published"))),
        "cluster_by",
        "published",
        "docs");
  }

  @Test
  void clusterByNamingVectorColumnFailsNamingTheScalarOnes() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () ->
            new TableDef(
                "docs",
                List.of(ID, TITLE, EMBEDDING),
                0,
                Options.table(Map.of("cluster_by", "embedding"))),
        "cluster_by names column embedding of docs, which is VECTOR(4)",
        "one of id, title");
  }

  @Test
  void withOptionsSetsAndResetsAndKeepsTheRest() {
    TableDef def =
        new TableDef(
            "docs",
            List.of(ID, TITLE, EMBEDDING),
            0,
            Options.table(Map.of("segment_max_rows", 10, "cluster_by", "title")));

    TableDef altered =
        def.withOptions(
            Options.tableChanges(
                "docs",
                Map.of("auto_compaction", false),
                List.of("segment_max_rows", "cluster_by")),
            0);

    assertEquals("false", altered.options().get("auto_compaction"));
    assertEquals("100000", altered.options().get("segment_max_rows"));
    assertFalse(altered.options().containsKey("cluster_by"));
    assertEquals(def.columns(), altered.columns());
    assertEquals(0, altered.primaryKey());
  }

  @Test
  void raisingTheRetentionRecordsSinceWhenTheHistoryIsComplete() {
    long at = 1_800_000_000_000L;
    TableDef def =
        new TableDef("docs", List.of(ID), 0, Options.table(Map.of("time_travel_retention_s", 60)));
    assertEquals(0, def.historySinceMillis());

    TableDef raised =
        def.withOptions(
            Options.tableChanges("docs", Map.of("time_travel_retention_s", 600), List.of()), at);
    assertEquals(at - 60_000, raised.historySinceMillis());
    assertFalse(raised.userOptions().containsKey("_history_since_ms"), "kept from users");

    TableDef lowered =
        raised.withOptions(
            Options.tableChanges("docs", Map.of("time_travel_retention_s", 120), List.of()),
            at + 1_000);
    assertEquals(at - 60_000, lowered.historySinceMillis(), "lowering keeps the limit");

    TableDef later =
        lowered.withOptions(
            Options.tableChanges("docs", Map.of("auto_compaction", false), List.of()),
            at + 3_600_000);
    assertEquals(0, later.historySinceMillis(), "dropped once the retention alone is the limit");
    assertEquals(
        0,
        def.withOptions(
                Options.tableChanges("docs", Map.of("time_travel_retention_s", 30), List.of()), at)
            .historySinceMillis(),
        "lowering alone records nothing");
  }

  @Test
  void partitionKeyNamingMissingColumnFailsNamingIt() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () ->
            new TableDef("docs", List.of(ID), 0, Options.table(Map.of("partition_key", "tenant"))),
        "partition_key",
        "tenant");
  }

  @Test
  void primaryKeyPositionOutsideTheColumnsFailsNamingIt() {
    assertFails(
        ErrorCode.INVALID_DEFINITION,
        () ->
            new TableDef("t", List.of(ColumnDef.of("id", ColumnType.INTEGER, false)), 3, Map.of()),
        "position 3");
  }
}
