package dev.quiver.storage.catalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test of {@link MapDbCatalogStore}: a child JVM ({@link CatalogCommitLoopMain}) commits
 * numbered changes and is killed with SIGKILL at a random moment, again and again on the same
 * folder; after every kill the catalog must open, hold every change the child acknowledged, and
 * hold each change whole or not at all.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MapDbCatalogCrashTest {
  private static final int CYCLES = 24;
  private static final long CHILD_TIMEOUT_SECONDS = 30;

  @TempDir Path dir;
  @TempDir Path scratch;

  @Test
  void killedChildLosesNoAcknowledgedChangeAndLeavesNoneHalfApplied() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("killedChildLosesNoAcknowledgedChangeAndLeavesNoneHalfApplied seed=" + seed);
    Random random = new Random(seed);
    int killedMidChange = 0;
    int midChangeDurable = 0;
    long last = 0;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      List<String> lines = runAndKill(random.nextInt(400));
      long acknowledged = last;
      long begun = last;
      for (String line : lines) {
        if (line.startsWith("DONE ")) {
          acknowledged = Long.parseLong(line.substring(5));
        } else if (line.startsWith("BEGIN ")) {
          begun = Long.parseLong(line.substring(6));
        }
      }
      String context = "seed " + seed + ", cycle " + cycle + ", child printed " + tail(lines);
      try (MapDbCatalogStore store = MapDbCatalogStore.open(dir)) {
        last = store.checkpointTs();
        assertTrue(
            last == acknowledged || last == acknowledged + 1 && begun == last,
            context + ": checkpoint " + last + " but " + acknowledged + " acknowledged");
        checkNumberedChanges(store, last, context);
      }
      if (begun > acknowledged) {
        killedMidChange++;
        if (last == begun) {
          midChangeDurable++;
        }
      }
    }
    System.out.println(
        "crash test: "
            + CYCLES
            + " kills, "
            + killedMidChange
            + " inside applySegmentChanges ("
            + midChangeDurable
            + " of those found durable), "
            + last
            + " numbered changes in the catalog");
  }

  /** Changes 1..last are each whole, and nothing of a later one exists. */
  private static void checkNumberedChanges(MapDbCatalogStore store, long last, String context) {
    List<SegmentMeta> numbered = new ArrayList<>(store.segments("t"));
    numbered.sort(Comparator.comparingLong(SegmentMeta::rowCount));
    assertEquals(last, numbered.size(), context + ": numbered segments " + numbered);
    for (int k = 0; k < numbered.size(); k++) {
      long i = k + 1;
      SegmentMeta segment = numbered.get(k);
      SegmentMeta expected = CatalogCommitLoopMain.numbered(segment.id(), i);
      if (i < last) {
        expected = expected.withState(SegmentState.INDEXED);
      }
      assertEquals(expected, segment, context + ": segment of change " + i);
      Map<Long, Long> expectedDeletes =
          i < last ? Map.of(i + 1, i + 1, 1_000_000 + i + 1, i + 1) : Map.of();
      assertEquals(
          expectedDeletes, store.deletes(segment.id()), context + ": deletes of change " + i);
    }
    for (var index : store.indexes().values()) {
      assertTrue(store.tables().containsKey(index.table()), context + ": orphan index " + index);
    }
    for (SegmentMeta segment : store.segments()) {
      assertTrue(
          segment.state() == SegmentState.DROPPED || store.tables().containsKey(segment.table()),
          context + ": live segment of a dropped table " + segment);
    }
  }

  /**
   * Starts the child, kills it a random while after it is ready, and returns what it printed. The
   * child writes into a file rather than a pipe, so nothing it printed before the kill is lost.
   */
  private List<String> runAndKill(int millisAfterReady) throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path out = Files.createTempFile(scratch, "child", ".out");
    Path err = Files.createTempFile(scratch, "child", ".err");
    Process child =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                CatalogCommitLoopMain.class.getName(),
                dir.toString())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      child.getOutputStream().close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
      while (!Files.readString(out).contains("READY")
          && child.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(millisAfterReady);
      assertTrue(
          child.isAlive(),
          () -> "child stopped before the kill: " + readQuietly(out) + readQuietly(err));
    } finally {
      child.destroyForcibly();
      child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    String printed = Files.readString(out);
    List<String> lines = new ArrayList<>(printed.lines().toList());
    if (!printed.isEmpty() && !printed.endsWith("\n")) {
      // The kill cut this line short: the child had not finished reporting it.
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static String tail(List<String> lines) {
    return lines.subList(Math.max(0, lines.size() - 3), lines.size()).toString();
  }
}
