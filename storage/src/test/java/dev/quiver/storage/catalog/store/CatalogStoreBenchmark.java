package dev.quiver.storage.catalog.store;

import static dev.quiver.storage.catalog.store.CatalogFixtures.index;
import static dev.quiver.storage.catalog.store.CatalogFixtures.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A benchmark of {@link MapDbCatalogStore}: commits per second of id allocation and of flush-like
 * changes, and the time to open a catalog of 10,000 segments.
 *
 * <p>Arguments: an empty or missing folder to use (default: a new temporary one) and the segment
 * count (default 10000). Run it from the storage module after {@code test-compile}:
 *
 * <pre>
 * ./mvnw -q -B -o -pl storage exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.quiver.storage.catalog.store.CatalogStoreBenchmark
 * </pre>
 */
public final class CatalogStoreBenchmark {
  private static final int FLUSH_COMMITS = 1000;
  private static final int DELETES_PER_FLUSH = 100;
  private static final int OPENS = 7;

  private CatalogStoreBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("catalog-bench");
    int segments = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    System.out.println("folder " + dir + ", " + segments + " segments");

    long[] ids = new long[segments];
    try (MapDbCatalogStore store = MapDbCatalogStore.open(dir)) {
      store.createTable(table("docs"));
      store.createIndex(index("docs_idx", "docs"));

      long start = System.nanoTime();
      for (int i = 0; i < segments; i++) {
        ids[i] = store.nextSegmentId();
      }
      report("nextSegmentId", segments, System.nanoTime() - start);

      start = System.nanoTime();
      int batch = 500;
      for (int from = 0; from < segments; from += batch) {
        List<SegmentMeta> upserts = new ArrayList<>();
        for (int i = from; i < Math.min(segments, from + batch); i++) {
          upserts.add(CatalogFixtures.segment(ids[i], "docs", SegmentState.SEALED));
        }
        store.applySegmentChanges(upserts, CatalogStore.KEEP_CHECKPOINT);
      }
      report(
          "applySegmentChanges, 500 new segments each",
          segments / batch,
          System.nanoTime() - start);

      start = System.nanoTime();
      for (int c = 0; c < FLUSH_COMMITS; c++) {
        long id = ids[c % segments];
        Map<Long, Long> deletes = new HashMap<>();
        for (int d = 0; d < DELETES_PER_FLUSH; d++) {
          deletes.put((long) c * DELETES_PER_FLUSH + d, c + 1L);
        }
        store.applySegmentChanges(
            List.of(CatalogFixtures.segment(id, "docs", SegmentState.INDEXED)),
            Map.of(id, deletes),
            c + 1L);
      }
      report(
          "applySegmentChanges, flush-like (1 segment, "
              + DELETES_PER_FLUSH
              + " deletes, checkpoint)",
          FLUSH_COMMITS,
          System.nanoTime() - start);
    }
    printSizes(dir);

    long[] opens = new long[OPENS];
    for (int i = 0; i < OPENS; i++) {
      long start = System.nanoTime();
      try (MapDbCatalogStore store = MapDbCatalogStore.open(dir)) {
        if (store.segments().size() != segments) {
          throw new AssertionError("reopened with " + store.segments().size() + " segments");
        }
        opens[i] = System.nanoTime() - start;
      }
    }
    Arrays.sort(opens);
    System.out.printf(
        "open with %d segments: median %.1f ms (min %.1f, max %.1f) over %d opens%n",
        segments, opens[OPENS / 2] / 1e6, opens[0] / 1e6, opens[OPENS - 1] / 1e6, OPENS);
  }

  private static void report(String what, int commits, long nanos) {
    System.out.printf(
        "%-70s %6d commits in %7.2f s = %8.1f commits/s%n",
        what, commits, nanos / 1e9, commits / (nanos / 1e9));
  }

  private static void printSizes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        System.out.printf("%-24s %,12d bytes%n", f.getFileName(), Files.size(f));
      }
    }
  }
}
