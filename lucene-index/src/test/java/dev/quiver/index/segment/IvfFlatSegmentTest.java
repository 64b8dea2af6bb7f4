package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IVF_FLAT lists in a segment: recall at a small nprobe, filters, and a damaged file. */
class IvfFlatSegmentTest {
  private static final int ROWS = 5000;
  private static final int DIM = 32;
  private static final int K = 10;

  @TempDir Path tmp;

  private Path write(Random random, float[][] vectors, VectorMetric metric) throws Exception {
    float[][] centers = new float[30][];
    for (int c = 0; c < centers.length; c++) {
      centers[c] = TestRows.gaussian(random, DIM);
    }
    List<SegmentRow> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      float[] center = centers[random.nextInt(centers.length)];
      float[] v = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        v[d] = center[d] + (float) random.nextGaussian() * 0.3f;
      }
      vectors[i] = i % 97 == 0 ? null : v;
      rows.add(new SegmentRow(i, 1, new Object[] {(long) i, vectors[i]}));
    }
    Path dir = tmp.resolve("seg-" + metric);
    SegmentWriter.write(
        dir,
        SegmentSchema.of(
            0,
            SegmentField.scalar("id", SegmentField.Kind.LONG),
            SegmentField.vector("v", DIM, metric)),
        rows.iterator(),
        WriteOptions.defaults().withoutGraph("v").withIvf("v", 1024));
    return dir;
  }

  @Test
  void recallAtTenWithSixteenProbesIsAtLeastNinetyPercentInEveryMetric() throws Exception {
    for (VectorMetric metric : VectorMetric.values()) {
      long seed = System.nanoTime();
      System.out.println("IvfFlatSegmentTest " + metric + " seed=" + seed);
      Random random = new Random(seed);
      float[][] vectors = new float[ROWS][];
      try (SegmentReader reader = SegmentReader.open(write(random, vectors, metric))) {
        assertTrue(reader.hasIvf(1));
        int found = 0;
        int queries = 50;
        for (int q = 0; q < queries; q++) {
          float[] query = vectors[1 + random.nextInt(ROWS - 1)];
          if (query == null) {
            query = vectors[1];
          }
          List<VectorHit> ivf = reader.ivfSearchAccepting(1, query, K, null, 16);
          List<VectorHit> exact = reader.exactSearch(1, query, K, null);
          assertEquals(K, ivf.size());
          Set<Integer> truth = new HashSet<>();
          exact.forEach(h -> truth.add(h.doc()));
          for (VectorHit hit : ivf) {
            found += truth.contains(hit.doc()) ? 1 : 0;
          }
        }
        double recall = found / (double) (queries * K);
        System.out.println("  recall@10 = " + recall);
        assertTrue(recall >= 0.9, metric + " recall " + recall + " seed " + seed);
      }
    }
  }

  @Test
  void aSelectiveFilterStillGetsMinOfKAndMatchingRowsExactly() throws Exception {
    long seed = System.nanoTime();
    System.out.println("IvfFlatSegmentTest filter seed=" + seed);
    Random random = new Random(seed);
    float[][] vectors = new float[ROWS][];
    try (SegmentReader reader = SegmentReader.open(write(random, vectors, VectorMetric.L2))) {
      float[] query = vectors[1];
      for (int every : new int[] {1000, 300, 7}) {
        DocSet accept = DocSet.empty(reader.rowCount());
        for (int doc = 3; doc < reader.rowCount(); doc += every) {
          accept.set(doc);
        }
        List<VectorHit> ivf = reader.ivfSearchAccepting(1, query, K, accept, 1);
        List<VectorHit> exact = reader.exactSearchAccepting(1, query, K, accept);
        assertEquals(exact.size(), ivf.size(), "every " + every);
        if (every == 1000) {
          // Only 5 rows match: all of them, in order, whatever nprobe says.
          assertEquals(exact, ivf);
        }
      }
    }
  }

  @Test
  void aDamagedListFileFailsOpenNamingIt() throws Exception {
    float[][] vectors = new float[ROWS][];
    Path dir = write(new Random(7), vectors, VectorMetric.L2);
    Path file = dir.resolve("quiver_ivf_1.bin");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(file, bytes);
    CorruptSegmentException e =
        assertThrows(CorruptSegmentException.class, () -> SegmentReader.open(dir).close());
    assertEquals("quiver_ivf_1.bin", e.file());
  }
}
