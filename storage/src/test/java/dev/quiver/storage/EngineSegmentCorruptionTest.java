package dev.quiver.storage;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static dev.quiver.storage.SegmentTestSupport.copyTree;
import static dev.quiver.storage.SegmentTestSupport.count;
import static dev.quiver.storage.SegmentTestSupport.flipByte;
import static dev.quiver.storage.SegmentTestSupport.largestFile;
import static dev.quiver.storage.SegmentTestSupport.rows;
import static dev.quiver.storage.SegmentTestSupport.segmentFolders;
import static dev.quiver.storage.SegmentTestSupport.segmentIds;
import static dev.quiver.storage.SegmentTestSupport.segmentsEntries;
import static dev.quiver.storage.SegmentTestSupport.size;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to segment folders is reported at open as CORRUPT_FILE naming the damaged file or folder,
 * and folders the catalog does not list are removed without touching the data.
 */
class EngineSegmentCorruptionTest {
  @TempDir Path dir;

  private static final int ROWS = 400;

  private static TableDef docs() {
    return new TableDef(
        "docs",
        List.of(
            ColumnDef.of("id", ColumnType.BIGINT, false),
            ColumnDef.of("title", ColumnType.VARCHAR, true),
            ColumnDef.of("score", ColumnType.DOUBLE, true),
            ColumnDef.vector("v", 16, true)),
        0,
        Options.table(Map.of()));
  }

