package dev.quiver.storage.table;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static dev.quiver.storage.table.TableFixture.row;
import static dev.quiver.storage.table.TableFixture.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.TableDef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests of {@link Table#apply}: inserts, upserts, deletes and updates applied all or nothing. */
class TableWriteBatchTest {

  @Test
  void insertMakesRowsVisibleToLaterSnapshots() {
    TableFixture t = TableFixture.docs();
    WriteResult result = t.insert(row(1L, "a", vec(1, 0, 0)), row(2L, null, vec(0, 1, 0)));

    assertEquals(2, result.written());
    assertEquals(0, result.deleted());
    assertEquals(result.timestamp(), t.snapshot().timestamp());
    t.assertContents(row(1L, "a", vec(1, 0, 0)), row(2L, null, vec(0, 1, 0)));
  }

  @Test
  void insertWidensValuesToTheColumnType() {
    TableFixture t = TableFixture.docs();
    t.insert(row(7, "seven", vec(1, 2, 3)));

    Object id = t.table.scan(t.snapshot(), Predicate.ALWAYS).next()[0];
    assertInstanceOf(Long.class, id);
    assertEquals(7L, id);
  }

  @Test
  void insertOfExistingKeyFailsWholeBatchWithDuplicateKey() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "original", vec(1, 0, 0)));

    WriteBatch batch =
        new WriteBatch()
            .insert(row(2L, "new", vec(0, 1, 0)))
            .insert(row(1L, "again", vec(0, 0, 1)));
    assertFails(ErrorCode.DUPLICATE_KEY, () -> t.table.apply(batch), "docs", "id = 1", "UPSERT");

    assertEquals(1, t.table.rowCount(t.snapshot()));
    t.assertContents(row(1L, "original", vec(1, 0, 0)));
  }

  @Test
  void duplicateKeyInsideOneBatchFailsWholeBatchWithDuplicateKey() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "kept", vec(1, 0, 0)));

    WriteBatch batch =
        new WriteBatch()
            .insert(row(5L, "first", vec(1, 1, 1)))
            .insert(row(6L, "other", vec(2, 2, 2)))
            .insert(row(5L, "second", vec(3, 3, 3)));
    assertFails(ErrorCode.DUPLICATE_KEY, () -> t.table.apply(batch), "id = 5");

    t.assertContents(row(1L, "kept", vec(1, 0, 0)));
  }

  @Test
  void duplicateVarcharKeyNamesTheQuotedValue() {
    TableFixture t =
        TableFixture.of(
            new TableDef(
                "users", List.of(ColumnDef.of("login", ColumnType.VARCHAR, false)), 0, Map.of()));
    t.insert(row("o'brien"));

    assertFails(ErrorCode.DUPLICATE_KEY, () -> t.insert(row("o'brien")), "login = 'o''brien'");
  }

  @Test
  void failedBatchLeavesItsDeletesAndUpdatesUnapplied() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)), row(2L, "two", vec(0, 1, 0)));
    long before = t.snapshot().timestamp();

    WriteBatch batch =
        new WriteBatch()
            .delete(row(1L, "one", vec(1, 0, 0)))
            .update(row(2L, "two", vec(0, 1, 0)), row(2L, "TWO", vec(0, 2, 0)))
            .insert(row(3L, "three", vec(0, 0, 1)))
            .insert(row(3L, "three again", vec(0, 0, 1)));
    assertFails(ErrorCode.DUPLICATE_KEY, () -> t.table.apply(batch), "id = 3");

    assertEquals(before, t.snapshot().timestamp());
    t.assertContents(row(1L, "one", vec(1, 0, 0)), row(2L, "two", vec(0, 1, 0)));
  }

  @Test
  void notNullViolationFailsWholeBatch() {
    TableFixture t = TableFixture.docs();

    WriteBatch batch =
        new WriteBatch().insert(row(1L, "ok", vec(1, 0, 0))).insert(row(2L, "no vector", null));
    assertFails(ErrorCode.NOT_NULL_VIOLATION, () -> t.table.apply(batch), "embedding", "NULL");

    assertEquals(0, t.table.rowCount(t.snapshot()));
  }

  @Test
  void nullPrimaryKeyIsNotNullViolation() {
    TableFixture t = TableFixture.docs();

    assertFails(
        ErrorCode.NOT_NULL_VIOLATION, () -> t.insert(row(null, "x", vec(1, 0, 0))), "column id");

    assertEquals(0, t.table.rowCount(t.snapshot()));
  }

  @Test
  void wrongVectorDimensionFailsWholeBatch() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "kept", vec(1, 0, 0)));

    WriteBatch batch =
        new WriteBatch().insert(row(2L, "ok", vec(0, 1, 0))).insert(row(3L, "short", vec(4, 5)));
    assertFails(
        ErrorCode.VECTOR_DIMENSION_MISMATCH,
        () -> t.table.apply(batch),
        "column embedding",
        "VECTOR(3)",
        "got 2 values",
        "[4, 5]");

    t.assertContents(row(1L, "kept", vec(1, 0, 0)));
  }

  @Test
  void nanVectorFailsWholeBatch() {
    TableFixture t = TableFixture.docs();

    WriteBatch batch =
        new WriteBatch()
            .insert(row(1L, "ok", vec(1, 0, 0)))
            .upsert(row(2L, "nan", vec(1, Float.NaN, 0)));
    assertFails(
        ErrorCode.VECTOR_NOT_FINITE,
        () -> t.table.apply(batch),
        "column embedding",
        "component 2",
        "NaN");

    assertEquals(0, t.table.rowCount(t.snapshot()));
  }

  @Test
  void infiniteVectorInUpdateFailsWholeBatch() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)));

    WriteBatch batch =
        new WriteBatch()
            .update(
                row(1L, "one", vec(1, 0, 0)), row(1L, "inf", vec(0, 0, Float.NEGATIVE_INFINITY)));
    assertFails(ErrorCode.VECTOR_NOT_FINITE, () -> t.table.apply(batch), "component 3", "Infinity");

    t.assertContents(row(1L, "one", vec(1, 0, 0)));
  }

  @Test
  void rowWithWrongNumberOfValuesFails() {
    TableFixture t = TableFixture.docs();

    assertFails(
        ErrorCode.INVALID_VALUE, () -> t.insert(row(1L, "x")), "docs", "3 columns", "row has 2");
  }

  @Test
  void valueOfWrongTypeFailsNamingColumnAndValue() {
    TableFixture t = TableFixture.docs();

    assertFails(
        ErrorCode.INVALID_VALUE,
        () -> t.insert(row("one", "x", vec(1, 0, 0))),
        "column id",
        "BIGINT",
        "'one'");
    assertEquals(0, t.table.rowCount(t.snapshot()));
  }

  @Test
  void insertedVectorIsNotChangedByLaterChangesToTheCallersArray() {
    TableFixture t = TableFixture.docs();
    float[] buffer = vec(1, 2, 3);
    t.insert(row(1L, "a", buffer));
    buffer[0] = 99;
    t.insert(row(2L, "b", buffer));

    t.assertContents(row(1L, "a", vec(1, 2, 3)), row(2L, "b", vec(99, 2, 3)));
  }

  @Test
  void upsertReplacesExistingRowAndInsertsNewOne() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "old", vec(1, 0, 0)));

    WriteResult result =
        t.table.apply(
            new WriteBatch()
                .upsert(row(1L, "replaced", vec(0, 1, 0)))
                .upsert(row(2L, "new", vec(0, 0, 1))));

    assertEquals(2, result.written());
    assertEquals(2, t.table.rowCount(t.snapshot()));
    t.assertContents(row(1L, "replaced", vec(0, 1, 0)), row(2L, "new", vec(0, 0, 1)));
  }

  @Test
  void upsertOfSameKeyTwiceInOneBatchKeepsTheLast() {
    TableFixture t = TableFixture.docs();

    t.table.apply(
        new WriteBatch()
            .upsert(row(1L, "first", vec(1, 0, 0)))
            .upsert(row(1L, "last", vec(0, 1, 0))));

    t.assertContents(row(1L, "last", vec(0, 1, 0)));
  }

  @Test
  void deleteOrUpdateOfARowChangedSinceItWasReadFailsAndChangesNothing() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)), row(2L, "two", vec(0, 1, 0)));

    QuiverException delete =
        assertThrows(
            QuiverException.class,
            () -> t.table.apply(new WriteBatch().delete(row(1L, "stale title", vec(9, 9, 9)))));
    assertEquals(ErrorCode.SERIALIZATION_FAILURE, delete.code());
    assertTrue(delete.getMessage().contains("id = 1"), delete.getMessage());
    QuiverException update =
        assertThrows(
            QuiverException.class,
            () ->
                t.table.apply(
                    new WriteBatch()
                        .update(row(2L, "stale", vec(0, 1, 0)), row(2L, "new", vec(0, 1, 0)))));
    assertEquals(ErrorCode.SERIALIZATION_FAILURE, update.code());

    t.assertContents(row(1L, "one", vec(1, 0, 0)), row(2L, "two", vec(0, 1, 0)));
  }

  @Test
  void deleteOfMissingKeyDeletesNothing() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)));

    WriteResult result = t.table.apply(new WriteBatch().delete(row(42L, "x", vec(1, 0, 0))));

    assertEquals(0, result.deleted());
    t.assertContents(row(1L, "one", vec(1, 0, 0)));
  }

  @Test
  void deleteThenInsertOfSameKeyInOneBatchReplacesTheRow() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "old", vec(1, 0, 0)));

    t.table.apply(
        new WriteBatch().delete(row(1L, "old", vec(1, 0, 0))).insert(row(1L, "new", vec(0, 1, 0))));

    t.assertContents(row(1L, "new", vec(0, 1, 0)));
  }

  @Test
  void updateReplacesTheRowByPrimaryKey() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)), row(2L, "two", vec(0, 1, 0)));

    WriteResult result =
        t.table.apply(
            new WriteBatch().update(row(2L, "two", vec(0, 1, 0)), row(2L, "TWO", vec(0, 2, 0))));

    assertEquals(1, result.written());
    assertEquals(1, result.deleted());
    t.assertContents(row(1L, "one", vec(1, 0, 0)), row(2L, "TWO", vec(0, 2, 0)));
  }

  @Test
  void updateThatMovesKeysOntoEachOtherSucceeds() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "a", vec(1, 0, 0)), row(2L, "b", vec(0, 1, 0)));

    WriteResult result =
        t.table.apply(
            new WriteBatch()
                .update(row(1L, "a", vec(1, 0, 0)), row(2L, "a", vec(1, 0, 0)))
                .update(row(2L, "b", vec(0, 1, 0)), row(3L, "b", vec(0, 1, 0))));

    assertEquals(2, result.written());
    t.assertContents(row(2L, "a", vec(1, 0, 0)), row(3L, "b", vec(0, 1, 0)));
  }

  @Test
  void updateOntoAKeyThatStaysFailsWithDuplicateKey() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "a", vec(1, 0, 0)), row(2L, "b", vec(0, 1, 0)));

    WriteBatch batch =
        new WriteBatch().update(row(1L, "a", vec(1, 0, 0)), row(2L, "a", vec(1, 0, 0)));
    assertFails(ErrorCode.DUPLICATE_KEY, () -> t.table.apply(batch), "id = 2");

    t.assertContents(row(1L, "a", vec(1, 0, 0)), row(2L, "b", vec(0, 1, 0)));
  }

  @Test
  void updateOfRowDeletedMeanwhileDoesNotResurrectIt() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)));
    Object[] read = t.table.scan(t.snapshot(), Predicate.ALWAYS).next();

    t.table.apply(new WriteBatch().delete(read));
    WriteResult result =
        t.table.apply(new WriteBatch().update(read, row(1L, "edited", vec(1, 1, 1))));

    assertEquals(0, result.written());
    assertEquals(0, result.deleted());
    assertEquals(0, t.table.rowCount(t.snapshot()));
  }

  @Test
  void emptyBatchCommitsNothing() {
    TableFixture t = TableFixture.docs();
    t.insert(row(1L, "one", vec(1, 0, 0)));

    WriteResult result = t.table.apply(new WriteBatch());

    assertEquals(0, result.written());
    t.assertContents(row(1L, "one", vec(1, 0, 0)));
  }

  @Test
  void tableWithoutPrimaryKeyKeepsIdenticalRows() {
    TableFixture t = TableFixture.notes();

    t.insert(row("same", 1, vec(1, 1)), row("same", 1, vec(1, 1)));
    t.insert(row("same", 1, vec(1, 1)));

    assertEquals(3, t.table.rowCount(t.snapshot()));
  }

  @Test
  void deletingOneOfTwoIdenticalRowsWithoutPrimaryKeyRemovesExactlyOne() {
    TableFixture t = TableFixture.notes();
    t.insert(row("same", 1, vec(1, 1)), row("other", 2, null), row("same", 1, vec(1, 1)));

    WriteResult result = t.table.apply(new WriteBatch().delete(row("same", 1, vec(1, 1))));

    assertEquals(1, result.deleted());
    t.assertContents(row("other", 2, null), row("same", 1, vec(1, 1)));
  }

  @Test
  void deletingMoreCopiesThanExistRemovesEveryCopyOnce() {
    TableFixture t = TableFixture.notes();
    t.insert(row("same", 1, vec(1, 1)), row("same", 1, vec(1, 1)));

    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < 3; i++) {
      batch.delete(row("same", 1, vec(1, 1)));
    }
    WriteResult result = t.table.apply(batch);

    assertEquals(2, result.deleted());
    assertEquals(0, t.table.rowCount(t.snapshot()));
  }

  @Test
  void deletingByValuesWithoutPrimaryKeyMatchesEveryColumnIncludingNullsAndVectorContents() {
    TableFixture t = TableFixture.notes();
    t.insert(
        row("a", 1, vec(1, 2)),
        row("a", 2, vec(1, 2)),
        row("a", null, vec(1, 2)),
        row("a", 1, null));

    WriteResult result =
        t.table.apply(
            new WriteBatch()
                .delete(row("a", 1, vec(1, 2)))
                .delete(row("a", null, vec(1, 2)))
                .delete(row("a", 1, vec(2, 1))));

    assertEquals(2, result.deleted());
    t.assertContents(row("a", 2, vec(1, 2)), row("a", 1, null));
  }

  @Test
  void deletingByValuesConformsThemFirst() {
    TableFixture t = TableFixture.notes();
    t.insert(row("a", 1, null));

    WriteResult result = t.table.apply(new WriteBatch().delete(row("a", 1L, null)));

    assertEquals(1, result.deleted());
  }

  @Test
  void updateWithoutPrimaryKeyReplacesOneOfIdenticalRows() {
    TableFixture t = TableFixture.notes();
    t.insert(row("same", 1, null), row("same", 1, null));

    t.table.apply(new WriteBatch().update(row("same", 1, null), row("changed", 2, null)));

    t.assertContents(row("same", 1, null), row("changed", 2, null));
  }

  @Test
  void upsertWithoutPrimaryKeyAppends() {
    TableFixture t = TableFixture.notes();
    t.insert(row("same", 1, null));

    t.table.apply(new WriteBatch().upsert(row("same", 1, null)));

    assertEquals(2, t.table.rowCount(t.snapshot()));
  }
}
