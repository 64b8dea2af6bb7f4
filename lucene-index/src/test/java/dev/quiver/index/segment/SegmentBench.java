package dev.quiver.index.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.util.IOUtils;

/**
 * A benchmark of segment writing and HNSW search (a program, not a test): writes random Gaussian
 * rows with a LONG key and one vector column, then runs k = 10 queries with HNSW and exact search
 * and reports throughput and recall@10 of HNSW against exact.
 *
 * <p>Arguments, all optional: rows (100000), dimension (128), queries (1000), efSearch (100),
 * metric (L2), m (16), beamWidth (100), seed (clock). Gaussian vectors are a hard case for HNSW (no
 * clusters), so recall here is a lower bound for real embeddings.
 */
public final class SegmentBench {
  private SegmentBench() {}

  public static void main(String[] args) throws IOException {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int dim = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    int queries = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int efSearch = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    VectorMetric metric = args.length > 4 ? VectorMetric.valueOf(args[4]) : VectorMetric.L2;
    WriteOptions.Hnsw hnsw =
        new WriteOptions.Hnsw(
            args.length > 5 ? Integer.parseInt(args[5]) : WriteOptions.Hnsw.DEFAULT.m(),
            args.length > 6 ? Integer.parseInt(args[6]) : WriteOptions.Hnsw.DEFAULT.beamWidth());
    long seed = args.length > 7 ? Long.parseLong(args[7]) : System.nanoTime();
    int k = 10;
    System.out.printf(
        "rows=%d dim=%d queries=%d efSearch=%d metric=%s m=%d beamWidth=%d seed=%d cpus=%d%n",
        rows,
        dim,
        queries,
        efSearch,
        metric,
        hnsw.m(),
        hnsw.beamWidth(),
        seed,
        Runtime.getRuntime().availableProcessors());

    SegmentSchema schema = TestRows.vectorSchema(dim, metric);
    Path work = Files.createTempDirectory("segment-bench");
    try {
      Random random = new Random(seed);
      Iterator<SegmentRow> generated =
          new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
              return next < rows;
            }

            @Override
            public SegmentRow next() {
              int i = next++;
              return new SegmentRow(i, i, new Object[] {(long) i, TestRows.gaussian(random, dim)});
            }
          };
      Path dir = work.resolve("seg");
      long start = System.nanoTime();
      SegmentInfo info =
          SegmentWriter.write(
              dir, schema, generated, WriteOptions.defaults().withDefaultHnsw(hnsw));
      double writeSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "write: %d rows in %.1f s = %.0f rows/s, %.1f MB on disk%n",
          info.rowCount(), writeSeconds, info.rowCount() / writeSeconds, info.sizeBytes() / 1e6);

      try (SegmentReader reader = SegmentReader.open(dir, schema)) {
        float[][] query = new float[queries][];
        for (int q = 0; q < queries; q++) {
          query[q] = TestRows.gaussian(random, dim);
        }
        // Warm up the JIT and the page cache before timing.
        for (int q = 0; q < Math.min(queries, 200); q++) {
          reader.search(1, query[q], k, null, efSearch);
        }
        List<List<VectorHit>> approximate = new ArrayList<>(queries);
        start = System.nanoTime();
        for (int q = 0; q < queries; q++) {
          approximate.add(reader.search(1, query[q], k, null, efSearch));
        }
        double hnswSeconds = (System.nanoTime() - start) / 1e9;

        int exactQueries = Math.min(queries, 100);
        int found = 0;
        start = System.nanoTime();
        for (int q = 0; q < exactQueries; q++) {
          Set<Integer> truth = new HashSet<>();
          reader.exactSearch(1, query[q], k, null).forEach(hit -> truth.add(hit.doc()));
          for (VectorHit hit : approximate.get(q)) {
            found += truth.contains(hit.doc()) ? 1 : 0;
          }
        }
        double exactSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "HNSW search k=%d efSearch=%d: %.0f QPS (%.3f ms/query), recall@10 %.3f over %d"
                + " queries%n",
            k,
            efSearch,
            queries / hnswSeconds,
            1000 * hnswSeconds / queries,
            found / (double) (exactQueries * k),
            exactQueries);
        System.out.printf(
            "exact search k=%d: %.0f QPS (%.1f ms/query)%n",
            k, exactQueries / exactSeconds, 1000 * exactSeconds / exactQueries);
      }
    } finally {
      IOUtils.rm(work);
    }
  }
}
