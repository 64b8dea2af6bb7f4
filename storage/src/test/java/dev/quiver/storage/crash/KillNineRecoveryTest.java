package dev.quiver.storage.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quiver.storage.Engine;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery gives exactly the acknowledged data after kill -9: a child JVM runs {@link
 * CrashWorkload} (concurrent inserts, deletes and checkpoints) and is killed at a random moment,
 * the database is reopened here, and every row is checked against what the child acknowledged.
 * Cycles: {@code -Dquiver.crash.cycles} (20 by default; the {@code crash-long} profile runs more).
 */
class KillNineRecoveryTest {
  @TempDir Path folder;

  @Test
  // The long profile runs 300 cycles. Segments pile up (a cycle lives about as long as the 10 s
  // between the compaction scheduler's looks), later cycles open more of them, and it takes well
  // over half an hour.
  @Timeout(value = 120, unit = TimeUnit.MINUTES)
  void recoveryKeepsExactlyTheAcknowledgedRowsAfterKillNine() throws Exception {
    int cycles = Integer.getInteger("quiver.crash.cycles", 20);
    long seed = Long.getLong("quiver.crash.seed", System.nanoTime());
    System.out.println("KillNineRecoveryTest seed=" + seed + " cycles=" + cycles);
    Random random = new Random(seed);
    Path db = folder.resolve("db");
    Set<Long> present = new HashSet<>();
    for (int cycle = 0; cycle < cycles; cycle++) {
      // Up to 3 s: long enough for the first checkpoint of a cold JVM to commit its segments.
      List<String> lines = runAndKill(db, cycle, random.nextLong(), 100 + random.nextInt(2900));
      String context = "seed=" + seed + " cycle=" + cycle;
      verify(db, lines, present, context);
    }
  }

  private static List<String> runAndKill(Path db, int cycle, long childSeed, long killAfterMillis)
      throws IOException, InterruptedException {
    Path output = db.resolveSibling("cycle-" + cycle + ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "--add-modules",
            "jdk.incubator.vector",
            "-cp",
            System.getProperty("java.class.path"),
            CrashWorkload.class.getName(),
            db.toString(),
            Integer.toString(cycle),
            Long.toString(childSeed),
            output.toString());
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(output.resolveSibling("cycle-" + cycle + ".err").toFile());
    Process child = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // Kill only once a batch was acknowledged, so every cycle has acknowledged data to lose.
      while (completeLines(output).stream().noneMatch(l -> l.startsWith("ACK"))) {
        if (!child.isAlive()) {
          fail(
              "crash workload exited early with "
                  + child.exitValue()
                  + ": "
                  + completeLines(output));
        }
        if (System.nanoTime() > deadline) {
          fail("crash workload acknowledged nothing within 60 s: " + completeLines(output));
        }
        Thread.sleep(10);
      }
      Thread.sleep(killAfterMillis);
    } finally {
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
    }
    // A failure inside the child (a checkpoint that threw, say) would otherwise go unseen.
    Path errors = output.resolveSibling("cycle-" + cycle + ".err");
    List<String> thrown =
        Files.readAllLines(errors, StandardCharsets.UTF_8).stream()
            .filter(l -> l.contains("Exception") || l.contains("Error:"))
            .toList();
    if (!thrown.isEmpty()) {
      System.out.println("cycle " + cycle + " child reported: " + String.join("\n", thrown));
    }
    return completeLines(output);
  }

  /** The lines of the child's output file, without a last line the kill cut off. */
  private static List<String> completeLines(Path output) throws IOException {
    if (!Files.exists(output)) {
      return List.of();
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  /**
   * Checks the reopened database against the child's output and updates {@code present}, the ids
   * that must exist: acknowledged inserts are there, acknowledged deletes are gone, a batch in
   * flight at the kill is there whole or not at all, and no other row exists.
   */
  private static void verify(Path db, List<String> lines, Set<Long> present, String context) {
    Map<String, long[]> begun = new HashMap<>();
    Map<String, Boolean> isInsert = new HashMap<>();
    for (String line : lines) {
      String[] p = line.split(" ");
      if (p[0].equals("BEGIN")) {
        begun.put(p[2], new long[] {Long.parseLong(p[3]), Long.parseLong(p[4])});
        isInsert.put(p[2], p[1].equals("INS"));
      } else if (p[0].equals("ACK")) {
        long[] range = begun.remove(p[1]);
        for (long id = range[0]; id < range[1]; id++) {
          if (isInsert.get(p[1])) {
            present.add(id);
          } else {
            present.remove(id);
          }
        }
      }
    }
    try (Engine engine = Engine.open(db)) {
      Table t = engine.table("t");
      Map<Long, Object[]> found = new HashMap<>();
      for (Iterator<Object[]> it = t.scan(engine.snapshot(), Predicate.ALWAYS); it.hasNext(); ) {
        Object[] row = it.next();
        found.put((Long) row[0], row);
      }
      for (Map.Entry<String, long[]> inFlight : begun.entrySet()) {
        long[] range = inFlight.getValue();
        int there = 0;
        for (long id = range[0]; id < range[1]; id++) {
          there += found.containsKey(id) ? 1 : 0;
        }
        boolean insert = isInsert.get(inFlight.getKey());
        int size = (int) (range[1] - range[0]);
        assertTrue(
            there == 0 || there == size,
            context
                + ": batch "
                + inFlight.getKey()
                + " in flight at the kill is half-applied: "
                + there
                + " of "
                + size
                + " rows present");
        boolean applied = insert ? there == size : there == 0;
        for (long id = range[0]; id < range[1]; id++) {
          if (applied == insert) {
            present.add(id);
          } else {
            present.remove(id);
          }
        }
      }
      for (long id : present) {
        Object[] row = found.get(id);
        if (row == null) {
          fail(context + ": acknowledged row " + id + " was lost");
        }
        Object[] expected = CrashWorkload.row(id);
        assertEquals(expected[1], row[1], context + ": row " + id);
        assertArrayEquals((float[]) expected[2], (float[]) row[2], context + ": row " + id);
      }
      for (long id : found.keySet()) {
        if (!present.contains(id)) {
          fail(
              context
                  + ": row "
                  + id
                  + " exists but was never written, or was deleted; what the child said of it: "
                  + linesAbout(lines, id));
        }
      }
      assertEquals(present.size(), found.size(), context);
      long segments = engine.segmentStatus().stream().filter(x -> x.segmentId() != null).count();
      System.out.printf(
          "%s: %d lines, %d batches in flight at the kill, %d rows present, %d segments%n",
          context, lines.size(), begun.size(), found.size(), segments);
    }
  }

  /** The child's lines about batches whose id range covers a row, with the batches' outcome. */
  private static List<String> linesAbout(List<String> lines, long id) {
    Set<String> batches = new HashSet<>();
    for (String line : lines) {
      String[] p = line.split(" ");
      if (p[0].equals("BEGIN") && Long.parseLong(p[3]) <= id && id < Long.parseLong(p[4])) {
        batches.add(p[2]);
      }
    }
    List<String> about = new ArrayList<>();
    for (String line : lines) {
      String[] p = line.split(" ");
      if ((p[0].equals("BEGIN") && batches.contains(p[2]))
          || (p[0].equals("ACK") && batches.contains(p[1]))) {
        about.add(line);
      }
    }
    about.add("last line: " + (lines.isEmpty() ? "none" : lines.get(lines.size() - 1)));
    return about;
  }
}
