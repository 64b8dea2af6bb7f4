package dev.quiver.storage.catalog.store;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static dev.quiver.storage.catalog.store.CatalogFixtures.index;
import static dev.quiver.storage.catalog.store.CatalogFixtures.segment;
import static dev.quiver.storage.catalog.store.CatalogFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.catalog.store.CatalogFixtures.Contents;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CatalogStore} shares; an implementation's test subclasses this and
 * supplies a new, empty store.
 */
abstract class BaseCatalogStoreTestCase {
  /** The store under test, opened before each test and closed after it. */
  CatalogStore store;

  /** A new, empty store. */
  abstract CatalogStore openStore();

  @BeforeEach
  void openStoreUnderTest() {
    store = openStore();
  }

  @AfterEach
  void closeStoreUnderTest() {
    store.close();
  }

  /** Allocates ids until {@code id} is allocated, so fixtures can use small fixed ids. */
  void allocateThrough(long id) {
    while (store.nextSegmentId() < id) {
      // Each call allocates one more id.
    }
  }

  @Test
  void newStoreIsEmpty() {
    assertEquals(Map.of(), store.tables());
    assertEquals(Map.of(), store.indexes());
    assertEquals(List.of(), store.segments());
    assertEquals(0, store.checkpointTs());
    assertEquals(Map.of(), store.deletes(1));
  }

  @Test
  void createdTablesAreListedByNameWithTheirDefinitions() {
    store.createTable(table("zeta"));
    store.createTable(table("alpha"));

    assertEquals(List.of("alpha", "zeta"), List.copyOf(store.tables().keySet()));
    assertEquals(table("zeta"), store.tables().get("zeta"));
  }

  @Test
  void creatingAnExistingTableFailsAndChangesNothing() {
    store.createTable(table("docs"));
    Contents before = Contents.of(store);

    assertFails(ErrorCode.DUPLICATE_OBJECT, () -> store.createTable(table("docs")), "docs");

    assertEquals(before, Contents.of(store));
  }

  @Test
  void droppingATableRemovesItsIndexesAndDropsItsSegmentsKeepingOtherTables() {
    store.createTable(table("docs"));
    store.createTable(table("other"));
    store.createIndex(index("docs_idx", "docs"));
    store.createIndex(index("other_idx", "other"));
    allocateThrough(3);
    store.putSegment(segment(1, "docs", SegmentState.INDEXED));
    store.putSegment(segment(2, "docs", SegmentState.GROWING));
    store.putSegment(segment(3, "other", SegmentState.FLUSHED));
    store.putDeletes(1, Map.of(5L, 50L));

    store.dropTable("docs");

    assertEquals(Set.of("other"), store.tables().keySet());
    assertEquals(Set.of("other_idx"), store.indexes().keySet());
    assertEquals(
        List.of(
            segment(1, "docs", SegmentState.INDEXED).withState(SegmentState.DROPPED),
            segment(2, "docs", SegmentState.GROWING).withState(SegmentState.DROPPED)),
        store.segments("docs"));
    assertEquals(List.of(segment(3, "other", SegmentState.FLUSHED)), store.segments("other"));
    assertEquals(Map.of(5L, 50L), store.deletes(1), "deletes stay until the segment is removed");
  }

  @Test
  void droppingAMissingTableFailsWithTableNotFound() {
    assertFails(ErrorCode.TABLE_NOT_FOUND, () -> store.dropTable("nope"), "nope");
  }

  @Test
  void aTableCanBeCreatedAgainAfterItWasDropped() {
    store.createTable(table("docs"));
    store.createIndex(index("docs_idx", "docs"));
    store.dropTable("docs");

    store.createTable(table("docs"));
    store.createIndex(index("docs_idx", "docs"));

    assertEquals(Set.of("docs_idx"), store.indexes().keySet());
  }

  @Test
  void createdIndexIsListedWithItsDefinition() {
    store.createTable(table("docs"));

    store.createIndex(index("docs_idx", "docs"));

    assertEquals(Map.of("docs_idx", index("docs_idx", "docs")), store.indexes());
  }

