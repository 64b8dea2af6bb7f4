package dev.quiver.storage;

import static dev.quiver.storage.SegmentTestSupport.assertRowsEqual;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.RowScan;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.WriteBatch;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan whose filter names the primary key ({@code key = v}, {@code key IN (...)}, alone or in an
 * AND) reads segments through their key index, and returns exactly what a scan of every row
 * filtered by the same predicate returns, at old and new snapshots, across versions of a key in
 * several segments and in memory.
 */
class EngineKeyLookupTest {
  @TempDir Path dir;

  private static List<Object[]> scan(Engine engine, Snapshot snapshot, Predicate filter) {
    List<Object[]> rows = new ArrayList<>();
    try (RowScan scan = engine.table("t").scan(snapshot, filter)) {
      scan.forEachRemaining(rows::add);
    }
    return rows;
  }

  private static List<Object[]> oracle(Engine engine, Snapshot snapshot, Predicate filter) {
    return scan(engine, snapshot, Predicate.ALWAYS).stream().filter(filter::test).toList();
  }

  private static void load(Engine engine, Object[][] rows) {
    for (int part = 0; part < 3; part++) {
      WriteBatch batch = new WriteBatch();
      for (int i = part * 100; i < part * 100 + 100; i++) {
        batch.insert(rows[i]);
      }
      engine.table("t").apply(batch);
      engine.checkpoint();
    }
  }

  @Test
  void bigintKeyLookupsEqualAFilteredScanAtOldAndNewSnapshots() {
    Object[][] rows = new Object[300][];
    for (int i = 0; i < 300; i++) {
      rows[i] = new Object[] {(long) i, i % 7};
    }
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(
          new TableDef(
              "t",
              List.of(
                  ColumnDef.of("id", ColumnType.BIGINT, false),
                  ColumnDef.of("x", ColumnType.INTEGER, true)),
              0,
              Options.table(Map.of())),
          false);
      load(engine, rows);
      Snapshot before = engine.snapshot();
      engine.table("t").apply(new WriteBatch().upsert(new Object[] {5L, 100}));
      engine.table("t").apply(new WriteBatch().delete(rows[7]));
      engine.checkpoint();
      engine.table("t").apply(new WriteBatch().upsert(new Object[] {5L, 200}));
      engine.table("t").apply(new WriteBatch().upsert(new Object[] {150L, 300}));
      Snapshot after = engine.snapshot();

      List<Predicate> filters =
          List.of(
              new Predicate.Compare(0, Predicate.Op.EQ, 5L),
              new Predicate.Compare(0, Predicate.Op.EQ, 5),
              new Predicate.Compare(0, Predicate.Op.EQ, new BigDecimal("150")),
              new Predicate.Compare(0, Predicate.Op.EQ, 5.5),
              new Predicate.Compare(0, Predicate.Op.EQ, 7L),
              new Predicate.Compare(0, Predicate.Op.EQ, 299L),
              new Predicate.Compare(0, Predicate.Op.EQ, 1000L),
              new Predicate.In(0, Arrays.asList(5L, 7L, 150L, null, 1000L)),
              new Predicate.And(
                  List.of(
                      new Predicate.Compare(1, Predicate.Op.GT, 150),
                      new Predicate.Compare(0, Predicate.Op.EQ, 5L))));
      for (Snapshot snapshot : List.of(before, after)) {
        for (Predicate filter : filters) {
          assertRowsEqual(
              oracle(engine, snapshot, filter),
              scan(engine, snapshot, filter),
              filter + " at " + snapshot.timestamp());
        }
      }
      assertEquals(1, scan(engine, after, filters.get(0)).size());
      assertEquals(200, scan(engine, after, filters.get(0)).get(0)[1]);
      assertEquals(5, scan(engine, before, filters.get(0)).get(0)[1], "the old version");
    }
  }

  @Test
  void varcharKeyLookupsEqualAFilteredScan() {
    Object[][] rows = new Object[300][];
    for (int i = 0; i < 300; i++) {
      rows[i] = new Object[] {"k" + i, i};
    }
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(
          new TableDef(
              "t",
              List.of(
                  ColumnDef.of("k", ColumnType.VARCHAR, false),
                  ColumnDef.of("n", ColumnType.INTEGER, true)),
              0,
              Options.table(Map.of())),
          false);
      load(engine, rows);
      engine.table("t").apply(new WriteBatch().delete(rows[42]));
      Snapshot now = engine.snapshot();
      for (Predicate filter :
          List.of(
              new Predicate.Compare(0, Predicate.Op.EQ, "k41"),
              new Predicate.Compare(0, Predicate.Op.EQ, "k42"),
              new Predicate.In(0, List.of("k1", "k250", "nope")))) {
        assertRowsEqual(oracle(engine, now, filter), scan(engine, now, filter), filter.toString());
      }
    }
  }
}
