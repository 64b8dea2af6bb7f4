package dev.quiver.storage;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static dev.quiver.storage.SegmentTestSupport.assertLogTruncated;
import static dev.quiver.storage.SegmentTestSupport.assertRowsEqual;
import static dev.quiver.storage.SegmentTestSupport.count;
import static dev.quiver.storage.SegmentTestSupport.growing;
import static dev.quiver.storage.SegmentTestSupport.inserts;
import static dev.quiver.storage.SegmentTestSupport.rows;
import static dev.quiver.storage.SegmentTestSupport.segmentFolders;
import static dev.quiver.storage.SegmentTestSupport.segmentIds;
import static dev.quiver.storage.SegmentTestSupport.sortedBy;
import static dev.quiver.storage.SegmentTestSupport.sortedByText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.quiver.storage.table.WriteResult;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tests of sealed segments through the {@link Engine}: a checkpoint moves growing rows into Lucene
 * segments, and keys, deletes, upserts, snapshots, searches and DROP TABLE behave across segments,
 * growing rows, checkpoints and reopening exactly as they do in memory.
 */
class EngineSegmentsTest {
  @TempDir Path dir;

  // ---------------------------------------------------------------------------------------------
  // Tables and rows

  /** Every column type; {@code id} BIGINT is the key when {@code keyed}. */
  private static TableDef allTypes(String name, boolean keyed) {
    return new TableDef(
        name,
        List.of(
            ColumnDef.of("id", ColumnType.BIGINT, !keyed),
            ColumnDef.of("flag", ColumnType.BOOLEAN, true),
            ColumnDef.of("n", ColumnType.INTEGER, true),
            ColumnDef.of("big", ColumnType.BIGINT, true),
            ColumnDef.of("r", ColumnType.REAL, true),
            ColumnDef.of("d", ColumnType.DOUBLE, true),
            new ColumnDef("amount", ColumnType.DECIMAL, 0, 10, 3, true),
            ColumnDef.of("free", ColumnType.DECIMAL, true),
            ColumnDef.of("name", ColumnType.VARCHAR, true),
            new ColumnDef("code", ColumnType.VARCHAR, 0, 8, 0, true),
            ColumnDef.of("day", ColumnType.DATE, true),
            ColumnDef.of("at", ColumnType.TIMESTAMP, true),
            ColumnDef.vector("v", 3, true)),
        keyed ? 0 : -1,
        Options.table(Map.of()));
  }

  /** Rows of {@link #allTypes} in the engine's representation: extremes, NULLs, odd text. */
  private static List<Object[]> allTypeRows() {
    return List.of(
        new Object[] {
          1L,
          true,
          1,
          10L,
          1.5f,
          2.25,
          new BigDecimal("12.345"),
          new BigDecimal("1.500"),
          "plain",
          "x",
          19_000,
          1_700_000_000_000L,
          new float[] {1, 2, 3}
        },
        new Object[] {
          2L,
          false,
          Integer.MIN_VALUE,
          Long.MAX_VALUE,
          -0.0f,
          -0.0,
          new BigDecimal("-9999999.999"),
          new BigDecimal("1E+50"),
          "",
          "é😀",
          -1,
          Long.MIN_VALUE,
          new float[] {-0.0f, Float.MIN_VALUE, Float.MAX_VALUE}
        },
        new Object[] {3L, null, null, null, null, null, null, null, null, null, null, null, null},
        new Object[] {
          4L,
          true,
          Integer.MAX_VALUE,
          Long.MIN_VALUE,
          Float.NaN,
          Double.NaN,
          new BigDecimal("0.000"),
          new BigDecimal("-0.000000000000000000001"),
          "tab\tnewline\nnul\0end",
          "12345678",
          Integer.MAX_VALUE,
          0L,
          new float[] {1e-30f, -1e30f, 0.5f}
        },
        new Object[] {
          5L,
          false,
          0,
          0L,
          Float.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY,
          new BigDecimal("0.001"),
          new BigDecimal("12345678901234567890.123456789"),
          "𝄞 astral and ' quote",
          "",
          Integer.MIN_VALUE,
          -1L,
          new float[] {0, 0, 0}
        },
        new Object[] {
          6L, null, 42, null, 3.25f, null, null, BigDecimal.ZERO, null, "n", null, 7L, null
        });
  }

  /** {@code docs (id BIGINT PRIMARY KEY, title VARCHAR, v VECTOR(3))}. */
  private static TableDef docs(String name) {
    return new TableDef(
        name,
        List.of(
            ColumnDef.of("id", ColumnType.BIGINT, false),
            ColumnDef.of("title", ColumnType.VARCHAR, true),
            ColumnDef.vector("v", 3, true)),
        0,
        Options.table(Map.of()));
  }

  private static Object[] doc(long id, String title) {
    return new Object[] {id, title, new float[] {id, -id, 0.5f}};
  }

