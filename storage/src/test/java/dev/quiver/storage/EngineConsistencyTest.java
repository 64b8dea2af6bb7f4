package dev.quiver.storage;

import static dev.quiver.storage.SegmentTestSupport.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.SearchHit;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Timeline;
import dev.quiver.storage.table.VectorSearch;
import dev.quiver.storage.table.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The consistency levels have their meaning at the engine: with the applier paused through its test
 * hook, acknowledged rows stay unapplied, so what each level waits for and what it reads are
 * observed without depending on timing. The clock is moved by hand for BOUNDED and time travel.
 */
class EngineConsistencyTest {
  private static final long START_MILLIS = 1_800_000_000_000L;

  private final AtomicLong clock = new AtomicLong(START_MILLIS);
  private final Engine engine = Engine.inMemory(clock::get);

  @AfterEach
  void close() {
    engine.close();
  }

  private void createTable(Map<String, String> options) {
    engine.createTable(
        new TableDef(
            "t",
            List.of(ColumnDef.of("id", ColumnType.BIGINT, false), ColumnDef.vector("v", 2, false)),
            0,
            Options.table(options)),
        false);
  }

  private long insert(long id) {
    return engine
        .table("t")
        .apply(new WriteBatch().insert(new Object[] {id, new float[] {id, 1}}))
        .timestamp();
  }

  private long delete(long id) {
    return engine
        .table("t")
        .apply(new WriteBatch().delete(new Object[] {id, new float[] {id, 1}}))
        .timestamp();
  }

  /** The ids a scan and a top-k search see at a snapshot; both must agree. */
  private List<Long> ids(Snapshot snapshot) {
    List<Long> scanned = rows(engine, "t", snapshot).stream().map(r -> (Long) r[0]).toList();
    List<Long> found =
        engine
            .table("t")
            .search(
                snapshot, new VectorSearch(1, new float[] {0, 1}, Metric.L2, 100, Predicate.ALWAYS))
            .stream()
            .map(SearchHit::row)
            .map(r -> (Long) r[0])
            .sorted()
            .toList();
    assertEquals(scanned.stream().sorted().toList(), found, "scan and search disagree");
    return scanned;
  }

  private Snapshot read(ConsistencyLevel level, long staleness, long lastWrite, long timeout) {
    return engine.awaitSnapshot(
        engine.guarantee(level, staleness, lastWrite), timeout, null, "consistency level " + level);
  }

  @Test
  void eventuallyReturnsAtOnceWithoutTheUnappliedRows() {
    createTable(Map.of());
    engine.applier().pause();
    insert(1);
    engine.applier().applyNow();
    long unapplied = insert(2);

    Snapshot snapshot = read(ConsistencyLevel.EVENTUALLY, 0, 0, 0);

    assertTrue(snapshot.timestamp() < unapplied);
    assertEquals(List.of(1L), ids(snapshot));
  }

  @Test
  void sessionSeesItsOwnWritesButNotAnotherConnectionsUnappliedOnes() {
    createTable(Map.of());
    engine.applier().pause();
    long mine = insert(1);
    engine.applier().applyNow();
    long theirs = insert(2);

    assertEquals(List.of(1L), ids(read(ConsistencyLevel.SESSION, 0, mine, 0)));
    QuiverException timeout =
        assertThrows(QuiverException.class, () -> read(ConsistencyLevel.SESSION, 0, theirs, 0));
    assertEquals(ErrorCode.CONSISTENCY_TIMEOUT, timeout.code());
    assertEquals(
        "a query at consistency level SESSION waited consistency_timeout_ms = 0 for the engine to"
            + " apply writes up to its guarantee timestamp "
            + Timeline.describe(theirs)
            + ", but the applied timestamp is still "
            + Timeline.describe(mine)
            + "; raise it with SET consistency_timeout_ms = n, or read at a weaker level (SET"
            + " CONSISTENCY LEVEL EVENTUALLY or BOUNDED)",
        timeout.getMessage());
  }