  @Test
  void indexNeedsItsTableAndColumnAndAFreeName() {
    store.createTable(table("docs"));
    store.createIndex(index("docs_idx", "docs"));
    Contents before = Contents.of(store);

    assertFails(
        ErrorCode.TABLE_NOT_FOUND, () -> store.createIndex(index("x_idx", "missing")), "missing");
    assertFails(
        ErrorCode.COLUMN_NOT_FOUND,
        () ->
            store.createIndex(
                new IndexDef("y_idx", "docs", "nope", IndexMethod.FLAT, Metric.L2, Map.of())),
        "nope",
        "docs");
    assertFails(
        ErrorCode.DUPLICATE_OBJECT, () -> store.createIndex(index("docs_idx", "docs")), "docs_idx");

    assertEquals(before, Contents.of(store));
  }

  @Test
  void droppedIndexIsGoneAndDroppingItAgainFails() {
    store.createTable(table("docs"));
    store.createIndex(index("docs_idx", "docs"));

    store.dropIndex("docs_idx");

    assertEquals(Map.of(), store.indexes());
    assertEquals(Set.of("docs"), store.tables().keySet());
    assertFails(ErrorCode.INDEX_NOT_FOUND, () -> store.dropIndex("docs_idx"), "docs_idx");
  }

  @Test
  void segmentIdsStartAtOneAndNeverRepeatAcrossThreads() throws Exception {
    assertEquals(1, store.nextSegmentId());
    assertEquals(2, store.nextSegmentId());

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            pool.submit(
                () -> {
                  List<Long> ids = new ArrayList<>();
                  for (int i = 0; i < 50; i++) {
                    ids.add(store.nextSegmentId());
                  }
                  return ids;
                }));
      }
      Set<Long> seen = new HashSet<>();
      for (Future<List<Long>> future : futures) {
        for (long id : future.get()) {
          assertTrue(seen.add(id), "id " + id + " handed out twice");
        }
      }
      assertEquals(200, seen.size());
      assertEquals(203, store.nextSegmentId());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void putSegmentAddsAndReplacesEntries() {
    store.createTable(table("docs"));
    allocateThrough(1);

    store.putSegment(segment(1, "docs", SegmentState.GROWING));
    store.putSegment(segment(1, "docs", SegmentState.SEALED));

    assertEquals(Optional.of(segment(1, "docs", SegmentState.SEALED)), store.segment(1));
    assertEquals(List.of(segment(1, "docs", SegmentState.SEALED)), store.segments());
    assertEquals(Optional.empty(), store.segment(2));
  }

  @Test
  void segmentsAreListedPerTableInIdOrder() {
    store.createTable(table("a"));
    store.createTable(table("b"));
    allocateThrough(4);
    store.putSegment(segment(3, "a", SegmentState.FLUSHED));
    store.putSegment(segment(1, "a", SegmentState.INDEXED));
    store.putSegment(segment(2, "b", SegmentState.GROWING));
    store.putSegment(segment(4, "a", SegmentState.GROWING));

    assertEquals(
        List.of(
            segment(1, "a", SegmentState.INDEXED),
            segment(3, "a", SegmentState.FLUSHED),
            segment(4, "a", SegmentState.GROWING)),
        store.segments("a"));
    assertEquals(List.of(segment(2, "b", SegmentState.GROWING)), store.segments("b"));
    assertEquals(List.of(), store.segments("c"));
    assertEquals(List.of(1L, 2L, 3L, 4L), store.segments().stream().map(SegmentMeta::id).toList());
  }

  @Test
  void liveSegmentOfAMissingTableIsRefusedButADroppedOneIsKept() {
    allocateThrough(2);

    assertFails(
        ErrorCode.TABLE_NOT_FOUND,
        () -> store.putSegment(segment(1, "gone", SegmentState.FLUSHED)),
        "gone",
        "segment 1");
    store.putSegment(segment(2, "gone", SegmentState.DROPPED));

    assertEquals(List.of(segment(2, "gone", SegmentState.DROPPED)), store.segments());
  }

  @Test
  void segmentIdsMustComeFromNextSegmentId() {
    store.createTable(table("docs"));
    allocateThrough(2);

    assertThrows(
        IllegalArgumentException.class,
        () -> store.putSegment(segment(3, "docs", SegmentState.GROWING)));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.putSegment(segment(0, "docs", SegmentState.GROWING)));
    assertEquals(List.of(), store.segments());
  }

  @Test
  void segmentCannotMoveToAnotherTableOrLeaveDropped() {
    store.createTable(table("a"));
    store.createTable(table("b"));
    allocateThrough(2);
    store.putSegment(segment(1, "a", SegmentState.FLUSHED));
    store.putSegment(segment(2, "a", SegmentState.DROPPED));

    assertThrows(
        IllegalArgumentException.class,
        () -> store.putSegment(segment(1, "b", SegmentState.FLUSHED)));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.putSegment(segment(2, "a", SegmentState.INDEXED)));
    assertEquals(
        List.of(segment(1, "a", SegmentState.FLUSHED), segment(2, "a", SegmentState.DROPPED)),
        store.segments());
  }

  @Test
  void applySegmentChangesStoresSegmentsDeletesAndCheckpointTogether() {
    store.createTable(table("docs"));
    allocateThrough(3);
    store.putSegment(segment(1, "docs", SegmentState.SEALED));
    store.putSegment(segment(2, "docs", SegmentState.GROWING));

    store.applySegmentChanges(
        List.of(
            segment(1, "docs", SegmentState.INDEXED),
            segment(2, "docs", SegmentState.SEALED),
            segment(3, "docs", SegmentState.GROWING)),
        Map.of(1L, Map.of(7L, 70L, 8L, 80L), 3L, Map.of(0L, 90L)),
        100);

    assertEquals(
        List.of(
            segment(1, "docs", SegmentState.INDEXED),
            segment(2, "docs", SegmentState.SEALED),
            segment(3, "docs", SegmentState.GROWING)),
        store.segments());
    assertEquals(Map.of(7L, 70L, 8L, 80L), store.deletes(1));
    assertEquals(Map.of(0L, 90L), store.deletes(3));
    assertEquals(100, store.checkpointTs());
  }

  @Test
  void applySegmentChangesWithOneBadUpsertChangesNothing() {
    store.createTable(table("docs"));
    allocateThrough(3);
    store.putSegment(segment(1, "docs", SegmentState.SEALED));
    store.applySegmentChanges(List.of(), Map.of(1L, Map.of(1L, 10L)), 50);
    Contents before = Contents.of(store);

    assertFails(
        ErrorCode.TABLE_NOT_FOUND,
        () ->
            store.applySegmentChanges(
                List.of(
                    segment(1, "docs", SegmentState.FLUSHED),
                    segment(2, "missing", SegmentState.FLUSHED)),
                Map.of(1L, Map.of(2L, 20L)),
                60),
        "missing");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            store.applySegmentChanges(
                List.of(
                    segment(1, "docs", SegmentState.FLUSHED),
                    segment(9, "docs", SegmentState.FLUSHED)),
                Map.of(1L, Map.of(2L, 20L)),
                60));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            store.applySegmentChanges(
                List.of(segment(1, "docs", SegmentState.FLUSHED)),
                Map.of(1L, Map.of(2L, 20L), 3L, Map.of(1L, 1L)),
                60),
        "deletes of a segment that is not in the catalog");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            store.applySegmentChanges(
                List.of(
                    segment(1, "docs", SegmentState.FLUSHED),
                    segment(1, "docs", SegmentState.INDEXED)),
                60));

    assertEquals(before, Contents.of(store));
  }

  @Test
  void applySegmentChangesAcceptsDeletesOfASegmentItAdds() {
    store.createTable(table("docs"));
    allocateThrough(1);

    store.applySegmentChanges(
        List.of(segment(1, "docs", SegmentState.FLUSHED)),
        Map.of(1L, Map.of(4L, 40L)),
        CatalogStore.KEEP_CHECKPOINT);

    assertEquals(Map.of(4L, 40L), store.deletes(1));
    assertEquals(0, store.checkpointTs());
  }

  @Test
  void checkpointOnlyMovesForwardOrStays() {
    store.applySegmentChanges(List.of(), 10);
    store.applySegmentChanges(List.of(), 10);
    store.applySegmentChanges(List.of(), CatalogStore.KEEP_CHECKPOINT);
    assertEquals(10, store.checkpointTs());

    assertThrows(IllegalArgumentException.class, () -> store.applySegmentChanges(List.of(), 9));
    store.applySegmentChanges(List.of(), 11);

    assertEquals(11, store.checkpointTs());
  }

  @Test
  void deletesMergeKeepingTheEarlierTimestampOfARow() {
    store.createTable(table("docs"));
    allocateThrough(1);
    store.putSegment(segment(1, "docs", SegmentState.FLUSHED));

    store.putDeletes(1, Map.of(3L, 30L, 1L, 10L));
    store.putDeletes(1, Map.of(3L, 35L, 2L, 20L));
    store.applySegmentChanges(List.of(), Map.of(1L, Map.of(1L, 5L, 4L, 40L)), 1);

    NavigableMap<Long, Long> expected = new TreeMap<>(Map.of(1L, 5L, 2L, 20L, 3L, 30L, 4L, 40L));
    assertEquals(expected, store.deletes(1));
    assertEquals(List.of(1L, 2L, 3L, 4L), List.copyOf(store.deletes(1).keySet()));
  }

  @Test
  void deletesOfAnUnknownSegmentAreEmptyAndCannotBePut() {
    assertEquals(Map.of(), store.deletes(42));
    assertThrows(IllegalArgumentException.class, () -> store.putDeletes(42, Map.of(1L, 1L)));
  }

  @Test
  void removingADroppedSegmentRemovesItAndItsDeletesOnly() {
    store.createTable(table("docs"));
    allocateThrough(2);
    store.putSegment(segment(1, "docs", SegmentState.FLUSHED));
    store.putSegment(segment(2, "docs", SegmentState.FLUSHED));
    store.putDeletes(1, Map.of(1L, 10L));
    store.putDeletes(2, Map.of(1L, 11L));
    store.putSegment(segment(1, "docs", SegmentState.DROPPED));

    assertTrue(store.removeSegment(1));

    assertEquals(List.of(segment(2, "docs", SegmentState.FLUSHED)), store.segments());
    assertEquals(Map.of(), store.deletes(1));
    assertEquals(Map.of(1L, 11L), store.deletes(2));
    assertFalse(store.removeSegment(1));
  }

  @Test
  void removingALiveSegmentIsRefused() {
    store.createTable(table("docs"));
    allocateThrough(1);
    store.putSegment(segment(1, "docs", SegmentState.INDEXED));

    assertThrows(IllegalArgumentException.class, () -> store.removeSegment(1));

    assertEquals(List.of(segment(1, "docs", SegmentState.INDEXED)), store.segments());
  }

  @Test
  void readsAreImmutableSnapshots() {
    store.createTable(table("docs"));
    allocateThrough(1);
    store.putSegment(segment(1, "docs", SegmentState.FLUSHED));
    store.putDeletes(1, Map.of(1L, 10L));
    Map<String, TableDef> tables = store.tables();
    NavigableMap<Long, Long> deletes = store.deletes(1);
    List<SegmentMeta> segments = store.segments();

    store.createTable(table("more"));
    store.putDeletes(1, Map.of(2L, 20L));

    assertEquals(Set.of("docs"), tables.keySet());
    assertEquals(Map.of(1L, 10L), deletes);
    assertThrows(UnsupportedOperationException.class, () -> tables.remove("docs"));
    assertThrows(UnsupportedOperationException.class, () -> deletes.put(3L, 3L));
    assertThrows(UnsupportedOperationException.class, () -> segments.clear());
    assertThrows(
        UnsupportedOperationException.class, () -> store.indexes().put("x", index("x", "docs")));
  }

  @Test
  void closedStoreFailsWithEngineClosedAndClosingTwiceIsHarmless() {
    store.close();
    store.close();

    assertFails(ErrorCode.ENGINE_CLOSED, () -> store.tables(), "closed");
    assertFails(ErrorCode.ENGINE_CLOSED, () -> store.createTable(table("docs")), "closed");
    assertFails(ErrorCode.ENGINE_CLOSED, () -> store.nextSegmentId());
  }
}
