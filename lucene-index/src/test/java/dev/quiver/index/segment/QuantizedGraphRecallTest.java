package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quantized HNSW graphs (int8, int4, binary) find nearly the exact top 10: every search re-ranks
 * its candidates by exact distance, and the coarser codes over-fetch first.
 */
class QuantizedGraphRecallTest {
  private static final int ROWS = 4000;
  private static final int DIM = 64;
  private static final int CLUSTERS = 40;
  private static final int QUERIES = 40;
  private static final int K = 10;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(WriteOptions.Quantization.class)
  void recallAtTenIsAtLeastNinetyPercentWithDistancesExact(WriteOptions.Quantization quantization)
      throws Exception {
    long seed = System.nanoTime();
    System.out.println("QuantizedGraphRecallTest " + quantization + " seed=" + seed);
    Random random = new Random(seed);
    float[][] centers = new float[CLUSTERS][];
    for (int c = 0; c < CLUSTERS; c++) {
      centers[c] = TestRows.gaussian(random, DIM);
    }
    List<SegmentRow> rows = new ArrayList<>();
    float[][] vectors = new float[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      vectors[i] = near(centers[random.nextInt(CLUSTERS)], random);
      rows.add(new SegmentRow(i, 1, new Object[] {vectors[i]}));
    }
    SegmentSchema schema = SegmentSchema.of(-1, SegmentField.vector("v", DIM, VectorMetric.L2));
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(
        dir,
        schema,
        rows.iterator(),
        WriteOptions.defaults().withHnsw("v", new WriteOptions.Hnsw(16, 100, quantization)));
    try (SegmentReader reader = SegmentReader.open(dir)) {
      int found = 0;
      for (int q = 0; q < QUERIES; q++) {
        float[] query = near(centers[random.nextInt(CLUSTERS)], random);
        List<VectorHit> approximate = reader.search(0, query, K, null, 100);
        List<VectorHit> exact = reader.exactSearch(0, query, K, null);
        assertEquals(K, approximate.size());
        Set<Integer> truth = new HashSet<>();
        exact.forEach(h -> truth.add(h.doc()));
        for (VectorHit hit : approximate) {
          if (truth.contains(hit.doc())) {
            found++;
          }
          assertEquals(
              VectorMetric.L2.distance(query, vectors[hit.doc()]),
              hit.distance(),
              1e-6,
              "distances are exact, not quantized");
        }
      }
      double recall = found / (double) (QUERIES * K);
      System.out.println("  recall@10 = " + recall);
      assertTrue(recall >= 0.9, quantization + " recall@10 " + recall + " (seed " + seed + ")");
    }
  }

  private static float[] near(float[] center, Random random) {
    float[] v = new float[center.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = center[i] + (float) random.nextGaussian() * 0.3f;
    }
    return v;
  }
}
