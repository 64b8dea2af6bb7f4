package dev.quiver.storage.table;

import static dev.quiver.storage.table.TableFixture.row;
import static dev.quiver.storage.table.TableFixture.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.QuiverException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tests of multi-version reads: a {@link Snapshot} sees exactly the batches committed before it.
 */
class TableMvccTest {

  @Test
  void snapshotTakenBeforeBatchDoesNotSeeItsInserts() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)));
    Snapshot before = t.snapshot();

    t.insert(row(2L, "two", vec(0, 1, 0)), row(3L, "three", vec(0, 0, 1)));

    assertEquals(1, t.table.rowCount(before));
    assertEquals(3, t.table.rowCount(t.snapshot()));
  }

  @Test
  void snapshotTakenBeforeBatchStillSeesTheRowsItDeletes() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)), row(2L, "two", vec(0, 1, 0)));
    Snapshot before = t.snapshot();

    t.table.apply(new WriteBatch().delete(row(1L, "one", vec(1, 0, 0))));

    assertEquals(
        TableFixture.text(List.of(row(1L, "one", vec(1, 0, 0)), row(2L, "two", vec(0, 1, 0)))),
        t.contents(before));
    t.assertContents(row(2L, "two", vec(0, 1, 0)));
  }

  @Test
  void snapshotTakenBeforeUpdateSeesTheOldVersionOnly() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "old", vec(1, 0, 0)));
    Snapshot before = t.snapshot();

    t.table.apply(new WriteBatch().upsert(row(1L, "new", vec(0, 1, 0))));

    assertEquals(
        TableFixture.text(List.<Object[]>of(row(1L, "old", vec(1, 0, 0)))), t.contents(before));
    t.assertContents(row(1L, "new", vec(0, 1, 0)));
  }

  @Test
  void snapshotOfEmptyTableStaysEmpty() {
    TableFixture t = TableFixture.docs();
    Snapshot empty = t.snapshot();

    t.insert(row(1L, "one", vec(1, 0, 0)));

    assertFalse(t.table.scan(empty, Predicate.ALWAYS).hasNext());
  }

  @Test
  void scanIteratorKeepsReadingItsSnapshotWhileWritesGoOn() {
    TableFixture t = TableFixture.docs();
    List<Object[]> original = new ArrayList<>();
    for (long id = 0; id < 100; id++) {
      original.add(row(id, "v" + id, vec(id, 0, 0)));
    }
    t.insert(original.toArray(Object[][]::new));

    Iterator<Object[]> it = t.table.scan(t.snapshot(), Predicate.ALWAYS);
    List<Object[]> seen = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      seen.add(it.next());
    }
    for (long id = 10; id < 100; id++) {
      t.table.apply(
          new WriteBatch()
              .delete(original.get((int) id))
              .insert(row(1000 + id, "new", vec(0, 1, 0)))
              .upsert(row(id - 10, "replaced", vec(0, 0, 1))));
    }
    it.forEachRemaining(seen::add);

    assertEquals(TableFixture.text(original), TableFixture.text(seen));
    assertEquals(180, t.table.rowCount(t.snapshot()));
  }

  @Test
  void eachBatchGetsAStrictlyLaterTimestamp() {
    TableFixture t = TableFixture.docs();
    long previous = t.snapshot().timestamp();
    for (long id = 0; id < 50; id++) {
      long ts = t.insert(row(id, null, vec(1, 1, 1))).timestamp();
      assertTrue(ts > previous, "timestamp " + ts + " after " + previous);
      assertEquals(ts, t.timeline.lastCommitted());
      previous = ts;
    }
  }

  @Test
  void timelineContinuesAfterItsStartingTimestamp() {
    long far = (System.currentTimeMillis() + 3_600_000L) << Timeline.LOGICAL_BITS;
    Timeline timeline = new Timeline(far);

    assertEquals(far, timeline.snapshot().timestamp());
    Table table = new Table(TableFixture.docs().table.def(), timeline);
    long ts = table.apply(new WriteBatch().insert(row(1L, null, vec(1, 1, 1)))).timestamp();

    assertTrue(ts > far, "timestamp " + ts + " after " + far);
    assertEquals(Timeline.millis(far), Timeline.millis(ts));
  }

  @Test
  void failedBatchDoesNotMoveTheSnapshot() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)));
    long before = t.snapshot().timestamp();

    assertThrows(QuiverException.class, () -> t.insert(row(1L, "dup", vec(1, 0, 0))));
    assertEquals(before, t.snapshot().timestamp());
    long after = t.insert(row(2L, "two", vec(0, 1, 0))).timestamp();

    assertTrue(after > before);
    assertEquals(2, t.table.rowCount(t.snapshot()));
  }

  @Test
  void dropLetsRunningReadsFinishOnTheirSnapshot() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)), row(2L, "two", vec(0, 1, 0)));
    Iterator<Object[]> it = t.table.scan(t.snapshot(), Predicate.ALWAYS);

    t.table.markDropped();

    assertEquals(1L, it.next()[0]);
    assertEquals(2L, it.next()[0]);
    assertFalse(it.hasNext());
  }
}
