package dev.quiver.storage.file;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.Engine;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of {@link SnapshotFile}: every damaged file is reported as CORRUPT_FILE naming it, and an
 * interrupted checkpoint leaves the previous snapshot readable.
 */
class SnapshotFileTest {
  @TempDir Path dir;
  private Path file;
  private byte[] good;

  @BeforeEach
  void writeGoodSnapshot() throws IOException {
    try (Engine engine = Engine.open(dir)) {
      engine.createTable(
          new TableDef(
              "docs",
              List.of(
                  ColumnDef.of("id", ColumnType.BIGINT, false),
                  ColumnDef.of("title", ColumnType.VARCHAR, true),
                  ColumnDef.vector("v", 2, true)),
              0,
              Options.table(Map.of())),
          false);
      engine.createIndex(
          new IndexDef(
              "docs_v",
              "docs",
              "v",
              IndexMethod.FLAT,
              Metric.L2,
              Options.index(IndexMethod.FLAT, Map.of())),
          false);
      engine
          .table("docs")
          .apply(
              new WriteBatch()
                  .insert(new Object[] {1L, "one", new float[] {1, 2}})
                  .insert(new Object[] {2L, null, null}));
    }
    file = dir.resolve(SnapshotFile.FILE_NAME);
    good = Files.readAllBytes(file);
  }

  private void assertCorrupt(String... fragments) {
    String[] all = Arrays.copyOf(fragments, fragments.length + 1);
    all[fragments.length] = file.toString();
    assertFails(ErrorCode.CORRUPT_FILE, () -> SnapshotFile.read(dir), all);
  }

  /**
   * The file's bytes with the footer's checksum recomputed, as a format change would leave them.
   */
  private static byte[] withValidChecksum(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    ByteBuffer.wrap(bytes, bytes.length - 8, 8).putLong(crc.getValue());
    return bytes;
  }

  @Test
  void goodSnapshotReadsBack() {
    SnapshotFile.Contents contents = SnapshotFile.read(dir);

    assertEquals(1, contents.tables().size());
    assertEquals(2, contents.tables().get(0).rows().size());
    assertArrayEquals(
        new float[] {1, 2}, (float[]) contents.tables().get(0).rows().get(0).values()[2]);
    assertEquals("docs_v", contents.indexes().get(0).name());
  }

  @Test
  void missingSnapshotIsAnEmptyDatabase() throws IOException {
    Files.delete(file);

    SnapshotFile.Contents contents = SnapshotFile.read(dir);

    assertEquals(0, contents.lastTimestamp());
    assertEquals(List.of(), contents.tables());
  }

  @Test
  void everySingleFlippedByteIsCorruptFile() throws IOException {
    for (int position = 0; position < good.length; position++) {
      byte[] damaged = good.clone();
      damaged[position] ^= (byte) (1 << (position % 8));
      Files.write(file, damaged);
      int at = position;
      String message =
          assertFails(ErrorCode.CORRUPT_FILE, () -> SnapshotFile.read(dir), file.toString())
              .getMessage();
      assertTrue(message.contains("checksum mismatch"), "byte " + at + ": " + message);
    }
  }

  @Test
  void flippedByteMakesOpenFailAndReleasesTheFolder() throws IOException {
    byte[] damaged = good.clone();
    damaged[good.length / 2] ^= 0x40;
    Files.write(file, damaged);

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> Engine.open(dir),
        file.toString(),
        "restore it from a backup");

    Files.write(file, good);
    try (Engine engine = Engine.open(dir)) {
      assertEquals(2, engine.table("docs").rowCount(engine.snapshot()));
    }
  }

  @Test
  void truncatedFileIsCorruptFile() throws IOException {
    for (int length :
        new int[] {0, 1, 8, 19, 20, good.length / 2, good.length - 8, good.length - 1}) {
      Files.write(file, Arrays.copyOf(good, length));
      assertCorrupt();
    }
  }

  @Test
  void fileCutShortWithAValidChecksumIsCorruptFile() throws IOException {
    byte[] cut = Arrays.copyOf(good, good.length - 12);
    Files.write(file, withValidChecksum(cut));

    assertCorrupt("unreadable content");
  }

  @Test
  void wrongMagicIsCorruptFile() throws IOException {
    byte[] other = good.clone();
    System.arraycopy("NOTQUIVR".getBytes(StandardCharsets.US_ASCII), 0, other, 0, 8);
    Files.write(file, withValidChecksum(other));

    assertCorrupt("not a Quiver snapshot");
  }

  @Test
  void foreignFileIsCorruptFile() throws IOException {
    Files.writeString(file, "this is not a database, just a text file that happens to be here\n");

    assertCorrupt();
  }

  @Test
  void unknownVersionIsCorruptFileNamingIt() throws IOException {
    byte[] newer = good.clone();
    ByteBuffer.wrap(newer, 8, 4).putInt(7);
    Files.write(file, withValidChecksum(newer));

    assertCorrupt("version 7");
  }

  @Test
  void staleTemporaryFileFromACrashedCheckpointIsIgnored() throws IOException {
    Path tmp = dir.resolve(SnapshotFile.FILE_NAME + ".tmp");
    byte[] garbage = new byte[good.length * 3];
    Arrays.fill(garbage, (byte) 0x5A);
    Files.write(tmp, garbage);

    try (Engine engine = Engine.open(dir)) {
      assertEquals(2, engine.table("docs").rowCount(engine.snapshot()));
      engine.table("docs").apply(new WriteBatch().insert(new Object[] {3L, "three", null}));
    }

    assertFalse(Files.exists(tmp));
    try (Engine engine = Engine.open(dir)) {
      assertEquals(3, engine.table("docs").rowCount(engine.snapshot()));
    }
  }

  @Test
  void halfWrittenTemporaryFileLeavesThePreviousSnapshotReadable() throws IOException {
    Path tmp = dir.resolve(SnapshotFile.FILE_NAME + ".tmp");
    Files.write(tmp, Arrays.copyOf(good, good.length / 2));

    assertArrayEquals(good, Files.readAllBytes(file));
    assertEquals(2, SnapshotFile.read(dir).tables().get(0).rows().size());
  }
}
