package dev.quiver.storage;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.TableDef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests of {@link Engines}: handles that share one engine per database in this JVM. */
class EnginesTest {
  @TempDir Path dir;

  private static final TableDef T =
      new TableDef("t", List.of(ColumnDef.of("id", ColumnType.INTEGER, false)), 0, Map.of());

  @Test
  void fileTwiceSharesOneEngineAndClosingBothReleasesTheFolder() {
    Engines.Handle first = Engines.file(dir);
    Engines.Handle second = Engines.file(dir.resolve("sub").resolve(".."));
    assertSame(first.engine(), second.engine());
    first.engine().createTable(T, false);

    first.close();
    assertFalse(second.engine().isClosed());
    assertTrue(second.engine().findTable("t").isPresent());
    assertFails(
        ErrorCode.DATABASE_LOCKED, () -> Engine.open(dir), "pid " + ProcessHandle.current().pid());

    second.close();
    assertTrue(second.engine().isClosed());
    try (Engine reopened = Engine.open(dir)) {
      assertEquals(List.of("t"), reopened.tableNames());
    }
  }

  @Test
  void closingOneHandleTwiceReleasesOnlyOneReference() {
    Engines.Handle first = Engines.file(dir);
    Engines.Handle second = Engines.file(dir);

    first.close();
    first.close();

    assertFalse(second.engine().isClosed());
    second.close();
    assertTrue(second.engine().isClosed());
  }

  @Test
  void fileAfterAllHandlesClosedOpensAFreshEngine() {
    Engine old;
    try (Engines.Handle handle = Engines.file(dir)) {
      old = handle.engine();
      old.createTable(T, false);
    }

    try (Engines.Handle handle = Engines.file(dir)) {
      assertNotSame(old, handle.engine());
      assertEquals(List.of("t"), handle.engine().tableNames());
    }
  }

  @Test
  void namedMemoryDatabaseIsSharedUntilItsLastHandleCloses() {
    String name = "engines-test-" + System.nanoTime();
    Engines.Handle first = Engines.memory(name);
    first.engine().createTable(T, false);
    Engines.Handle second = Engines.memory(name);
    assertSame(first.engine(), second.engine());

    first.close();
    second.close();

    try (Engines.Handle third = Engines.memory(name)) {
      assertEquals(List.of(), third.engine().tableNames());
    }
  }

  @Test
  void unnamedMemoryDatabasesArePrivate() {
    try (Engines.Handle a = Engines.memory(null);
        Engines.Handle b = Engines.memory("")) {
      assertNotSame(a.engine(), b.engine());
      a.engine().createTable(T, false);
      assertEquals(List.of(), b.engine().tableNames());
    }
  }

  @Test
  void failedOpenLeavesNothingShared() {
    Engine holder = Engine.open(dir);
    try {
      assertFails(ErrorCode.DATABASE_LOCKED, () -> Engines.file(dir));
    } finally {
      holder.close();
    }

    try (Engines.Handle handle = Engines.file(dir)) {
      assertFalse(handle.engine().isClosed());
    }
  }

  @Test
  void engineClosedDirectlyIsReplacedOnTheNextHandle() {
    try (Engines.Handle first = Engines.file(dir)) {
      first.engine().createTable(T, false);
      first.engine().close();
      try (Engines.Handle second = Engines.file(dir)) {
        assertNotSame(first.engine(), second.engine());
        assertFalse(second.engine().isClosed());
        assertTrue(second.engine().findTable("t").isPresent());
      }
    }
  }
}
