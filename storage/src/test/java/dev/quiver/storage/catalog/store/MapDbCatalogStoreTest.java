package dev.quiver.storage.catalog.store;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static dev.quiver.storage.catalog.store.CatalogFixtures.index;
import static dev.quiver.storage.catalog.store.CatalogFixtures.segment;
import static dev.quiver.storage.catalog.store.CatalogFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.store.CatalogFixtures.Contents;
import dev.quiver.storage.catalog.store.RandomCatalogOps.Op;
import dev.quiver.storage.file.FaultInjectingFileLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared catalog store behaviour for {@link MapDbCatalogStore}, plus what only a file-backed
 * store must do: keep everything across reopening, report damage as CORRUPT_FILE naming the file,
 * and keep each change whole or absent when the power fails at any force.
 */
class MapDbCatalogStoreTest extends BaseCatalogStoreTestCase {
  @TempDir Path dir;
  @TempDir Path scratch;

  @Override
  CatalogStore openStore() {
    return MapDbCatalogStore.open(dir);
  }

  private void reopen() {
    store.close();
    store = MapDbCatalogStore.open(dir);
  }

  /** Tables, an index, segments in every state, deletes and a checkpoint. */
  private void populate() {
    store.createTable(table("archive"));
    store.createTable(table("docs"));
    store.createIndex(index("docs_idx", "docs"));
    for (int i = 1; i <= 40; i++) {
      long id = store.nextSegmentId();
      SegmentState state = SegmentState.values()[i % SegmentState.values().length];
      store.applySegmentChanges(
          List.of(segment(id, "docs", state)), Map.of(id, Map.of((long) i, 1000L + i)), i);
    }
  }

  @Test
  void reopenedStoreHasIdenticalContentsAndContinuesIds() {
    populate();
    Contents before = Contents.of(store);

    reopen();

    assertEquals(before, Contents.of(store));
    assertEquals(41, store.nextSegmentId());
    reopen();
    assertEquals(42, store.nextSegmentId());
  }

