package dev.quiver.storage.file;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.Engine;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.catalog.store.MapDbCatalogStore;
import dev.quiver.storage.table.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of {@link DatabaseLock}: one process holds a database folder; another process, or a second
 * open in the same one, gets DATABASE_LOCKED naming the holder and changes nothing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DatabaseLockTest {
  private static final long CHILD_TIMEOUT_SECONDS = 60;

  @TempDir Path dir;
  @TempDir Path scratch;

  private static void createDocs(Engine engine, int rows) {
    engine.createTable(
        new TableDef("docs", List.of(ColumnDef.of("id", ColumnType.BIGINT, false)), 0, Map.of()),
        false);
    WriteBatch batch = new WriteBatch();
    for (long id = 0; id < rows; id++) {
      batch.insert(new Object[] {id});
    }
    engine.table("docs").apply(batch);
  }

  /** Runs {@link OpenDatabaseMain} on the folder in a new JVM and returns what it printed. */
  private String openInAnotherProcess() throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(OpenDatabaseMain.class.getName());
    command.add(dir.toString());
    Path out = Files.createTempFile(scratch, "child", ".out");
    Path err = Files.createTempFile(scratch, "child", ".err");
    Process child =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      child.getOutputStream().close();
      boolean exited = child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertTrue(exited, "child did not exit within " + CHILD_TIMEOUT_SECONDS + " s");
      String output = Files.readString(out).trim();
      assertEquals(0, child.exitValue(), () -> output + "\n" + readQuietly(err));
      return output;
    } finally {
      child.destroyForcibly();
      child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  @Test
  void secondProcessFailsWithDatabaseLockedNamingTheHolderAndDamagesNothing() throws Exception {
    long pid = ProcessHandle.current().pid();
    try (Engine engine = Engine.open(dir)) {
      createDocs(engine, 3);
      engine.checkpoint();
      byte[] catalogBefore = Files.readAllBytes(dir.resolve(MapDbCatalogStore.FILE_NAME));

      String output = openInAnotherProcess();

      assertTrue(output.startsWith("FAILED DATABASE_LOCKED "), output);
      assertTrue(
          output.contains("pid " + pid + " "), "holder pid " + pid + " not named: " + output);
      assertTrue(output.contains(dir.toString()), output);
      assertArrayEquals(
          catalogBefore, Files.readAllBytes(dir.resolve(MapDbCatalogStore.FILE_NAME)));
      engine.table("docs").apply(new WriteBatch().insert(new Object[] {3L}));
    }

    // Read only now: opening LOCK in this process while it holds the folder would drop the lock.
    String holder = Files.readString(dir.resolve(DatabaseLock.FILE_NAME));
    assertTrue(holder.startsWith("pid " + pid + " "), holder);
    try (Engine engine = Engine.open(dir)) {
      assertEquals(4, engine.table("docs").rowCount(engine.snapshot()));
    }
  }

  @Test
  void folderOpensInAnotherProcessAfterTheHolderCloses() throws Exception {
    try (Engine engine = Engine.open(dir)) {
      createDocs(engine, 5);
    }

    assertEquals("OPENED docs=5", openInAnotherProcess());
    try (Engine engine = Engine.open(dir)) {
      assertEquals(5, engine.table("docs").rowCount(engine.snapshot()));
    }
  }

  @Test
  void secondOpenInTheSameProcessFailsNamingThisProcess() {
    Engine holder = Engine.open(dir);
    try {
      assertFails(
          ErrorCode.DATABASE_LOCKED,
          () -> Engine.open(dir),
          "pid " + ProcessHandle.current().pid() + " ",
          dir.toString(),
          "already open in this process");
    } finally {
      holder.close();
    }
  }

  @Test
  void failedSecondOpenInTheSameProcessKeepsTheFolderLocked() throws Exception {
    try (Engine engine = Engine.open(dir)) {
      createDocs(engine, 1);
      assertFails(ErrorCode.DATABASE_LOCKED, () -> Engine.open(dir));

      String output = openInAnotherProcess();

      assertTrue(output.startsWith("FAILED DATABASE_LOCKED "), output);
    }
  }

  @Test
  void folderOpensAgainAfterTheHolderCloses() {
    Engine first = Engine.open(dir);
    createDocs(first, 2);
    first.close();

    try (Engine second = Engine.open(dir)) {
      assertEquals(2, second.table("docs").rowCount(second.snapshot()));
    }
  }

  @Test
  void closingTwiceIsHarmless() {
    Engine engine = Engine.open(dir);
    engine.close();
    engine.close();

    try (Engine again = Engine.open(dir)) {
      assertEquals(List.of(), again.tableNames());
    }
  }
}