  private static WriteBatch docRange(long from, long to, String title) {
    WriteBatch batch = new WriteBatch();
    for (long id = from; id < to; id++) {
      batch.insert(doc(id, title));
    }
    return batch;
  }

  /** {@code notes (body VARCHAR, score INTEGER, v VECTOR(2))} without a primary key. */
  private static TableDef notes() {
    return new TableDef(
        "notes",
        List.of(
            ColumnDef.of("body", ColumnType.VARCHAR, true),
            ColumnDef.of("score", ColumnType.INTEGER, true),
            ColumnDef.vector("v", 2, true)),
        -1,
        Options.table(Map.of()));
  }

  private static List<Long> ids(List<Object[]> rows) {
    return rows.stream().map(r -> (Long) r[0]).sorted().toList();
  }

  private static List<Long> range(long from, long to) {
    List<Long> result = new ArrayList<>();
    for (long i = from; i < to; i++) {
      result.add(i);
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // 1. A checkpoint writes segments, truncates the log, and rows read back equal

  @Test
  void checkpointWritesSegmentFoldersTruncatesTheLogAndEveryTypeReadsBackEqual() {
    List<Object[]> keyedBefore;
    List<Object[]> heapBefore;
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(allTypes("keyed", true), false);
      engine.createTable(allTypes("heap", false), false);
      engine.table("keyed").apply(inserts(allTypeRows()));
      engine.table("heap").apply(inserts(allTypeRows()));
      keyedBefore = rows(engine, "keyed");
      heapBefore = rows(engine, "heap");
      assertRowsEqual(allTypeRows(), keyedBefore, "growing rows as written");
      assertEquals(List.of(), segmentFolders(dir));

      engine.checkpoint();

      List<String> folders = segmentFolders(dir);
      assertEquals(2, folders.size(), "one segment per table: " + folders);
      for (String table : List.of("keyed", "heap")) {
        List<Long> segments = segmentIds(engine, table);
        assertEquals(1, segments.size(), table + ": " + engine.segmentStatus());
        assertTrue(
            Files.isDirectory(dir.resolve("segments").resolve("seg-" + segments.get(0))),
            "folder of segment " + segments.get(0));
        assertEquals(0, growing(engine, table).rowCount(), table + " growing rows after seal");
      }
      assertEquals(engine.snapshot().timestamp(), engine.checkpointTimestamp());
      assertLogTruncated(engine);
      assertRowsEqual(keyedBefore, rows(engine, "keyed"), "keyed, read from its segment");
      assertRowsEqual(heapBefore, rows(engine, "heap"), "heap, read from its segment");
    }

    try (Engine engine = Engine.open(dir)) {
      assertEquals(0, growing(engine, "keyed").rowCount(), "nothing replayed from the log");
      assertEquals(0, growing(engine, "heap").rowCount(), "nothing replayed from the log");
      assertRowsEqual(keyedBefore, rows(engine, "keyed"), "keyed after reopen");
      assertRowsEqual(heapBefore, rows(engine, "heap"), "heap after reopen");
    }
  }

  @Test
  void varcharAtTheByteLimitIsSealedAndReadsBackEqual() {
    // 10,922 three-byte characters: 32,766 UTF-8 bytes, the most a VARCHAR value may hold.
    String longest = "€".repeat(10_922);
    assertEquals(
        dev.quiver.storage.table.Values.MAX_STRING_BYTES,
        longest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    TableDef def =
        new TableDef(
            "texts",
            List.of(
                ColumnDef.of("k", ColumnType.VARCHAR, false),
                ColumnDef.of("body", ColumnType.VARCHAR, true)),
            0,
            Options.table(Map.of()));
    List<Object[]> written =
        List.of(new Object[] {"x".repeat(32_766), longest}, new Object[] {longest, "short"});
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(def, false);
      engine.table("texts").apply(inserts(written));
      engine.checkpoint();
      assertRowsEqual(written, rows(engine, "texts"), "after checkpoint");
      assertFails(
          ErrorCode.DUPLICATE_KEY,
          () -> engine.table("texts").apply(new WriteBatch().insert(new Object[] {longest, "x"})));
    }
    try (Engine engine = Engine.open(dir)) {
      assertRowsEqual(written, rows(engine, "texts"), "after reopen");
    }
  }

  /**
   * An unconstrained DECIMAL accepts any BigDecimal, but a segment stores a decimal as text of at
   * most 32,766 bytes: such a value must be refused when written, or sealed fine.
   */
  @Test
  void decimalTooLongForASegmentIsRefusedOnInsertOrSealed() {
    TableDef def =
        new TableDef(
            "amounts",
            List.of(
                ColumnDef.of("id", ColumnType.BIGINT, false),
                ColumnDef.of("amount", ColumnType.DECIMAL, true)),
            0,
            Options.table(Map.of()));
    BigDecimal huge = new BigDecimal("9".repeat(40_000));
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(def, false);
      engine.createTable(docs("other"), false);
      engine.table("other").apply(docRange(0, 10, "t"));
      boolean accepted;
      try {
        engine.table("amounts").apply(new WriteBatch().insert(new Object[] {1L, huge}));
        accepted = true;
      } catch (QuiverException refused) {
        assertEquals(ErrorCode.VALUE_TOO_LONG, refused.code(), refused.getMessage());
        accepted = false;
      }
      // Either way, the database must still checkpoint.
      engine.checkpoint();
      assertLogTruncated(engine);
      assertEquals(accepted ? 1 : 0, count(engine, "amounts"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Keys across segments: duplicate INSERT, UPSERT and DELETE of sealed rows

  /** The key column's type, with key values of that type. */
  enum KeyKind {
    INTEGER(ColumnType.INTEGER) {
      @Override
      Object key(int i) {
        return i * 7919 - 100_000;
      }
    },
    BIGINT(ColumnType.BIGINT) {
      @Override
      Object key(int i) {
        return i == 0 ? Long.MIN_VALUE : i * 1_000_000_007L * (i % 2 == 0 ? 1 : -1);
      }
    },
    VARCHAR(ColumnType.VARCHAR) {
      @Override
      Object key(int i) {
        return i == 0 ? "" : "clé-" + i + (i % 3 == 0 ? "😀" : "");
      }
    };

    final ColumnType type;

    KeyKind(ColumnType type) {
      this.type = type;
    }

    abstract Object key(int i);

    /** {@code kv (title VARCHAR, k <type> PRIMARY KEY, v VECTOR(2))}: the key is not first. */
    TableDef table() {
      return new TableDef(
          "kv",
          List.of(
              ColumnDef.of("title", ColumnType.VARCHAR, true),
              ColumnDef.of("k", type, false),
              ColumnDef.vector("v", 2, true)),
          1,
          Options.table(Map.of()));
    }

    Object[] row(int i, String title) {
      return new Object[] {title, key(i), new float[] {i, title.length()}};
    }
  }

  @ParameterizedTest
  @EnumSource(KeyKind.class)
  void keysOfSealedRowsAreEnforcedReplacedAndDeletedAcrossCheckpointAndReopen(KeyKind kind) {
    for (boolean checkpointBeforeClose : new boolean[] {true, false}) {
      Path db = dir.resolve(kind + "-" + checkpointBeforeClose);
      String context = kind + (checkpointBeforeClose ? " with" : " without") + " checkpoint";
      Map<Object, Object[]> model = new TreeMap<>();
      try (Engine engine = Engine.open(db)) {
        engine.createTable(kind.table(), false);
        Table kv = engine.table("kv");
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 40; i++) {
          batch.insert(kind.row(i, "first"));
          model.put(kind.key(i), kind.row(i, "first"));
        }
        kv.apply(batch);
        engine.checkpoint();
        assertEquals(1, segmentIds(engine, "kv").size(), context);
        assertEquals(0, growing(engine, "kv").rowCount(), context);

        assertFails(
            ErrorCode.DUPLICATE_KEY,
            () -> kv.apply(new WriteBatch().insert(kind.row(7, "again"))),
            "already exists");
        // A batch holding one duplicate of a sealed key is refused whole.
        assertFails(
            ErrorCode.DUPLICATE_KEY,
            () -> kv.apply(new WriteBatch().insert(kind.row(100, "new")).insert(kind.row(0, "x"))));

        kv.apply(new WriteBatch().upsert(kind.row(7, "upserted")));
        model.put(kind.key(7), kind.row(7, "upserted"));
        assertEquals(40, count(engine, "kv"), context + ": an upsert keeps the count");

        WriteResult deleted =
            kv.apply(new WriteBatch().delete(kind.row(9, "first")).delete(kind.row(11, "first")));
        assertEquals(2, deleted.deleted(), context);
        model.remove(kind.key(9));
        model.remove(kind.key(11));
        // A deleted sealed key may be inserted again.
        kv.apply(new WriteBatch().insert(kind.row(9, "reinserted")));
        model.put(kind.key(9), kind.row(9, "reinserted"));
        assertModel(model, engine, context + ", before close");
        if (checkpointBeforeClose) {
          engine.checkpoint();
          assertModel(model, engine, context + ", after the second checkpoint");
        }
      }

      try (Engine engine = Engine.open(db)) {
        assertModel(model, engine, context + ", after reopen");
        Table kv = engine.table("kv");
        for (int i : new int[] {0, 7, 9, 39}) {
          assertFails(
              ErrorCode.DUPLICATE_KEY,
              () -> kv.apply(new WriteBatch().insert(kind.row(i, "dup"))),
              "already exists");
        }
        kv.apply(new WriteBatch().insert(kind.row(11, "back")).upsert(kind.row(7, "third")));
        model.put(kind.key(11), kind.row(11, "back"));
        model.put(kind.key(7), kind.row(7, "third"));
        assertModel(model, engine, context + ", writes after reopen");
        engine.checkpoint();
      }

      try (Engine engine = Engine.open(db)) {
        assertModel(model, engine, context + ", after the last reopen");
      }
    }
  }

  private static void assertModel(Map<Object, Object[]> model, Engine engine, String context) {
    assertRowsEqual(
        new ArrayList<>(model.values()), sortedBy(rows(engine, "kv"), 1), context + ": rows");
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Deletes are never lost across checkpoints; deletes by value without a key

  @Test
  void deletesBetweenCheckpointsAreAllPersisted() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs("docs"), false);
      Table docs = engine.table("docs");
      docs.apply(docRange(0, 100, "a"));
      engine.checkpoint();
      WriteBatch first = new WriteBatch();
      range(0, 10).forEach(id -> first.delete(doc(id, "a")));
      assertEquals(10, docs.apply(first).deleted());
      engine.checkpoint();
      WriteBatch second = new WriteBatch();
      range(10, 20).forEach(id -> second.delete(doc(id, "a")));
      assertEquals(10, docs.apply(second).deleted());
      engine.checkpoint();
      // And some left to the log only.
      WriteBatch third = new WriteBatch();
      range(20, 25).forEach(id -> third.delete(doc(id, "a")));
      assertEquals(5, docs.apply(third).deleted());
      assertEquals(range(25, 100), ids(rows(engine, "docs")));
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(75, count(engine, "docs"));
      assertEquals(range(25, 100), ids(rows(engine, "docs")));
      engine.checkpoint();
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(range(25, 100), ids(rows(engine, "docs")));
    }
  }

  @Test
  void deletesRacingCheckpointsAreNeitherLostNorResurrected() throws Exception {
    int rows = 3000;
    Set<Long> deleted = Collections.synchronizedSet(new HashSet<>());
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs("docs"), false);
      Table docs = engine.table("docs");
      docs.apply(docRange(0, rows / 2, "a"));
      engine.checkpoint();
      docs.apply(docRange(rows / 2, rows, "a"));
      AtomicReference<Throwable> failure = new AtomicReference<>();
      // Deletes every third row one statement at a time, in sealed and growing rows alike, while
      // checkpoints keep sealing: some land after a cut and before its segment is swapped in.
      Thread deleter =
          new Thread(
              () -> {
                try {
                  for (long id = 0; id < rows; id += 3) {
                    long target = id % 2 == 0 ? id : rows - 1 - id;
                    if (docs.apply(new WriteBatch().delete(doc(target, "a"))).deleted() == 1) {
                      deleted.add(target);
                    }
                    if (id % 30 == 0) {
                      docs.apply(new WriteBatch().insert(doc(rows + id, "late")));
                    }
                  }
                } catch (Throwable e) {
                  failure.set(e);
                }
              });
      deleter.start();
      while (deleter.isAlive()) {
        engine.checkpoint();
      }
      deleter.join();
      if (failure.get() != null) {
        throw new AssertionError("deleter failed", failure.get());
      }
    }
    List<Long> expected = new ArrayList<>();
    for (long id = 0; id < rows; id++) {
      if (!deleted.contains(id)) {
        expected.add(id);
      }
    }
    for (long id = 0; id < rows; id += 30) {
      expected.add(rows + id);
    }
    Collections.sort(expected);
    assertEquals(rows / 3, deleted.size());
    try (Engine engine = Engine.open(dir)) {
      assertEquals(expected, ids(rows(engine, "docs")), "after reopen");
      engine.checkpoint();
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(expected, ids(rows(engine, "docs")), "after a checkpoint and reopen");
    }
  }

  @Test
  void withoutKeyDeletingEqualRowsAcrossSegmentsDeletesExactlyThatMany() {
    Object[] a = {"same", 1, new float[] {1, 2}};
    Object[] b = {"other", null, null};
    Function<Integer, WriteBatch> copies =
        n -> {
          WriteBatch batch = new WriteBatch();
          for (int i = 0; i < n; i++) {
            batch.insert(a.clone());
          }
          return batch;
        };
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(notes(), false);
      Table notes = engine.table("notes");
      notes.apply(copies.apply(4));
      engine.checkpoint();
      notes.apply(copies.apply(3).insert(b));
      engine.checkpoint();
      notes.apply(copies.apply(2).insert(b));
      assertEquals(2, segmentIds(engine, "notes").size());
      assertEquals(11, count(engine, "notes"));

      WriteBatch five = new WriteBatch();
      for (int i = 0; i < 5; i++) {
        five.delete(a);
      }
      assertEquals(5, notes.apply(five).deleted());
      assertEquals(6, count(engine, "notes"));
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(4, countEqual(engine, a), "4 copies left, replayed from the log");
      assertEquals(2, countEqual(engine, b));
      engine.checkpoint();
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(4, countEqual(engine, a), "after a checkpoint");
      WriteBatch six = new WriteBatch();
      for (int i = 0; i < 6; i++) {
        six.delete(a);
      }
      six.delete(b);
      assertEquals(5, engine.table("notes").apply(six).deleted(), "4 of a and 1 of b exist");
      assertEquals(0, countEqual(engine, a));
      assertEquals(1, countEqual(engine, b));
    }
    try (Engine engine = Engine.open(dir)) {
      assertRowsEqual(List.<Object[]>of(b), sortedByText(rows(engine, "notes")), "after reopen");
    }
  }

  private static long countEqual(Engine engine, Object[] row) {
    return rows(engine, "notes").stream().filter(r -> Arrays.deepEquals(r, row)).count();
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Snapshots across checkpoints

  @Test
  void snapshotBeforeDeletingASealedRowStillSeesItAfterACheckpoint() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs("docs"), false);
      Table docs = engine.table("docs");
      docs.apply(docRange(0, 5, "a"));
      engine.checkpoint();
      Snapshot before = engine.snapshot();
      docs.apply(new WriteBatch().delete(doc(2, "a")).upsert(doc(3, "b")));
      engine.checkpoint();
      docs.apply(new WriteBatch().delete(doc(4, "a")));

      List<Object[]> old = sortedBy(rows(engine, "docs", before), 0);
      List<Object[]> expectedOld = new ArrayList<>();
      range(0, 5).forEach(id -> expectedOld.add(doc(id, "a")));
      assertRowsEqual(expectedOld, old, "the snapshot before the delete");
      assertRowsEqual(
          List.of(doc(0, "a"), doc(1, "a"), doc(3, "b")), sortedBy(rows(engine, "docs"), 0), "now");
    }
  }

  @Test
  void snapshotBeforeAnInsertDoesNotSeeItAfterTheCheckpointSealsIt() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs("docs"), false);
      Table docs = engine.table("docs");
      docs.apply(docRange(0, 3, "a"));
      Snapshot before = engine.snapshot();
      docs.apply(docRange(3, 6, "late"));
      engine.checkpoint();
      assertEquals(range(0, 3), ids(rows(engine, "docs", before)));
      assertEquals(range(0, 6), ids(rows(engine, "docs")));
      // Also with the older rows in a segment of their own.
      Snapshot middle = engine.snapshot();
      docs.apply(docRange(6, 9, "later"));
      engine.checkpoint();
      assertEquals(range(0, 3), ids(rows(engine, "docs", before)));
      assertEquals(range(0, 6), ids(rows(engine, "docs", middle)));
      assertEquals(range(0, 9), ids(rows(engine, "docs")));
    }
  }

  @Test
  void scanStartedBeforeACheckpointReturnsEveryRowOnceAfterTheSwap() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs("docs"), false);
      Table docs = engine.table("docs");
      docs.apply(docRange(0, 50, "a"));
      engine.checkpoint();
      docs.apply(docRange(50, 100, "b"));
      java.util.Iterator<Object[]> scan = docs.scan(engine.snapshot(), Predicate.ALWAYS);
      List<Long> seen = new ArrayList<>();
      for (int i = 0; i < 75; i++) {
        seen.add((Long) scan.next()[0]);
      }
      docs.apply(new WriteBatch().delete(doc(90, "b")).delete(doc(10, "a")));
      engine.checkpoint();
      scan.forEachRemaining(r -> seen.add((Long) r[0]));
      assertEquals(range(0, 100), seen, "the scan's snapshot predates the deletes");
    }
  }

  @Test
  void snapshotBeforeDeletingAGrowingRowStillSeesItAfterTheCheckpointSealsIt() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs("docs"), false);
      Table docs = engine.table("docs");
      docs.apply(docRange(0, 3, "a"));
      Snapshot before = engine.snapshot();
      docs.apply(new WriteBatch().delete(doc(1, "a")).upsert(doc(2, "b")));
      assertEquals(range(0, 3), ids(rows(engine, "docs", before)), "before the checkpoint");

      engine.checkpoint();

      assertRowsEqual(
          List.of(doc(0, "a"), doc(1, "a"), doc(2, "a")),
          sortedBy(rows(engine, "docs", before), 0),
          "the snapshot older than the delete and the upsert, after the checkpoint");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Exact search over three segments and growing rows

  @Test
  void searchOverSegmentsAndGrowingRowsMatchesBruteForce() {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    System.out.println("searchOverSegmentsAndGrowingRowsMatchesBruteForce seed=" + seed);
    Random random = new Random(seed);
    int dim = 8;
    TableDef def =
        new TableDef(
            "items",
            List.of(
                ColumnDef.of("id", ColumnType.BIGINT, false),
                ColumnDef.of("cat", ColumnType.INTEGER, true),
                ColumnDef.vector("v", dim, true)),
            0,
            // Segments of 150 rows cannot merge under 200, so the searches span three of them.
            Options.table(Map.of("segment_max_rows", "200")));
    Map<Long, Object[]> model = new TreeMap<>();
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(def, false);
      engine.createIndex(
          new IndexDef(
              "items_v",
              "items",
              "v",
              IndexMethod.HNSW,
              Metric.L2,
              Options.index(IndexMethod.HNSW, Map.of())),
          false);
      Table items = engine.table("items");
      long nextId = 0;
      for (int part = 0; part < 4; part++) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 150; i++) {
          Object[] row = {nextId, random.nextInt(4), randomVector(random, dim, 0.05)};
          batch.insert(row);
          model.put(nextId++, row);
        }
        items.apply(batch);
        // Upserts and deletes that reach into earlier segments.
        WriteBatch changes = new WriteBatch();
        Set<Long> touched = new HashSet<>();
        for (int i = 0; i < 15; i++) {
          long id = random.nextInt((int) nextId);
          Object[] old = model.get(id);
          if (old == null || !touched.add(id)) {
            continue;
          }
          if (random.nextBoolean()) {
            changes.delete(old);
            model.remove(id);
          } else {
            Object[] row = {id, random.nextInt(4), randomVector(random, dim, 0.05)};
            changes.upsert(row);
            model.put(id, row);
          }
        }
        items.apply(changes);
        if (part < 3) {
          engine.checkpoint();
        }
      }
      assertEquals(3, segmentIds(engine, "items").size(), engine.segmentStatus().toString());
      assertTrue(growing(engine, "items").rowCount() > 0);

      List<Predicate> filters =
          List.of(
              Predicate.ALWAYS,
              new Predicate.Compare(1, Predicate.Op.EQ, 2),
              new Predicate.In(1, List.of(0, 3)),
              new Predicate.Compare(1, Predicate.Op.GT, 99));
      for (Metric metric : Metric.values()) {
        for (Predicate filter : filters) {
          for (int k : new int[] {1, 10, 37, 10_000}) {
            float[] query = randomVector(random, dim, 0);
            List<SearchHit> hits =
                items.search(engine.snapshot(), new VectorSearch(2, query, metric, k, filter));
            String context = metric + " k=" + k + " filter=" + filter + " seed=" + seed;
            assertSameNearest(
                bruteForce(model.values(), query, metric, k, filter),
                hits,
                model,
                query,
                metric,
                context);
          }
        }
      }
    }
  }

  /** A random vector; with probability {@code nullOrZero}, NULL, or a zero vector. */
  private static float[] randomVector(Random random, int dim, double nullOrZero) {
    if (random.nextDouble() < nullOrZero) {
      return random.nextBoolean() ? null : new float[dim];
    }
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** Nearness as one number, smaller nearer; NaN (a zero vector under cosine) farthest. */
  private static double rank(Metric metric, float[] query, float[] vector) {
    double d = metric.distance(query, vector);
    if (Double.isNaN(d)) {
      return Double.POSITIVE_INFINITY;
    }
    return metric.higherIsCloser() ? -d : d;
  }

  /** The k nearest rows by every candidate's distance. */
  private static List<Object[]> bruteForce(
      java.util.Collection<Object[]> rows, float[] query, Metric metric, int k, Predicate filter) {
    return rows.stream()
        .filter(r -> r[2] != null && filter.test(r))
        .sorted(
            Comparator.comparingDouble((Object[] r) -> rank(metric, query, (float[]) r[2]))
                .thenComparing(r -> (Long) r[0]))
        .limit(k)
        .toList();
  }

  /**
   * Asserts hits are the oracle's answer: the same distances in the same order, each hit a current
   * row with its exact distance, and the same rows except where several tie at the k-th distance
   * (equal vectors, zero vectors), where any of them may be returned.
   */
  private static void assertSameNearest(
      List<Object[]> expected,
      List<SearchHit> hits,
      Map<Long, Object[]> model,
      float[] query,
      Metric metric,
      String context) {
    assertEquals(expected.size(), hits.size(), context + ": hit count");
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < hits.size(); i++) {
      Object[] row = hits.get(i).row();
      Object[] current = model.get((Long) row[0]);
      assertTrue(
          current != null && Arrays.deepEquals(current, row),
          () -> context + ": hit " + Arrays.deepToString(row) + " is not a current row");
      assertTrue(seen.add((Long) row[0]), context + ": row " + row[0] + " returned twice");
      assertEquals(metric.distance(query, (float[]) row[2]), hits.get(i).distance(), 0, context);
      assertEquals(
          rank(metric, query, (float[]) expected.get(i)[2]),
          rank(metric, query, (float[]) row[2]),
          0,
          context + ": distance of hit " + i);
    }
    if (!expected.isEmpty()) {
      double last = rank(metric, query, (float[]) expected.get(expected.size() - 1)[2]);
      Set<Long> expectedBefore = new HashSet<>();
      Set<Long> actualBefore = new HashSet<>();
      for (int i = 0; i < expected.size(); i++) {
        if (rank(metric, query, (float[]) expected.get(i)[2]) < last) {
          expectedBefore.add((Long) expected.get(i)[0]);
        }
        if (rank(metric, query, (float[]) hits.get(i).row()[2]) < last) {
          actualBefore.add((Long) hits.get(i).row()[0]);
        }
      }
      assertEquals(expectedBefore, actualBefore, context + ": rows nearer than the k-th");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 7. DROP TABLE

  @Test
  void droppedTableLosesItsSegmentFoldersAndARecreatedOneHoldsOnlyNewRows() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs("docs"), false);
      engine.createTable(docs("keep"), false);
      engine.table("docs").apply(docRange(0, 10, "old"));
      engine.checkpoint();
      engine.table("docs").apply(docRange(10, 20, "old"));
      engine.table("keep").apply(docRange(0, 5, "k"));
      engine.checkpoint();
      List<Long> oldSegments = segmentIds(engine, "docs");
      assertEquals(2, oldSegments.size());
      List<Long> keepSegments = segmentIds(engine, "keep");

      engine.dropTable("docs", false);
      // Until the next checkpoint records the drop, the folders stay.
      for (long id : oldSegments) {
        assertTrue(Files.isDirectory(dir.resolve("segments/seg-" + id)), "seg-" + id);
      }
      engine.checkpoint();
      // Dropped segments stay open a while for queries still reading them.
      engine.removeRetiredNow();
      for (long id : oldSegments) {
        assertFalse(Files.exists(dir.resolve("segments/seg-" + id)), "seg-" + id + " removed");
      }
      assertEquals(
          keepSegments.stream().map(id -> "seg-" + id).toList(),
          segmentFolders(dir),
          "only the other table's segments remain");

      engine.createTable(docs("docs"), false);
      engine.table("docs").apply(docRange(100, 103, "new"));
      engine.checkpoint();
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(List.of(100L, 101L, 102L), ids(rows(engine, "docs")));
      assertEquals(5, count(engine, "keep"));
      assertFails(
          ErrorCode.DUPLICATE_KEY,
          () -> engine.table("docs").apply(new WriteBatch().insert(doc(100, "dup"))));
      // Old keys are free again.
      engine.table("docs").apply(new WriteBatch().insert(doc(5, "reused")));
      assertEquals(4, count(engine, "docs"));
    }
  }

  @Test
  void tableDroppedAndRecreatedWithoutCheckpointReopensWithOnlyNewRows() {
    List<Long> oldSegments;
    TableDef other =
        new TableDef(
            "docs",
            List.of(
                ColumnDef.of("name", ColumnType.VARCHAR, false),
                ColumnDef.of("n", ColumnType.INTEGER, true)),
            0,
            Options.table(Map.of()));
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs("docs"), false);
      engine.table("docs").apply(docRange(0, 10, "old"));
      engine.checkpoint();
      oldSegments = segmentIds(engine, "docs");
      engine.dropTable("docs", false);
      engine.createTable(other, false);
      engine.table("docs").apply(new WriteBatch().insert(new Object[] {"new", 1}));
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(other, engine.table("docs").def());
      assertRowsEqual(
          List.<Object[]>of(new Object[] {"new", 1}), rows(engine, "docs"), "after reopen");
      engine.checkpoint();
      engine.removeRetiredNow();
      for (long id : oldSegments) {
        assertFalse(Files.exists(dir.resolve("segments/seg-" + id)), "seg-" + id + " removed");
      }
    }
    try (Engine engine = Engine.open(dir)) {
      assertRowsEqual(
          List.<Object[]>of(new Object[] {"new", 1}), rows(engine, "docs"), "after checkpoint");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 9. A cosine HNSW index and a zero vector

  @Test
  void cosineIndexedColumnHoldingAZeroVectorStillCheckpoints() {
    TableDef def =
        new TableDef(
            "emb",
            List.of(ColumnDef.of("id", ColumnType.BIGINT, false), ColumnDef.vector("v", 3, true)),
            0,
            Options.table(Map.of()));
    List<Object[]> first =
        List.of(
            new Object[] {1L, new float[] {3, 4, 0}},
            new Object[] {2L, new float[] {0, 0, 0}},
            new Object[] {3L, null},
            new Object[] {4L, new float[] {-0.0f, 0, -2.5f}});
    List<Object[]> second =
        List.of(new Object[] {5L, new float[] {1, 1, 1}}, new Object[] {6L, new float[] {9, 0, 1}});
    List<Object[]> all = new ArrayList<>(first);
    all.addAll(second);
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(def, false);
      engine.createIndex(
          new IndexDef(
              "emb_v",
              "emb",
              "v",
              IndexMethod.HNSW,
              Metric.COSINE,
              Options.index(IndexMethod.HNSW, Map.of("metric", "cosine"))),
          false);
      engine.table("emb").apply(inserts(first));
      engine.checkpoint();
      engine.table("emb").apply(inserts(second));
      engine.checkpoint();
      assertEquals(2, segmentIds(engine, "emb").size());
      assertRowsEqual(all, rows(engine, "emb"), "after checkpoints");
    }
    try (Engine engine = Engine.open(dir)) {
      assertRowsEqual(all, rows(engine, "emb"), "after reopen");
      List<SearchHit> hits =
          engine
              .table("emb")
              .search(
                  engine.snapshot(),
                  new VectorSearch(1, new float[] {3, 4, 0}, Metric.COSINE, 10, Predicate.ALWAYS));
      assertEquals(List.of(1L, 5L, 6L, 4L, 2L), hits.stream().map(h -> h.row()[0]).toList());
      assertTrue(Double.isNaN(hits.get(4).distance()), "the zero vector is farthest, at NaN");
      // The segment with the zero vector keeps its vectors without a graph; the other has one.
      engine.awaitIndexed(60_000);
      List<SegmentStatus> status =
          engine.segmentStatus().stream().filter(s -> s.segmentId() != null).toList();
      assertEquals(
          List.of("FLUSHED", "INDEXED"), status.stream().map(SegmentStatus::state).toList());
      assertEquals("emb_v", status.get(1).indexName());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 10. sys.segments

  @Test
  void segmentStatusReportsSegmentsWithRowAndDeleteCountsAndTheGrowingRows() {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(docs("indexed"), false);
      engine.createTable(docs("plain"), false);
      engine.createIndex(
          new IndexDef(
              "indexed_v",
              "indexed",
              "v",
              IndexMethod.HNSW,
              Metric.L2,
              Options.index(IndexMethod.HNSW, Map.of())),
          false);
      engine.table("indexed").apply(docRange(0, 30, "a"));
      engine.table("plain").apply(docRange(0, 20, "a"));
      engine.checkpoint();
      engine.table("plain").apply(docRange(20, 27, "b"));
      engine.checkpoint();
      engine.table("indexed").apply(new WriteBatch().delete(doc(3, "a")).delete(doc(4, "a")));
      engine.table("indexed").apply(new WriteBatch().upsert(doc(5, "new")));
      engine.table("plain").apply(new WriteBatch().delete(doc(21, "b")));
      engine.table("plain").apply(docRange(100, 104, "c"));
      engine.table("plain").apply(new WriteBatch().delete(doc(100, "c")));
      assertStatus(engine);
      engine.checkpoint();
    }
    try (Engine engine = Engine.open(dir)) {
      List<SegmentStatus> status = engine.segmentStatus();
      List<SegmentStatus> sealed = status.stream().filter(s -> s.segmentId() != null).toList();
      // The third checkpoint sealed the growing rows: 1 of indexed, 3 of plain.
      assertEquals(5, sealed.size(), status.toString());
      SegmentStatus indexed = sealed.get(0);
      assertEquals("indexed", indexed.table());
      assertEquals(30, indexed.rowCount());
      assertEquals(3, indexed.deletedRows(), "persisted deletes and the upsert");
      for (SegmentStatus s : sealed) {
        assertNotNull(s.sealedAtMillis(), s.toString());
        assertTrue(s.sizeBytes() > 0, s.toString());
      }
      assertEquals(0, growing(engine, "indexed").rowCount());
      assertEquals(0, growing(engine, "plain").rowCount());
    }
  }

  private static void assertStatus(Engine engine) {
    engine.awaitIndexed(60_000);
    List<SegmentStatus> status = engine.segmentStatus();
    List<SegmentStatus> indexed = status.stream().filter(s -> s.table().equals("indexed")).toList();
    List<SegmentStatus> plain = status.stream().filter(s -> s.table().equals("plain")).toList();
    assertEquals(2, indexed.size(), indexed.toString());
    SegmentStatus segment = indexed.get(0);
    assertNotNull(segment.segmentId());
    assertEquals("INDEXED", segment.state());
    assertEquals("indexed_v", segment.indexName());
    assertEquals("BUILT", segment.indexState());
    assertEquals(30, segment.rowCount());
    assertEquals(3, segment.deletedRows(), "two deletes and an upsert");
    assertTrue(segment.sizeBytes() > 0);
    assertNotNull(segment.sealedAtMillis());
    SegmentStatus growingIndexed = indexed.get(1);
    assertEquals("GROWING", growingIndexed.state());
    assertNull(growingIndexed.segmentId());
    assertNull(growingIndexed.sealedAtMillis());
    assertEquals(1, growingIndexed.rowCount(), "the upserted row");
    assertEquals(0, growingIndexed.deletedRows());

    assertEquals(3, plain.size(), plain.toString());
    assertEquals(
        List.of("FLUSHED", "FLUSHED", "GROWING"), plain.stream().map(s -> s.state()).toList());
    assertNull(plain.get(0).indexName());
    assertNull(plain.get(0).indexState());
    assertEquals(20, plain.get(0).rowCount());
    assertEquals(0, plain.get(0).deletedRows());
    assertEquals(7, plain.get(1).rowCount());
    assertEquals(1, plain.get(1).deletedRows());
    assertTrue(plain.get(0).segmentId() < plain.get(1).segmentId());
    assertEquals(4, plain.get(2).rowCount());
    assertEquals(1, plain.get(2).deletedRows());
  }
}
