package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SegmentSearchTest {
  private static final int K = 10;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(VectorMetric.class)
  void hnswRecallAt10IsAtLeast95PercentOfExactSearch(VectorMetric metric) throws IOException {
    Random random = new Random(TestRows.seed("recall " + metric));
    int dim = 64;
    SegmentSchema schema = TestRows.vectorSchema(dim, metric);
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(
        dir, schema, TestRows.vectorRows(random, 5000, dim, 0).iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      int found = 0;
      int queries = 200;
      for (int q = 0; q < queries; q++) {
        float[] query = TestRows.gaussian(random, dim);
        List<VectorHit> exact = reader.exactSearch(1, query, K, null);
        List<VectorHit> approximate = reader.search(1, query, K, null, 100);
        assertEquals(K, approximate.size());
        assertSortedByDistance(approximate);
        Set<Integer> truth = new HashSet<>();
        exact.forEach(hit -> truth.add(hit.doc()));
        for (VectorHit hit : approximate) {
          if (truth.contains(hit.doc())) {
            found++;
          }
        }
      }
      double recall = found / (double) (queries * K);
      System.out.println(metric + " recall@10 = " + recall);
      assertTrue(recall >= 0.95, metric + " recall@10 " + recall + " < 0.95");
    }
  }

  @Test
  void exactSearchReturnsTheTrueNearestInMetricUnits() throws IOException {
    SegmentSchema schema = TestRows.vectorSchema(2, VectorMetric.L2);
    Path dir = tmp.resolve("seg");
    List<SegmentRow> rows =
        List.of(
            new SegmentRow(0, 1, new Object[] {0L, new float[] {3, 4}}),
            new SegmentRow(1, 1, new Object[] {1L, new float[] {1, 0}}),
            new SegmentRow(2, 1, new Object[] {2L, null}),
            new SegmentRow(3, 1, new Object[] {3L, new float[] {0, 2}}));
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      List<VectorHit> hits = reader.exactSearch(1, new float[] {0, 0}, 10, null);
      assertEquals(
          List.of(new VectorHit(1, 1.0), new VectorHit(3, 2.0), new VectorHit(0, 5.0)), hits);
      assertEquals(hits, reader.search(1, new float[] {0, 0}, 10, null, 10));
      assertThrows(
          IllegalArgumentException.class,
          () -> reader.search(1, new float[] {0, 0, 0}, 1, null, 10));
      assertThrows(
          IllegalArgumentException.class, () -> reader.search(0, new float[] {0}, 1, null, 10));
      assertThrows(
          IllegalArgumentException.class,
          () -> reader.search(1, new float[] {0, 0}, 1, new FixedBitSet(3), 10));
    }
  }

  @Test
  void acceptedDocsAloneAreReturnedAndKOfThemWheneverKAreAccepted() throws IOException {
    long seed = TestRows.seed("acceptBits");
    Random random = new Random(seed);
    int dim = 16;
    int count = 5000;
    SegmentSchema schema = TestRows.vectorSchema(dim, VectorMetric.L2);
    Path dir = tmp.resolve("seg");
    // Every 7th row has no vector: it must never be returned, even when accepted.
    List<SegmentRow> rows = TestRows.vectorRows(random, count, dim, 7);
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      double[] selectivities = {1.0, 0.5, 0.1, 0.02, 0.004, 0.001, 0.0004, 0};
      for (double selectivity : selectivities) {
        for (int q = 0; q < 20; q++) {
          FixedBitSet accept = new FixedBitSet(count);
          int acceptedWithVector = 0;
          for (int doc = 0; doc < count; doc++) {
            if (random.nextDouble() < selectivity) {
              accept.set(doc);
              if (rows.get(doc).values()[1] != null) {
                acceptedWithVector++;
              }
            }
          }
          float[] query = TestRows.gaussian(random, dim);
          // Also pass the mask as plain Bits, which takes the path that copies it.
          Bits mask = q % 2 == 0 ? accept : plainBits(accept);
          List<VectorHit> hits = reader.search(1, query, K, mask, 40);
          String where = "seed=" + seed + " selectivity=" + selectivity + " query=" + q;
          assertEquals(Math.min(K, acceptedWithVector), hits.size(), where);
          for (VectorHit hit : hits) {
            assertTrue(accept.get(hit.doc()), where + ": doc " + hit.doc() + " not accepted");
            assertTrue(rows.get(hit.doc()).values()[1] != null, where + ": doc without vector");
          }
          List<VectorHit> exact = reader.exactSearch(1, query, K, mask);
          assertEquals(hits.size(), exact.size(), where);
          for (VectorHit hit : exact) {
            assertTrue(accept.get(hit.doc()), where);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(VectorMetric.class)
  void exactSearchMatchesEveryDistanceComputedOneByOne(VectorMetric metric) throws IOException {
    long seed = TestRows.seed("exact oracle " + metric);
    Random random = new Random(seed);
    int dim = 24;
    int count = 3000;
    SegmentSchema schema = TestRows.vectorSchema(dim, metric);
    Path dir = tmp.resolve("seg");
    // Every 5th row has no vector; every 11th repeats row 3's vector, so ties are common.
    List<SegmentRow> rows = new ArrayList<>(TestRows.vectorRows(random, count, dim, 5));
    float[] repeated = (float[]) rows.get(3).values()[1];
    for (int doc = 11; doc < count; doc += 11) {
      if (rows.get(doc).values()[1] != null) {
        rows.set(
            doc, new SegmentRow(1000 + doc, 10 + doc, new Object[] {(long) doc, repeated.clone()}));
      }
    }
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      for (int q = 0; q < 30; q++) {
        // Some queries sit on the repeated vector, where dozens of rows tie at the k-th place.
        float[] query = q % 3 == 0 ? repeated.clone() : TestRows.gaussian(random, dim);
        int k = 1 + random.nextInt(40);
        FixedBitSet accept = null;
        if (q % 2 == 1) {
          accept = new FixedBitSet(count);
          for (int doc = 0; doc < count; doc++) {
            if (random.nextDouble() < 0.2) {
              accept.set(doc);
            }
          }
        }
        List<VectorHit> expected = new ArrayList<>();
        for (int doc = 0; doc < count; doc++) {
          float[] v = (float[]) rows.get(doc).values()[1];
          if (v != null && (accept == null || accept.get(doc))) {
            expected.add(new VectorHit(doc, metric.distance(query, v)));
          }
        }
        expected.sort(
            Comparator.comparingDouble(VectorHit::distance).thenComparingInt(VectorHit::doc));
        expected = expected.subList(0, Math.min(k, expected.size()));
        assertEquals(
            expected,
            reader.exactSearch(1, query, k, accept),
            "seed=" + seed + " query=" + q + " k=" + k);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(VectorMetric.class)
  void exactSearchKeepsTheLowestDocumentsOfATieAsAScanWould(VectorMetric metric)
      throws IOException {
    SegmentSchema schema = TestRows.vectorSchema(2, metric);
    Path dir = tmp.resolve("seg");
    // A hundred rows tie; the nearest row comes last, after the tied ones filled every slot.
    List<SegmentRow> rows = new ArrayList<>();
    for (int doc = 0; doc < 100; doc++) {
      rows.add(new SegmentRow(1000 + doc, 10 + doc, new Object[] {(long) doc, new float[] {1, 0}}));
    }
    rows.add(new SegmentRow(1100, 110, new Object[] {100L, new float[] {0, 1}}));
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      List<VectorHit> hits = reader.exactSearch(1, new float[] {0, 1}, 5, null);
      assertEquals(List.of(100, 0, 1, 2, 3), hits.stream().map(VectorHit::doc).toList());
    }
  }

  private static Bits plainBits(FixedBitSet bits) {
    return new Bits() {
      @Override
      public boolean get(int index) {
        return bits.get(index);
      }

      @Override
      public int length() {
        return bits.length();
      }
    };
  }

  private static void assertSortedByDistance(List<VectorHit> hits) {
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(hits.get(i - 1).distance() <= hits.get(i).distance(), hits.toString());
    }
  }
}
