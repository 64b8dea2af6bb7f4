package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Vector fields written with {@link WriteOptions#withoutGraph}: flat vectors, exact search. */
class GraphlessVectorFieldTest {
  /** Well above the size at which Lucene builds a graph by default (about 650 vectors). */
  private static final int ROWS = 3000;

  private static final int DIM = 32;
  private static final int K = 10;

  /** Columns: 0 the key, 1 a vector with a graph, 2 the same vectors without one. */
  private static final int GRAPH = 1;

  private static final int FLAT = 2;

  @TempDir Path tmp;

  private static SegmentSchema schema(VectorMetric metric) {
    return SegmentSchema.of(
        0,
        SegmentField.scalar("id", SegmentField.Kind.LONG),
        SegmentField.vector("g", DIM, metric),
        SegmentField.vector("flat", DIM, metric));
  }

  /** Every 11th row has no vector in either column. */
  private static List<SegmentRow> rows(Random random) {
    List<SegmentRow> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      float[] v = i % 11 == 10 ? null : TestRows.gaussian(random, DIM);
      rows.add(new SegmentRow(i, i, new Object[] {(long) i, v, v}));
    }
    return rows;
  }

  private static WriteOptions graphless() {
    return WriteOptions.defaults().withoutGraph("flat");
  }

  @Test
  void onlyTheGraphlessFieldLacksAnHnswGraph() throws IOException {
    Random random = new Random(TestRows.seed("graphless graph"));
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, schema(VectorMetric.L2), rows(random).iterator(), graphless());
    int vectors = ROWS - ROWS / 11;
    try (Directory directory = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(directory)) {
      CodecReader leaf = (CodecReader) reader.leaves().get(0).reader();
      KnnVectorsReader vectorsReader = leaf.getVectorReader();
      FieldInfo graph = leaf.getFieldInfos().fieldInfo("g");
      FieldInfo flat = leaf.getFieldInfos().fieldInfo("flat");
      assertEquals(vectors, hnswGraphSize(vectorsReader, "g"));
      assertEquals(0, hnswGraphSize(vectorsReader, "flat"));
      // Lucene's own account of each field's files: raw vectors for both, graph bytes for one.
      long graphVec = vectorsReader.getOffHeapByteSize(graph).getOrDefault("vec", 0L);
      long flatVec = vectorsReader.getOffHeapByteSize(flat).getOrDefault("vec", 0L);
      assertEquals((long) vectors * DIM * Float.BYTES, graphVec);
      assertEquals(graphVec, flatVec);
      assertTrue(vectorsReader.getOffHeapByteSize(graph).getOrDefault("vex", 0L) > 0);
      assertEquals(0L, vectorsReader.getOffHeapByteSize(flat).getOrDefault("vex", 0L));
    }
  }

  private static int hnswGraphSize(KnnVectorsReader vectorsReader, String field)
      throws IOException {
    KnnVectorsReader fieldReader =
        ((PerFieldKnnVectorsFormat.FieldsReader) vectorsReader).getFieldReader(field);
    return ((HnswGraphProvider) fieldReader).getGraph(field).size();
  }

  @Test
  void aGraphlessWriteHasNoGraphFileContentWhereAGraphWriteHasSome() throws IOException {
    long seed = TestRows.seed("graphless vex");
    List<SegmentRow> rows = TestRows.vectorRows(new Random(seed), ROWS, DIM, 0);
    SegmentSchema schema = TestRows.vectorSchema(DIM, VectorMetric.COSINE);
    Path withGraph = tmp.resolve("graph");
    Path withoutGraph = tmp.resolve("flat");
    SegmentWriter.write(withGraph, schema, rows.iterator(), WriteOptions.defaults());
    SegmentWriter.write(
        withoutGraph, schema, rows.iterator(), WriteOptions.defaults().withoutGraph("v"));
    long graphVex = totalSize(withGraph, ".vex");
    long flatVex = totalSize(withoutGraph, ".vex");
    System.out.println(".vex bytes: graph " + graphVex + ", graphless " + flatVex);
    // 3000 nodes of up to 32 neighbours take tens of kilobytes; an empty graph file is a header,
    // a footer and nothing between.
    assertTrue(graphVex > 10_000, "graph .vex " + graphVex);
    assertTrue(flatVex < 256, "graphless .vex " + flatVex);
    // Both keep every raw vector.
    assertEquals(totalSize(withGraph, ".vec"), totalSize(withoutGraph, ".vec"));
    try (SegmentReader reader = SegmentReader.open(withoutGraph, schema)) {
      reader.checkIntegrity();
      assertEquals(ROWS, reader.rowCount());
      for (int doc = 0; doc < ROWS; doc += 97) {
        assertArrayEquals((float[]) rows.get(doc).values()[1], reader.vector(doc, 1), "doc " + doc);
      }
    }
  }

  private static long totalSize(Path dir, String extension) throws IOException {
    long size = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        if (file.getFileName().toString().endsWith(extension)) {
          size += Files.size(file);
        }
      }
    }
    return size;
  }

  @ParameterizedTest
  @EnumSource(VectorMetric.class)
  void searchOfAGraphlessFieldReturnsTheBruteForceTopK(VectorMetric metric) throws IOException {
    long seed = TestRows.seed("graphless search " + metric);
    Random random = new Random(seed);
    List<SegmentRow> rows = rows(random);
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, schema(metric), rows.iterator(), graphless());
    int graphMisses = 0;
    try (SegmentReader reader = SegmentReader.open(dir)) {
      for (int q = 0; q < 100; q++) {
        String where = "seed=" + seed + " " + metric + " query " + q;
        float[] query = TestRows.gaussian(random, DIM);
        FixedBitSet accept = null;
        if (q % 4 == 3) {
          accept = new FixedBitSet(ROWS);
          for (int doc = 0; doc < ROWS; doc++) {
            if (random.nextInt(3) == 0) {
              accept.set(doc);
            }
          }
        }
        List<VectorHit> truth = bruteForce(rows, metric, query, K, accept);
        assertEquals(K, truth.size(), where);
        // The smallest candidate list: an HNSW graph searched this way misses neighbours.
        assertEquals(truth, reader.search(FLAT, query, K, accept, K), where);
        assertEquals(truth, reader.search(FLAT, query, K, accept, 100), where);
        assertEquals(truth, reader.exactSearch(FLAT, query, K, accept), where);
        if (accept == null && !reader.search(GRAPH, query, K, null, K).equals(truth)) {
          graphMisses++;
        }
      }
    }
    System.out.println(
        metric
            + ": the graph column missed the exact top-"
            + K
            + " "
            + graphMisses
            + " times of 75");
    // The control: the same queries through a graph are not always exact, so the exactness of the
    // graphless column is its own and not an easy data set's.
    assertTrue(graphMisses > 0, "seed=" + seed + ": HNSW was exact on every query");
  }

  /** The exact top k over the written rows, nearest first, ties by document. */
  private static List<VectorHit> bruteForce(
      List<SegmentRow> rows, VectorMetric metric, float[] query, int k, Bits accept) {
    List<VectorHit> all = new ArrayList<>();
    for (int doc = 0; doc < rows.size(); doc++) {
      float[] v = (float[]) rows.get(doc).values()[FLAT];
      if (v != null && (accept == null || accept.get(doc))) {
        all.add(new VectorHit(doc, metric.distance(query, v)));
      }
    }
    all.sort(Comparator.comparingDouble(VectorHit::distance).thenComparingInt(VectorHit::doc));
    return List.copyOf(all.subList(0, Math.min(k, all.size())));
  }
}