  private static Object[] doc(long id) {
    float[] v = new float[16];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.sin(id * 31 + i);
    }
    return new Object[] {id, "title " + id, id / 7.0, v};
  }

  /** A database with one indexed segment of {@link #ROWS} rows; returns the segment's folder. */
  private static Path createDatabase(Path db) {
    try (Engine engine = Engine.open(db)) {
      engine.createTable(docs(), false);
      engine.createIndex(
          new IndexDef(
              "docs_v",
              "docs",
              "v",
              IndexMethod.HNSW,
              Metric.L2,
              Options.index(IndexMethod.HNSW, Map.of())),
          false);
      WriteBatch batch = new WriteBatch();
      for (long id = 0; id < ROWS; id++) {
        batch.insert(doc(id));
      }
      engine.table("docs").apply(batch);
      engine.checkpoint();
    }
    List<String> folders = segmentFolders(db);
    assertEquals(1, folders.size(), folders.toString());
    return db.resolve("segments").resolve(folders.get(0));
  }

  private static void assertIntact(Path db) {
    try (Engine engine = Engine.open(db)) {
      assertEquals(ROWS, count(engine, "docs"));
      List<Object[]> rows = rows(engine, "docs");
      for (int i = 0; i < ROWS; i++) {
        assertTrue(Arrays.deepEquals(doc(i), rows.get(i)), "row " + i);
      }
    }
  }

  @Test
  void flippedByteInTheLargestSegmentFileFailsOpenNamingThatFile() throws IOException {
    Path segment = createDatabase(dir);
    Path largest = largestFile(segment);
    long middle = size(largest) / 2;
    flipByte(largest, middle);

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> Engine.open(dir),
        largest.getFileName().toString(),
        segment.getFileName().toString());

    // The failed open let go of the folder: repaired, it opens again with every row.
    flipByte(largest, middle);
    assertIntact(dir);
  }

  @Test
  void flippedByteInAnySegmentFileFailsOpenNamingThatFile() throws IOException {
    Path original = dir.resolve("original");
    Path segment = createDatabase(original);
    List<Path> files;
    try (Stream<Path> list = Files.list(segment)) {
      files = list.filter(Files::isRegularFile).sorted().toList();
    }
    assertTrue(files.size() > 3, files.toString());
    List<String> checked = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (size(file) == 0) {
        continue;
      }
      Path copy = dir.resolve("copy-" + name);
      copyTree(original, copy);
      Path damaged = copy.resolve("segments").resolve(segment.getFileName()).resolve(name);
      flipByte(damaged, size(damaged) / 2);
      assertFails(ErrorCode.CORRUPT_FILE, () -> Engine.open(copy), name);
      checked.add(name);
    }
    System.out.println("flippedByteInAnySegmentFileFailsOpenNamingThatFile checked " + checked);
    assertIntact(original);
  }

  @Test
  void missingSegmentFileFailsOpenNamingThatFile() throws IOException {
    Path segment = createDatabase(dir);
    Path largest = largestFile(segment);
    Files.delete(largest);

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> Engine.open(dir),
        largest.getFileName().toString(),
        segment.getFileName().toString());
  }

  @Test
  void segmentFolderListedInTheCatalogButMissingFailsOpenNamingTheFolder() throws IOException {
    Path segment = createDatabase(dir);
    try (Stream<Path> walk = Files.walk(segment)) {
      for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }

    assertFails(ErrorCode.CORRUPT_FILE, () -> Engine.open(dir), segment.toString(), "missing");
  }

  @Test
  void foldersTheCatalogDoesNotListAreRemovedAtOpenAndTheDataIsIntact() throws IOException {
    Path segment = createDatabase(dir);
    Path root = dir.resolve("segments");
    for (String orphan : List.of("seg-999", "seg-5.tmp", segment.getFileName() + ".tmp")) {
      Files.createDirectories(root.resolve(orphan));
      Files.writeString(root.resolve(orphan).resolve("_0.cfs"), "left by a crash");
    }

    try (Engine engine = Engine.open(dir)) {
      // The index builder may already be writing a new folder: check the orphans by name.
      List<String> entries = segmentsEntries(dir);
      assertTrue(entries.contains(segment.getFileName().toString()), entries.toString());
      for (String orphan : List.of("seg-999", "seg-5.tmp", segment.getFileName() + ".tmp")) {
        assertFalse(entries.contains(orphan), orphan + " removed: " + entries);
      }
      assertEquals(ROWS, count(engine, "docs"));
      // Later segments get fresh ids and folders (the index builder may merge the two).
      engine.table("docs").apply(new WriteBatch().insert(doc(ROWS)));
      engine.checkpoint();
      engine.awaitIndexed(60_000);
      engine.removeRetiredNow();
      List<String> folders = segmentFolders(dir);
      assertEquals(
          segmentIds(engine, "docs").stream().map(id -> "seg-" + id).sorted().toList(),
          folders.stream().sorted().toList());
      assertFalse(folders.contains("seg-999"), folders.toString());
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(ROWS + 1, count(engine, "docs"));
    }
    assertFalse(Files.exists(root.resolve("seg-999")));
  }

  /**
   * A failed open closes the segments it had opened before finding the damaged one (checked through
   * the memory maps of this process, so only where {@code /proc/self/maps} exists).
   */
  @Test
  void failedOpenLeavesNoSegmentFileMapped() throws IOException {
    Path maps = Path.of("/proc/self/maps");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(maps), "needs /proc/self/maps");
    Path db = dir.resolve("db").toAbsolutePath();
    try (Engine engine = Engine.open(db)) {
      engine.createTable(docs(), false);
      for (long part = 0; part < 8; part++) {
        WriteBatch batch = new WriteBatch();
        for (long id = part * 100; id < part * 100 + 100; id++) {
          batch.insert(doc(id));
        }
        engine.table("docs").apply(batch);
        engine.checkpoint();
      }
    }
    List<String> folders = segmentFolders(db);
    assertEquals(8, folders.size());
    Path damaged = largestFile(db.resolve("segments").resolve(folders.get(folders.size() - 1)));
    flipByte(damaged, size(damaged) / 2);

    assertEquals(List.of(), mappedFiles(maps, db), "mapped before the failed opens");

    for (int attempt = 0; attempt < 3; attempt++) {
      assertFails(ErrorCode.CORRUPT_FILE, () -> Engine.open(db), damaged.getFileName().toString());
    }

    assertEquals(List.of(), mappedFiles(maps, db), "segment files mapped after the failed opens");
  }

  /** The distinct files under {@code db/segments} this process maps. */
  private static List<String> mappedFiles(Path maps, Path db) throws IOException {
    String root = db.resolve("segments").toString();
    return Files.readAllLines(maps).stream()
        .filter(line -> line.contains(root))
        .map(line -> line.substring(line.indexOf(root) + root.length() + 1))
        .distinct()
        .sorted()
        .toList();
  }
}