  @Test
  void catalogLivesInCatalogDbAndItsTwoJournalFiles() throws IOException {
    populate();
    store.close();

    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of("catalog.db", "catalog.db.journal-0", "catalog.db.journal-1"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void randomChangesMatchTheMemoryStoreAcrossReopens() {
    long seed = new Random().nextLong();
    System.out.println("randomChangesMatchTheMemoryStoreAcrossReopens seed=" + seed);
    Random random = new Random(seed);
    RandomCatalogOps ops = new RandomCatalogOps(random);
    try (MemoryCatalogStore oracle = new MemoryCatalogStore()) {
      for (int step = 0; step < 400; step++) {
        Op op = ops.next();
        String expected = op.applyTo(oracle);
        String actual = op.applyTo(store);
        assertEquals(expected, actual, () -> "seed " + seed + ": outcome of " + op);
        if (random.nextInt(40) == 0) {
          reopen();
        }
        assertEquals(Contents.of(oracle), Contents.of(store), "seed " + seed + ": after " + op);
      }
    }
  }

  @Test
  void flippedByteInAPageTheLastCommitDidNotWriteFailsWithCorruptFileNamingIt() throws IOException {
    populate();
    store.close();
    Path copy = copyOf(dir);
    Path file = copy.resolve(MapDbCatalogStore.FILE_NAME);
    int page = firstUsedPageNotIn(file, latestJournalPages(file));

    flip(file, (long) page * PageJournal.PAGE_SIZE + 100);

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> MapDbCatalogStore.open(copy),
        file.toString(),
        "page " + page + " ",
        "fails its checksum",
        "restore the database from a backup");
  }

  @Test
  void flippedByteInAPageTheLastCommitWroteIsRepairedFromTheJournal() throws IOException {
    populate();
    Contents expected = Contents.of(store);
    store.close();
    Path file = dir.resolve(MapDbCatalogStore.FILE_NAME);
    int page = latestJournalPages(file).last();

    flip(file, (long) page * PageJournal.PAGE_SIZE + 100);

    reopen();
    assertEquals(expected, Contents.of(store));
  }

  @Test
  void flippedByteAnywhereIsReportedUnlessTheJournalRepairsIt() throws IOException {
    populate();
    Contents expected = Contents.of(store);
    store.close();
    long seed = new Random().nextLong();
    System.out.println("flippedByteAnywhereIsReportedUnlessTheJournalRepairsIt seed=" + seed);
    Random random = new Random(seed);
    Path original = dir.resolve(MapDbCatalogStore.FILE_NAME);
    long size = Files.size(original);
    SortedSet<Integer> repairable = latestJournalPages(original);
    for (int trial = 0; trial < 30; trial++) {
      Path copy = copyOf(dir);
      Path file = copy.resolve(MapDbCatalogStore.FILE_NAME);
      long at = random.nextLong(size);
      flip(file, at);
      String context = "seed " + seed + ": flip at " + at;
      if (repairable.contains((int) (at / PageJournal.PAGE_SIZE))) {
        try (MapDbCatalogStore opened = MapDbCatalogStore.open(copy)) {
          assertEquals(expected, Contents.of(opened), context);
        }
      } else {
        QuiverException e =
            assertFails(
                ErrorCode.CORRUPT_FILE,
                () -> MapDbCatalogStore.open(copy),
                file.toString(),
                "fails its checksum");
        assertTrue(e.getMessage().contains("page " + at / PageJournal.PAGE_SIZE + " "), context);
      }
    }
  }

  @Test
  void truncatedCatalogFailsWithCorruptFileNamingIt() throws IOException {
    populate();
    store.close();
    Path copy = copyOf(dir);
    Path file = copy.resolve(MapDbCatalogStore.FILE_NAME);
    long cut = (long) firstUsedPageNotIn(file, latestJournalPages(file)) * PageJournal.PAGE_SIZE;

    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(cut + 10);
    }

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> MapDbCatalogStore.open(copy),
        file.toString(),
        "shorter than the committed",
        "restore the database from a backup");
  }

  @Test
  void damagedLatestJournalRecordFailsWithCorruptFileAndTheOlderOneDoesNotMatter()
      throws IOException {
    populate();
    Contents expected = Contents.of(store);
    store.close();
    int reported = 0;
    for (Path slot : PageJournal.slotFiles(dir.resolve(MapDbCatalogStore.FILE_NAME))) {
      Path copy = copyOf(dir);
      Path damaged = copy.resolve(slot.getFileName());
      flip(damaged, Files.size(damaged) / 2);
      try (MapDbCatalogStore opened = MapDbCatalogStore.open(copy)) {
        assertEquals(expected, Contents.of(opened));
      } catch (QuiverException e) {
        assertEquals(ErrorCode.CORRUPT_FILE, e.code(), e::getMessage);
        assertTrue(
            e.getMessage().contains(copy.resolve(MapDbCatalogStore.FILE_NAME).toString()),
            e.getMessage());
        reported++;
      }
    }
    assertEquals(1, reported, "exactly the latest record is needed");
  }

  @Test
  void missingJournalFailsWithCorruptFile() throws IOException {
    populate();
    store.close();
    Path copy = copyOf(dir);
    for (Path slot : PageJournal.slotFiles(copy.resolve(MapDbCatalogStore.FILE_NAME))) {
      Files.delete(slot);
    }

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> MapDbCatalogStore.open(copy),
        copy.resolve(MapDbCatalogStore.FILE_NAME).toString(),
        "journal",
        "missing");
  }

  @Test
  void missingCatalogFileFailsWithCorruptFile() throws IOException {
    populate();
    store.close();
    Path copy = copyOf(dir);
    Files.delete(copy.resolve(MapDbCatalogStore.FILE_NAME));

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> MapDbCatalogStore.open(copy),
        copy.resolve(MapDbCatalogStore.FILE_NAME).toString(),
        "missing");
  }

  @Test
  void secondOpenOfTheFolderFailsWithDatabaseLockedAndHarmsNothing() {
    populate();
    Contents before = Contents.of(store);

    assertFails(
        ErrorCode.DATABASE_LOCKED,
        () -> MapDbCatalogStore.open(dir),
        dir.resolve(MapDbCatalogStore.FILE_NAME).toString());

    store.putDeletes(1, Map.of(99L, 99L));
    reopen();
    assertEquals(before.tables(), store.tables());
    assertEquals(99L, store.deletes(1).get(99L));
  }

  @Test
  void powerLossAtAnyForceLeavesEachChangeWholeOrAbsent() throws IOException {
    long seed = new Random().nextLong();
    System.out.println("powerLossAtAnyForceLeavesEachChangeWholeOrAbsent seed=" + seed);
    Random random = new Random(seed);
    int completedAfterCrash = 0;
    for (int trial = 0; trial < 25; trial++) {
      Path folder = scratch.resolve("trial-" + trial);
      FaultInjectingFileLayer layer = new FaultInjectingFileLayer();
      int crashAt = 1 + random.nextInt(60);
      int[] forces = {0};
      boolean[] crashed = {false};
      layer.beforeEachForce(
          () -> {
            if (++forces[0] == crashAt) {
              crashed[0] = true;
              try {
                layer.crash(random);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              throw new PowerLoss();
            }
          });
      RandomCatalogOps ops = new RandomCatalogOps(random);
      List<Op> done = new ArrayList<>();
      Op inFlight = null;
      MapDbCatalogStore crashing = null;
      try {
        crashing = MapDbCatalogStore.open(folder, layer);
        while (done.size() < 200) {
          inFlight = ops.next();
          inFlight.applyTo(crashing);
          if (crashed[0]) {
            break;
          }
          done.add(inFlight);
        }
      } catch (QuiverException | PowerLoss e) {
        assertTrue(crashed[0], () -> "failed without a crash: " + e);
      } finally {
        if (crashing != null) {
          crashing.close();
        }
      }
      if (!crashed[0]) {
        continue;
      }
      Contents before = replay(done, null);
      Contents after = inFlight == null ? before : replay(done, inFlight);
      try (MapDbCatalogStore reopened = MapDbCatalogStore.open(folder)) {
        Contents actual = Contents.of(reopened);
        if (!actual.equals(before) && !actual.equals(after)) {
          fail(
              "seed "
                  + seed
                  + ", trial "
                  + trial
                  + ", crash at force "
                  + crashAt
                  + " during "
                  + inFlight
                  + ": the catalog is neither before nor after it:\n"
                  + actual
                  + "\nbefore: "
                  + before
                  + "\nafter: "
                  + after);
        }
        if (!before.equals(after) && actual.equals(after)) {
          completedAfterCrash++;
        }
      }
    }
    System.out.println(
        "powerLossAtAnyForceLeavesEachChangeWholeOrAbsent: "
            + completedAfterCrash
            + " interrupted changes were completed from the journal");
  }

  /** The contents a memory store has after the operations. */
  private static Contents replay(List<Op> done, Op last) {
    try (MemoryCatalogStore oracle = new MemoryCatalogStore()) {
      done.forEach(op -> op.applyTo(oracle));
      if (last != null) {
        last.applyTo(oracle);
      }
      return Contents.of(oracle);
    }
  }

  /** The simulated power loss, thrown from the force it interrupts. */
  private static final class PowerLoss extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PowerLoss() {
      super("simulated power loss");
    }
  }

  private Path copyOf(Path folder) throws IOException {
    Path copy = Files.createTempDirectory(scratch, "copy");
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    return copy;
  }

  /**
   * The pages the latest journal record holds, read as PageJournal's javadoc lays a record out:
   * magic and version (5 bytes), sequence, length, page count, then index and image per page.
   */
  private static SortedSet<Integer> latestJournalPages(Path file) throws IOException {
    long latest = -1;
    SortedSet<Integer> pages = new TreeSet<>();
    for (Path slot : PageJournal.slotFiles(file)) {
      ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(slot));
      long sequence = in.getLong(5);
      if (sequence > latest) {
        latest = sequence;
        pages.clear();
        int count = in.getInt(21);
        for (int p = 0; p < count; p++) {
          pages.add(in.getInt(25 + p * (4 + PageJournal.PAGE_SIZE)));
        }
      }
    }
    return pages;
  }

  /** The first page holding a non-zero byte that is not among {@code excluded}. */
  private static int firstUsedPageNotIn(Path file, SortedSet<Integer> excluded) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int page = 0; page < bytes.length / PageJournal.PAGE_SIZE; page++) {
      if (excluded.contains(page)) {
        continue;
      }
      for (int i = 0; i < PageJournal.PAGE_SIZE; i++) {
        if (bytes[page * PageJournal.PAGE_SIZE + i] != 0) {
          return page;
        }
      }
    }
    throw new AssertionError("every used page of " + file + " is in the latest journal record");
  }

  private static void flip(Path file, long at) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
      channel.write(one, at);
    }
  }
}
