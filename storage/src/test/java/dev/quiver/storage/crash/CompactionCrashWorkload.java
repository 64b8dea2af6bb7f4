package dev.quiver.storage.crash;

import dev.quiver.storage.CompactionType;
import dev.quiver.storage.Engine;
import dev.quiver.storage.catalog.store.CompactionMeta;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link CompactionKillNineTest}: opens the database and compacts its table FULL,
 * MAJOR, MINOR, over and over, until it is killed. It prints a line once it has asked for the first
 * compaction, so that the parent kills it while compactions run.
 *
 * <p>Arguments: the database folder and the output file.
 */
public final class CompactionCrashWorkload {
  private CompactionCrashWorkload() {}

  public static void main(String[] args) throws IOException {
    Path db = Path.of(args[0]);
    try (PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[1])), true);
        Engine engine = Engine.open(db)) {
      CompactionType[] types = {CompactionType.FULL, CompactionType.MAJOR, CompactionType.MINOR};
      for (int round = 0; ; round++) {
        CompactionMeta job = engine.compact("t", types[round % types.length]);
        out.println("STARTED " + job.id());
        CompactionMeta done = engine.awaitCompaction(job.id(), 60_000);
        out.println("DONE " + done.id() + " " + done.state() + " " + done.error());
      }
    }
  }
}