  @Test
  void strongWaitsForTheApplierAndSeesEverythingAcknowledgedBeforeItStarted() throws Exception {
    createTable(Map.of());
    engine.applier().pause();
    long acknowledged = insert(1);
    Session session = engine.openSession(null);

    CompletableFuture<Snapshot> strong =
        CompletableFuture.supplyAsync(
            () ->
                engine.awaitSnapshot(
                    engine.guarantee(ConsistencyLevel.STRONG, 0, 0),
                    60_000,
                    session,
                    "consistency level STRONG"));
    while (session.waitingFor() == 0) {
      Thread.onSpinWait();
    }
    assertEquals(acknowledged, session.waitingFor());
    assertFalse(strong.isDone());
    engine.applier().resume();

    Snapshot snapshot = strong.get();
    assertTrue(snapshot.timestamp() >= acknowledged);
    assertEquals(List.of(1L), ids(snapshot));
    assertEquals(0, session.waitingFor());
    assertEquals(snapshot.timestamp(), session.lastSnapshot());
  }

  @Test
  void boundedSeesRowsOlderThanTheBoundAndWaitsForThem() throws Exception {
    createTable(Map.of());
    engine.applier().pause();
    insert(1);
    engine.applier().applyNow();
    clock.addAndGet(10_000);
    long young = insert(2);

    // Row 2 is 0 ms old: within a 5 s bound, so not needed, and not read unapplied.
    assertEquals(List.of(1L), ids(read(ConsistencyLevel.BOUNDED, 5_000, 0, 0)));

    clock.addAndGet(10_000);
    // Now row 2 is 10 s old: a 5 s bound needs it, so the query waits for the applier.
    QuiverException timeout =
        assertThrows(QuiverException.class, () -> read(ConsistencyLevel.BOUNDED, 5_000, 0, 0));
    assertEquals(ErrorCode.CONSISTENCY_TIMEOUT, timeout.code());
    engine.applier().resume();
    Snapshot snapshot = read(ConsistencyLevel.BOUNDED, 5_000, 0, 60_000);
    assertTrue(snapshot.timestamp() >= young);
    assertEquals(List.of(1L, 2L), ids(snapshot));
  }

  @Test
  void asOfReadsTheTableAsItWasWithinItsRetention() {
    createTable(Map.of("time_travel_retention_s", "100"));
    insert(1);
    clock.addAndGet(10_000);
    delete(1);
    insert(2);
    clock.addAndGet(10_000);
    engine.applier().pause();
    engine.applier().applyNow();
    long unapplied = insert(3);

    assertEquals(List.of(1L), ids(engine.snapshotAsOf("t", START_MILLIS + 5_000, 0, null)));
    assertEquals(List.of(2L), ids(engine.snapshotAsOf("t", START_MILLIS + 15_000, 0, null)));
    // The instant of the last write: like any query, the read waits until it is applied.
    QuiverException timeout =
        assertThrows(
            QuiverException.class, () -> engine.snapshotAsOf("t", START_MILLIS + 20_000, 0, null));
    assertEquals(ErrorCode.CONSISTENCY_TIMEOUT, timeout.code());
    engine.applier().resume();
    Snapshot now = engine.snapshotAsOf("t", START_MILLIS + 20_000, 60_000, null);
    assertTrue(now.timestamp() >= unapplied);
    assertEquals(List.of(2L, 3L), ids(now));
  }

  @Test
  void asOfBeforeTheRetentionOrInTheFutureIsRefusedNamingTheLimit() {
    createTable(Map.of("time_travel_retention_s", "100"));
    insert(1);
    clock.addAndGet(200_000);

    QuiverException old =
        assertThrows(
            QuiverException.class, () -> engine.snapshotAsOf("t", START_MILLIS, 1_000, null));
    assertEquals(ErrorCode.SNAPSHOT_TOO_OLD, old.code());
    assertEquals(
        "table t cannot be read AS OF "
            + Timeline.instant(START_MILLIS)
            + ": it keeps its history for time_travel_retention_s = 100 seconds, so the oldest"
            + " instant it can be read at now is "
            + Timeline.instant(START_MILLIS + 100_000)
            + "; ALTER TABLE t SET (time_travel_retention_s = n) keeps more from now on",
        old.getMessage());

    QuiverException future =
        assertThrows(
            QuiverException.class,
            () -> engine.snapshotAsOf("t", START_MILLIS + 300_000, 1_000, null));
    assertEquals(ErrorCode.INVALID_VALUE, future.code());
    assertTrue(future.getMessage().contains("that instant is in the future"), future.getMessage());
  }
}
