package dev.quiver.storage.wal;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.file.FaultInjectingFileLayer;
import dev.quiver.storage.file.FileLayer;
import dev.quiver.storage.wal.WriteAheadLog.FileInfo;
import dev.quiver.storage.wal.WriteAheadLog.Sync;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests of {@link WriteAheadLog}'s API on an undamaged folder: append, replay, roll, truncate. */
class WriteAheadLogTest {
  @TempDir Path dir;

  /** A replayed record. */
  record Entry(long timestamp, byte[] payload) {}

  static List<Entry> replay(WriteAheadLog wal, long after) {
    List<Entry> entries = new ArrayList<>();
    wal.replay(after, (timestamp, payload) -> entries.add(new Entry(timestamp, payload)));
    return entries;
  }

  static byte[] payload(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private List<String> logFileNames() throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void appendedRecordsReplayInOrderAcrossRolledFiles() {
    long seed = new Random().nextLong();
    System.out.println("appendedRecordsReplayInOrderAcrossRolledFiles seed=" + seed);
    Random random = new Random(seed);
    List<Entry> written = new ArrayList<>();
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, FileLayer.DEFAULT, 4096)) {
      wal.replay(-1, (timestamp, payload) -> {});
      for (int i = 0; i < 400; i++) {
        // One record beyond both the write buffer's and the read buffer's size.
        int size = i == 200 ? 5 << 20 : random.nextInt(4) == 0 ? 0 : random.nextInt(1500);
        Entry entry = new Entry(10L * i + random.nextInt(10), payload(random, size));
        long token = wal.append(entry.timestamp(), entry.payload());
        if (random.nextInt(10) == 0) {
          wal.awaitDurable(token);
        }
        written.add(entry);
      }
    }

    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, FileLayer.DEFAULT, 4096)) {
      List<Entry> replayed = replay(wal, -1);
      assertEquals(written.size(), replayed.size(), "seed=" + seed);
      for (int i = 0; i < written.size(); i++) {
        assertEquals(written.get(i).timestamp(), replayed.get(i).timestamp(), "seed=" + seed);
        assertArrayEquals(written.get(i).payload(), replayed.get(i).payload(), "seed=" + seed);
      }
      List<FileInfo> files = wal.files();
      assertTrue(files.size() > 10, "seed=" + seed + ": " + files.size() + " files");
      long previous = -1;
      for (FileInfo file : files) {
        assertTrue(file.firstTimestamp() > previous, "seed=" + seed + ": " + file);
        assertTrue(file.lastTimestamp() >= file.firstTimestamp(), "seed=" + seed + ": " + file);
        boolean oneRecord = file.firstTimestamp() == file.lastTimestamp();
        assertTrue(file.sizeBytes() <= 4096 || oneRecord, "seed=" + seed + ": " + file);
        previous = file.lastTimestamp();
      }
    }
  }

  @Test
  void replayDeliversOnlyRecordsAfterTheGivenTimestamp() {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.NONE, FileLayer.DEFAULT, 300)) {
      for (long ts = 1; ts <= 100; ts++) {
        wal.append(ts, new byte[] {(byte) ts});
      }
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.NONE, FileLayer.DEFAULT, 300)) {
      List<Entry> replayed = replay(wal, 57);

      assertEquals(43, replayed.size());
      for (int i = 0; i < replayed.size(); i++) {
        assertEquals(58 + i, replayed.get(i).timestamp());
        assertArrayEquals(new byte[] {(byte) (58 + i)}, replayed.get(i).payload());
      }
      assertEquals(100, wal.lastTimestamp());
    }
  }

  @Test
  void eachFileStartsWithTheDocumentedHeaderAndHoldsTheDocumentedRecords() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      wal.replay(-1, (timestamp, payload) -> {});
      wal.append(7, "seven".getBytes(StandardCharsets.UTF_8));
      wal.append(9, new byte[0]);
    }
    byte[] expected =
        new WalBytes(1)
            .record(7, "seven".getBytes(StandardCharsets.UTF_8))
            .record(9, new byte[0])
            .toByteArray();

    assertEquals(List.of(WalBytes.fileName(1)), logFileNames());
    assertArrayEquals(expected, Files.readAllBytes(dir.resolve(WalBytes.fileName(1))));
  }

  @Test
  void openCreatesTheFolderWithAnEmptyFirstFile() {
    Path nested = dir.resolve("db").resolve("wal");
    try (WriteAheadLog wal = WriteAheadLog.open(nested, Sync.COMMIT)) {
      assertEquals(List.of(new FileInfo(WalBytes.fileName(1), -1, -1, 24)), wal.files());
      assertEquals(-1, wal.lastTimestamp());
    }
    assertTrue(Files.isRegularFile(nested.resolve(WalBytes.fileName(1))));
  }

  @Test
  void appendsAfterReopeningContinueTheLog() {
    for (int session = 0; session < 3; session++) {
      try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, FileLayer.DEFAULT, 200)) {
        assertEquals(3 * session, replay(wal, -1).size());
        for (int i = 1; i <= 3; i++) {
          wal.awaitDurable(wal.append(10 * session + i, new byte[50]));
        }
      }
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, FileLayer.DEFAULT, 200)) {
      assertEquals(
          List.of(1L, 2L, 3L, 11L, 12L, 13L, 21L, 22L, 23L),
          replay(wal, -1).stream().map(Entry::timestamp).toList());
    }
  }

  @Test
  void appendRejectsATimestampThatDoesNotIncrease() {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      wal.append(5, new byte[1]);

      IllegalArgumentException same =
          assertThrows(IllegalArgumentException.class, () -> wal.append(5, new byte[1]));
      assertTrue(same.getMessage().contains("timestamp 5"), same.getMessage());
      assertThrows(IllegalArgumentException.class, () -> wal.append(4, new byte[1]));
      wal.append(6, new byte[1]);
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      assertEquals(2, replay(wal, -1).size());
      assertThrows(IllegalArgumentException.class, () -> wal.append(6, new byte[1]));
    }
  }

  @Test
  void appendWithoutReplayRecoversTheLogFirst() {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      wal.append(1, new byte[] {1});
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      assertThrows(IllegalArgumentException.class, () -> wal.append(1, new byte[] {9}));
      wal.append(2, new byte[] {2});
      assertThrows(IllegalStateException.class, () -> replay(wal, -1));
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      assertEquals(List.of(1L, 2L), replay(wal, -1).stream().map(Entry::timestamp).toList());
    }
  }

  @Test
  void awaitDurableRejectsATokenAppendNeverReturned() {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      long token = wal.append(1, new byte[1]);

      assertThrows(IllegalArgumentException.class, () -> wal.awaitDurable(token + 1));
      assertThrows(IllegalArgumentException.class, () -> wal.awaitDurable(0));
      wal.awaitDurable(token);
    }
  }

  @Test
  void closedLogRefusesAppends() {
    WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT);
    long token = wal.append(1, new byte[1]);
    wal.close();

    wal.awaitDurable(token);
    assertFails(ErrorCode.ENGINE_CLOSED, () -> wal.append(2, new byte[1]), dir.toString());
    wal.close();
  }

  @Test
  void truncateUpToDeletesOnlyTheOldestFilesTheCheckpointCovers() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, FileLayer.DEFAULT, 24 + 4 * 26)) {
      for (long ts = 1; ts <= 20; ts++) {
        wal.append(ts, new byte[10]);
      }
      List<FileInfo> before = wal.files();
      assertEquals(5, before.size());
      assertEquals(new FileInfo(WalBytes.fileName(2), 5, 8, 24 + 4 * 26), before.get(1));

      wal.truncateUpTo(10);

      assertEquals(before.subList(2, 5), wal.files());
      assertEquals(
          List.of(WalBytes.fileName(3), WalBytes.fileName(4), WalBytes.fileName(5)),
          logFileNames());

      wal.truncateUpTo(8);
      assertEquals(3, wal.files().size());
    }
  }

  @Test
  void truncateUpToTheLastRecordMovesToANewFileAndDeletesTheRest() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, FileLayer.DEFAULT, 1000)) {
      for (long ts = 1; ts <= 30; ts++) {
        wal.append(ts, new byte[40]);
      }
      assertTrue(wal.files().size() > 1);

      wal.truncateUpTo(30);

      assertEquals(List.of(new FileInfo(WalBytes.fileName(3), -1, -1, 24)), wal.files());
      assertEquals(List.of(WalBytes.fileName(3)), logFileNames());
      assertEquals(30, wal.lastTimestamp());
      assertThrows(IllegalArgumentException.class, () -> wal.append(30, new byte[1]));
      wal.append(31, new byte[] {31});
      wal.truncateUpTo(30);
      assertEquals(1, wal.files().size());
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, FileLayer.DEFAULT, 1000)) {
      assertEquals(List.of(31L), replay(wal, 30).stream().map(Entry::timestamp).toList());
    }
  }

  @Test
  void truncateUpToBelowTheFirstRecordDeletesNothing() {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, FileLayer.DEFAULT, 100)) {
      for (long ts = 10; ts <= 20; ts++) {
        wal.append(ts, new byte[30]);
      }
      List<FileInfo> before = wal.files();

      wal.truncateUpTo(9);

      assertEquals(before, wal.files());
    }
  }

  @Test
  void syncCommitForcesBeforeAwaitReturns() {
    FaultInjectingFileLayer layer = new FaultInjectingFileLayer();
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT, layer, 1 << 20)) {
      wal.replay(-1, (timestamp, payload) -> {});
      int before = layer.forceCount();
      long token = wal.append(1, new byte[100]);
      assertEquals(before, layer.forceCount());

      wal.awaitDurable(token);
      assertEquals(before + 1, layer.forceCount());
      wal.awaitDurable(token);
      assertEquals(before + 1, layer.forceCount());
    }
  }

  @Test
  void syncNoneForcesNoRecordButClosing() {
    FaultInjectingFileLayer layer = new FaultInjectingFileLayer();
    WriteAheadLog wal = WriteAheadLog.open(dir, Sync.NONE, layer, 1 << 20);
    wal.replay(-1, (timestamp, payload) -> {});
    int before = layer.forceCount();
    for (long ts = 1; ts <= 1000; ts++) {
      wal.awaitDurable(wal.append(ts, new byte[100]));
    }
    assertEquals(before, layer.forceCount());

    wal.close();

    assertEquals(before + 1, layer.forceCount());
    try (WriteAheadLog reopened = WriteAheadLog.open(dir, Sync.NONE, layer, 1 << 20)) {
      assertEquals(1000, replay(reopened, -1).size());
    }
  }

  @Test
  void leftoverTemporaryFileIsDeletedAtOpen() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      wal.append(1, new byte[1]);
    }
    Path leftover = dir.resolve(WalBytes.fileName(2) + ".tmp");
    Files.write(leftover, new byte[] {1, 2, 3});

    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      assertEquals(1, replay(wal, -1).size());
    }
    assertFalse(Files.exists(leftover));
  }
}
