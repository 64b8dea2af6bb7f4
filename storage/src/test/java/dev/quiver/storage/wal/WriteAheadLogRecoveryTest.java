package dev.quiver.storage.wal;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.wal.WriteAheadLog.Sync;
import dev.quiver.storage.wal.WriteAheadLogTest.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of recovery from damaged files: a torn record at the end of the last file is cut off and
 * logged; every other damage is CORRUPT_FILE naming the file and the byte offset.
 */
class WriteAheadLogRecoveryTest {
  private static final Logger WAL_LOGGER = Logger.getLogger(WriteAheadLog.class.getName());

  @TempDir Path dir;
  private final List<LogRecord> warnings = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          warnings.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureWarnings() {
    WAL_LOGGER.addHandler(capture);
    WAL_LOGGER.setUseParentHandlers(false);
  }

  @AfterEach
  void releaseWarnings() {
    WAL_LOGGER.removeHandler(capture);
    WAL_LOGGER.setUseParentHandlers(true);
  }

  private Path file(long sequence) {
    return dir.resolve(WalBytes.fileName(sequence));
  }

  private static byte[] payload(long timestamp, int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) timestamp);
    return bytes;
  }

  /** Writes records 1 to {@code count}, 40-byte payloads, into one file; returns its bytes. */
  private byte[] writeOneFile(int count) throws IOException {
    WalBytes bytes = new WalBytes(1);
    for (long ts = 1; ts <= count; ts++) {
      bytes.record(ts, payload(ts, 40));
    }
    Files.write(file(1), bytes.toByteArray());
    return bytes.toByteArray();
  }

  private List<Long> replayTimestamps() {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
      return WriteAheadLogTest.replay(wal, -1).stream().map(Entry::timestamp).toList();
    }
  }

  private void assertCorrupt(Path file, long offset, String... fragments) {
    List<String> all = new ArrayList<>(List.of(fragments));
    all.add(file.toString());
    all.add("byte offset " + offset + ":");
    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> {
          try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
            wal.replay(-1, (timestamp, payload) -> {});
          }
        },
        all.toArray(String[]::new));
  }

  @Test
  void tornLastRecordAtEveryCutPointIsTruncatedAndAppendsContinue() throws IOException {
    byte[] whole = writeOneFile(5);
    int lastRecord = whole.length - 56;
    Random random = new Random(42);
    for (int cut = lastRecord; cut < whole.length; cut++) {
      for (String tail : List.of("nothing", "garbage", "zeros")) {
        byte[] torn = Arrays.copyOf(whole, cut);
        if (!tail.equals("nothing")) {
          byte[] extra = new byte[1 + random.nextInt(100)];
          if (tail.equals("garbage")) {
            random.nextBytes(extra);
          }
          torn = ByteBuffer.allocate(cut + extra.length).put(torn).put(extra).array();
        }
        Files.write(file(1), torn);
        warnings.clear();
        String where = "cut at " + cut + " followed by " + tail;

        try (WriteAheadLog wal = WriteAheadLog.open(dir, Sync.COMMIT)) {
          List<Entry> replayed = WriteAheadLogTest.replay(wal, -1);
          assertEquals(List.of(1L, 2L, 3L, 4L), replayed.stream().map(Entry::timestamp).toList());
          assertEquals(lastRecord, Files.size(file(1)), where);
          wal.awaitDurable(wal.append(6, payload(6, 3)));
        }
        if (torn.length > lastRecord) {
          assertEquals(1, warnings.size(), where);
          assertEquals(Level.WARNING, warnings.get(0).getLevel());
          String message = warnings.get(0).getMessage();
          assertTrue(message.contains(file(1).toString()), message);
          assertTrue(message.contains("byte offset " + lastRecord), message);
        } else {
          assertEquals(List.of(), warnings, where);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 6L), replayTimestamps(), where);
      }
    }
  }

  @Test
  void tornHeaderOfTheFirstRecordAfterTheFileHeaderIsTruncated() throws IOException {
    byte[] whole = writeOneFile(1);
    Files.write(file(1), Arrays.copyOf(whole, 24 + 7));

    assertEquals(List.of(), replayTimestamps());
    assertEquals(24, Files.size(file(1)));
  }

  @Test
  void staleOlderRecordsAfterATornTailAreNotMistakenForData() throws IOException {
    byte[] whole = writeOneFile(5);
    // A file system may expose blocks of a deleted log file in a crashed file's unwritten tail.
    byte[] stale = WalBytes.encode(2, payload(2, 40));
    byte[] damaged =
        ByteBuffer.allocate(whole.length - 20 + stale.length)
            .put(whole, 0, whole.length - 20)
            .put(stale)
            .array();
    Files.write(file(1), damaged);

    assertEquals(List.of(1L, 2L, 3L, 4L), replayTimestamps());
    assertEquals(1, warnings.size());
  }

  @Test
  void everyFlippedByteInAMiddleRecordIsCorruptFileNamingFileAndOffset() throws IOException {
    byte[] whole = writeOneFile(5);
    int third = 24 + 2 * 56;
    for (int position = third; position < third + 56; position++) {
      byte[] damaged = whole.clone();
      damaged[position] ^= (byte) (1 << (position % 8));
      Files.write(file(1), damaged);

      assertCorrupt(file(1), third, "a valid record follows at offset " + (third + 56));
    }
  }

  @Test
  void damagedLastRecordOfAnEarlierFileIsCorruptFile() throws IOException {
    WalBytes first = new WalBytes(1).record(1, payload(1, 40)).record(2, payload(2, 40));
    byte[] bytes = first.toByteArray();
    bytes[bytes.length - 1] ^= 1;
    Files.write(file(1), bytes);
    Files.write(file(2), new WalBytes(2).record(3, payload(3, 40)).toByteArray());

    assertCorrupt(file(1), 24 + 56, "checksum mismatch", "not the last file");
  }

  @Test
  void earlierFileCutShortIsCorruptFile() throws IOException {
    byte[] bytes =
        new WalBytes(1).record(1, payload(1, 40)).record(2, payload(2, 40)).toByteArray();
    Files.write(file(1), Arrays.copyOf(bytes, bytes.length - 10));
    Files.write(file(2), new WalBytes(2).record(3, payload(3, 40)).toByteArray());

    assertCorrupt(file(1), 24 + 56, "does not fit");
  }

  @Test
  void everyFlippedHeaderByteIsCorruptFile() throws IOException {
    byte[] bytes = new WalBytes(1).record(1, payload(1, 40)).toByteArray();
    Files.write(file(2), new WalBytes(2).record(2, payload(2, 40)).toByteArray());
    for (int position = 0; position < 24; position++) {
      byte[] damaged = bytes.clone();
      damaged[position] ^= (byte) (1 << (position % 8));
      Files.write(file(1), damaged);

      assertFails(
          ErrorCode.CORRUPT_FILE,
          () -> WriteAheadLog.open(dir, Sync.COMMIT).close(),
          file(1).toString(),
          "byte offset 0:");
    }
  }

  @Test
  void badHeaderOfTheLastFileIsCorruptFileNotATornTail() throws IOException {
    Files.write(file(1), new WalBytes(1).record(1, payload(1, 40)).toByteArray());
    Files.write(file(2), "not a log".getBytes(StandardCharsets.US_ASCII));

    assertCorrupt(file(2), 0, "shorter than its 24-byte header");

    byte[] foreign = new byte[100];
    Files.write(file(2), foreign);
    assertCorrupt(file(2), 0, "bad magic");
  }

  @Test
  void unknownVersionIsCorruptFileNamingIt() throws IOException {
    byte[] bytes = new WalBytes(1).toByteArray();
    ByteBuffer.wrap(bytes).putInt(8, 7);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 20);
    ByteBuffer.wrap(bytes).putInt(20, (int) crc.getValue());
    Files.write(file(1), bytes);

    assertCorrupt(file(1), 8, "version 7");
  }

  @Test
  void fileWhoseHeaderNamesAnotherSequenceIsCorruptFile() throws IOException {
    Files.write(file(1), new WalBytes(1).record(1, payload(1, 4)).toByteArray());
    Files.write(file(2), new WalBytes(3).record(2, payload(2, 4)).toByteArray());

    assertCorrupt(file(2), 12, "sequence 3");
  }

  @Test
  void missingFileBetweenTwoOthersIsCorruptFile() throws IOException {
    Files.write(file(1), new WalBytes(1).record(1, payload(1, 4)).toByteArray());
    Files.write(file(3), new WalBytes(3).record(3, payload(3, 4)).toByteArray());

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> WriteAheadLog.open(dir, Sync.COMMIT).close(),
        file(2) + " is missing, but " + WalBytes.fileName(3) + " follows it");
  }

  @Test
  void timestampGoingBackwardsIsCorruptFile() throws IOException {
    Files.write(
        file(1), new WalBytes(1).record(10, payload(1, 4)).record(20, payload(2, 4)).toByteArray());
    Files.write(file(2), new WalBytes(2).record(15, payload(3, 4)).toByteArray());

    assertCorrupt(file(2), 24, "timestamp 15", "previous 20");

    Files.write(
        file(2), new WalBytes(2).record(30, payload(3, 4)).record(30, payload(4, 4)).toByteArray());
    assertCorrupt(file(2), 24 + 20, "timestamp 30");
  }

  @Test
  void logsStartingAtAnyFileReplayWhenTheSequenceIsUnbroken() throws IOException {
    Files.write(file(7), new WalBytes(7).record(100, payload(1, 4)).toByteArray());
    Files.write(file(8), new WalBytes(8).record(101, payload(2, 4)).toByteArray());

    assertEquals(List.of(100L, 101L), replayTimestamps());
    assertEquals(List.of(), warnings);
  }

  @Test
  void randomDamageIsEitherATornTailOrCorruptFileNeverSilentLoss() throws IOException {
    long seed = new Random().nextLong();
    System.out.println("randomDamageIsEitherATornTailOrCorruptFileNeverSilentLoss seed=" + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 300; round++) {
      int count = 1 + random.nextInt(8);
      byte[] whole = writeOneFile(count);
      byte[] damaged = whole.clone();
      int position = 24 + random.nextInt(whole.length - 24);
      damaged[position] ^= (byte) (1 + random.nextInt(255));
      Files.write(file(1), damaged);
      int record = (position - 24) / 56;
      String where = "seed=" + seed + " round " + round + " byte " + position;

      if (record == count - 1) {
        List<Long> expected = LongStream.rangeClosed(1, count - 1).boxed().toList();
        assertEquals(expected, replayTimestamps(), where);
      } else {
        assertCorrupt(file(1), 24 + 56L * record);
      }
    }
  }
}
