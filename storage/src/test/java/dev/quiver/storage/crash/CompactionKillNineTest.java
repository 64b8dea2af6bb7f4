package dev.quiver.storage.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quiver.storage.Engine;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.catalog.store.CompactionMeta;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.RowScan;
import dev.quiver.storage.table.SearchHit;
import dev.quiver.storage.table.VectorSearch;
import dev.quiver.storage.table.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments while compactions run leaves the old or the new segments, never both
 * and never neither: the reopened database answers scans and exact top-k exactly as before, keeps
 * no segment folder its catalog does not list, and shows no job still running. Cycles: {@code
 * -Dquiver.compaction.crash.cycles} (6 by default; the {@code crash-long} profile runs more).
 */
class CompactionKillNineTest {
  private static final int DIM = 8;

  @TempDir Path folder;

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void killNineDuringCompactionLeavesOldOrNewSegmentsWithIdenticalResultsAndNoOrphans()
      throws Exception {
    int cycles = Integer.getInteger("quiver.compaction.crash.cycles", 6);
    long seed = Long.getLong("quiver.crash.seed", System.nanoTime());
    System.out.println("CompactionKillNineTest seed=" + seed + " cycles=" + cycles);
    Random random = new Random(seed);
    Path db = folder.resolve("db");
    prepare(db, random);
    Answers expected;
    try (Engine engine = Engine.open(db)) {
      expected = answers(engine);
    }
    for (int cycle = 0; cycle < cycles; cycle++) {
      String context = "seed=" + seed + " cycle=" + cycle;
      runAndKill(db, cycle, 20 + random.nextInt(1500), context);
      try (Engine engine = Engine.open(db)) {
        Answers actual = answers(engine);
        assertEquals(expected.rows(), actual.rows(), context + ": rows");
        assertEquals(expected.nearest(), actual.nearest(), context + ": exact top-10");
        TreeSet<String> listed = new TreeSet<>();
        engine.table("t").segments().forEach(s -> listed.add("seg-" + s.id()));
        assertEquals(listed, folders(db), context + ": segment folders against the catalog");
        for (CompactionMeta job : engine.compactions()) {
          assertTrue(job.finished(), context + ": job left unfinished after reopen: " + job);
        }
        System.out.printf(
            "%s: %d segments %s, %d jobs remembered%n",
            context,
            listed.size(),
            engine.table("t").segments().stream().map(s -> s.rowCount()).toList(),
            engine.compactions().size());
      }
    }
  }

  /** Five segments of 300 rows, every third row deleted, nothing kept for time travel. */
  private static void prepare(Path db, Random random) {
    try (Engine engine = Engine.open(db)) {
      engine.createTable(
          new TableDef(
              "t",
              List.of(
                  ColumnDef.of("id", ColumnType.BIGINT, false), ColumnDef.vector("v", DIM, false)),
              0,
              Options.table(
                  Map.of(
                      "segment_max_rows", "400",
                      "time_travel_retention_s", "0",
                      "auto_compaction", "false"))),
          false);
      engine.createIndex(
          new IndexDef(
              "t_v",
              "t",
              "v",
              IndexMethod.HNSW,
              Metric.L2,
              Options.index(IndexMethod.HNSW, Map.of("metric", "l2"))),
          false);
      long id = 0;
      for (int s = 0; s < 5; s++) {
        WriteBatch batch = new WriteBatch();
        WriteBatch deletes = new WriteBatch();
        for (int i = 0; i < 300; i++, id++) {
          Object[] row = {id, vector(random)};
          batch.insert(row);
          if (id % 3 == 0) {
            deletes.delete(row);
          }
        }
        engine.table("t").apply(batch);
        engine.table("t").apply(deletes);
        engine.checkpoint();
        engine.awaitIndexed(60_000);
      }
    }
  }

  private static float[] vector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** Every row's text, and the ids of the exact top-10 of a few fixed queries. */
  private record Answers(List<String> rows, List<List<Long>> nearest) {}

  private static Answers answers(Engine engine) {
    List<String> rows = new ArrayList<>();
    try (RowScan scan = engine.table("t").scan(engine.snapshot(), Predicate.ALWAYS)) {
      scan.forEachRemaining(r -> rows.add(r[0] + " " + Arrays.toString((float[]) r[1])));
    }
    rows.sort(null);
    List<List<Long>> nearest = new ArrayList<>();
    Random queries = new Random(42);
    for (int q = 0; q < 5; q++) {
      List<SearchHit> hits =
          engine
              .table("t")
              .search(
                  engine.snapshot(),
                  new VectorSearch(1, vector(queries), Metric.L2, 10, Predicate.ALWAYS, 0, 0));
      nearest.add(hits.stream().map(h -> (Long) h.row()[0]).toList());
    }
    return new Answers(rows, nearest);
  }

  private static TreeSet<String> folders(Path db) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    Path root = db.resolve("segments");
    if (Files.isDirectory(root)) {
      try (Stream<Path> children = Files.list(root)) {
        children.forEach(p -> names.add(p.getFileName().toString()));
      }
    }
    return names;
  }

  private static void runAndKill(Path db, int cycle, long killAfterMillis, String context)
      throws IOException, InterruptedException {
    Path output = db.resolveSibling("compaction-" + cycle + ".txt");
    Path errors = db.resolveSibling("compaction-" + cycle + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "--add-modules",
            "jdk.incubator.vector",
            // Rows deleted a moment ago are beyond retention, so MAJOR has work in every cycle.
            "-Dquiver.min.retention.millis=0",
            "-cp",
            System.getProperty("java.class.path"),
            CompactionCrashWorkload.class.getName(),
            db.toString(),
            output.toString());
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(errors.toFile());
    Process child = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!started(output)) {
        if (!child.isAlive()) {
          fail(context + ": compaction workload exited with " + child.exitValue());
        }
        if (System.nanoTime() > deadline) {
          fail(context + ": compaction workload started nothing within 60 s");
        }
        Thread.sleep(5);
      }
      Thread.sleep(killAfterMillis);
    } finally {
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
    }
    List<String> failed =
        Files.readAllLines(output, StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith("DONE") && !l.contains(" COMPLETED "))
            .toList();
    assertEquals(List.of(), failed, context + ": a compaction failed in the child");
  }

  private static boolean started(Path output) throws IOException {
    return Files.exists(output)
        && Files.readString(output, StandardCharsets.UTF_8).contains("STARTED");
  }
}
