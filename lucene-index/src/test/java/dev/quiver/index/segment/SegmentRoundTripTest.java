package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.index.segment.SegmentField.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentRoundTripTest {
  private static final int DIM = 768;

  private static final SegmentSchema ALL_KINDS =
      SegmentSchema.of(
          2,
          SegmentField.scalar("flag", Kind.BOOLEAN),
          SegmentField.scalar("i", Kind.INT),
          SegmentField.scalar("id", Kind.LONG),
          SegmentField.scalar("f", Kind.FLOAT),
          SegmentField.scalar("d", Kind.DOUBLE),
          SegmentField.scalar("price", Kind.DECIMAL),
          SegmentField.scalar("name", Kind.STRING),
          SegmentField.vector("embedding", DIM, VectorMetric.COSINE));

  @TempDir Path tmp;

  /** Rows covering edge values of every kind, with a null in every nullable column somewhere. */
  private static List<SegmentRow> allKindsRows(Random random, int count) {
    Object[][] edges = {
      {true, Integer.MIN_VALUE, Long.MIN_VALUE, -0.0f, -0.0, new BigDecimal("1.50"), ""},
      {
        false,
        Integer.MAX_VALUE,
        Long.MAX_VALUE,
        Float.NaN,
        Double.NaN,
        new BigDecimal("-1E+5"),
        "ü€𝄞"
      },
      {null, null, 7L, Float.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, null, null},
      {true, 0, 0L, null, null, new BigDecimal("123456789012345678901234567890.000001"), "x"},
      {false, 42, -1L, Float.MIN_VALUE, Double.MIN_VALUE, BigDecimal.ZERO, "with\nnewline"},
    };
    List<SegmentRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Object[] values = new Object[ALL_KINDS.size()];
      if (i < edges.length) {
        System.arraycopy(edges[i], 0, values, 0, edges[i].length);
      } else {
        values[0] = random.nextBoolean();
        values[1] = random.nextInt();
        values[2] = 1_000_000L + i;
        values[3] = random.nextFloat();
        values[4] = random.nextDouble();
        values[5] = BigDecimal.valueOf(random.nextLong(), random.nextInt(10));
        values[6] = "row-" + i;
      }
      values[7] = i % 4 == 2 ? null : TestRows.gaussian(random, DIM);
      rows.add(new SegmentRow(5000 + i, 100 + (i * 7L) % 50, values));
    }
    return rows;
  }

  @Test
  void everyKindReadsBackAsWrittenIncludingNullsAndA768dVector() throws IOException {
    Random random = new Random(TestRows.seed("everyKindReadsBack"));
    List<SegmentRow> rows = allKindsRows(random, 200);
    Path dir = tmp.resolve("seg");
    SegmentInfo info =
        SegmentWriter.write(dir, ALL_KINDS, rows.iterator(), WriteOptions.defaults());

    assertEquals(200, info.rowCount());
    assertEquals(100, info.minInsertTs());
    assertEquals(149, info.maxInsertTs());
    try (SegmentReader reader = SegmentReader.open(dir, ALL_KINDS)) {
      assertEquals(200, reader.rowCount());
      assertEquals(info, reader.info());
      assertEquals(info.sizeBytes(), reader.sizeBytes());
      for (int doc = 0; doc < rows.size(); doc++) {
        SegmentRow row = rows.get(doc);
        assertEquals(row.rowId(), reader.rowId(doc));
        assertEquals(row.insertTs(), reader.insertTs(doc));
        assertRowEquals(row.values(), reader.row(doc), "doc " + doc);
      }
      // Backwards and random access give the same values as the sequential scan.
      for (int n = 0; n < 300; n++) {
        int doc = random.nextInt(rows.size());
        int field = random.nextInt(ALL_KINDS.size());
        assertValueEquals(rows.get(doc).values()[field], reader.value(doc, field), "doc " + doc);
      }
      assertNull(reader.vector(2, 7));
      assertArrayEquals((float[]) rows.get(3).values()[7], reader.vector(3, 7));
    }
  }

  @Test
  void valuesReadBackOnEveryThread() throws Exception {
    Random random = new Random(TestRows.seed("valuesReadBackOnEveryThread"));
    List<SegmentRow> rows = allKindsRows(random, 100);
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, ALL_KINDS, rows.iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, ALL_KINDS)) {
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 4; t++) {
        int offset = t;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        for (int round = 0; round < 20; round++) {
                          for (int doc = offset; doc < rows.size(); doc += 3) {
                            assertRowEquals(rows.get(doc).values(), reader.row(doc), "doc " + doc);
                          }
                        }
                      } catch (Throwable e) {
                        failures.add(e);
                      }
                    }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
      assertEquals(List.of(), failures);
    }
  }

  @Test
  void segmentIsOneLuceneSegmentReadableByPlainLuceneWithTheDefaultCodec() throws IOException {
    Random random = new Random(TestRows.seed("plainLucene"));
    SegmentSchema schema = TestRows.vectorSchema(16, VectorMetric.L2);
    List<SegmentRow> rows = TestRows.vectorRows(random, 2000, 16, 0);
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(
        dir,
        schema,
        rows.iterator(),
        WriteOptions.defaults().withHnsw("v", new WriteOptions.Hnsw(8, 40)));

    try (Directory directory = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(directory)) {
      SegmentInfos infos = SegmentInfos.readLatestCommit(directory);
      assertEquals(1, infos.size());
      SegmentCommitInfo segment = infos.info(0);
      // The name Lucene resolves through its SPI: no Quiver codec needs registering.
      assertEquals(Codec.getDefault().getName(), segment.info.getCodec().getName());
      assertEquals(Codec.getDefault().getClass(), segment.info.getCodec().getClass());
      assertFalse(segment.info.getUseCompoundFile());
      assertEquals(1, reader.leaves().size());
      LeafReader leaf = reader.leaves().get(0).reader();
      FieldInfo vectors = leaf.getFieldInfos().fieldInfo("v");
      assertEquals(
          "Lucene99HnswVectorsFormat",
          vectors.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
      assertEquals(VectorMetric.L2.similarity(), vectors.getVectorSimilarityFunction());

      float[] query = TestRows.gaussian(random, 16);
      TopDocs top = new IndexSearcher(reader).search(new KnnFloatVectorQuery("v", query, 5), 5);
      assertEquals(5, top.scoreDocs.length);
    }
  }

  @Test
  void rowsStayInWriteOrderAcrossSeveralFlushesMergedIntoOneSegment() throws IOException {
    Random random = new Random(TestRows.seed("severalFlushes"));
    SegmentSchema schema = TestRows.vectorSchema(32, VectorMetric.INNER_PRODUCT);
    List<SegmentRow> rows = TestRows.vectorRows(random, 20_000, 32, 5);
    Path dir = tmp.resolve("seg");
    // A 1 MB buffer holds far fewer than 20,000 rows of 32-d vectors.
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults().withRamBufferMb(1));

    try (Directory directory = FSDirectory.open(dir)) {
      assertEquals(1, SegmentInfos.readLatestCommit(directory).size());
      assertTrue(
          SegmentInfos.readLatestCommit(directory).info(0).info.name.compareTo("_1") >= 0,
          "expected a merged segment");
    }
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      for (int doc = 0; doc < rows.size(); doc++) {
        assertEquals(rows.get(doc).rowId(), reader.rowId(doc));
        assertArrayEquals((float[]) rows.get(doc).values()[1], reader.vector(doc, 1));
      }
    }
  }

  @Test
  void vectorsLongerThanLuceneDefaultLimitOf1024Fit() throws IOException {
    Random random = new Random(TestRows.seed("vectors2048"));
    SegmentSchema schema = TestRows.vectorSchema(2048, VectorMetric.L2);
    List<SegmentRow> rows = TestRows.vectorRows(random, 10, 2048, 0);
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      assertArrayEquals((float[]) rows.get(9).values()[1], reader.vector(9, 1));
      assertEquals(
          9, reader.search(1, (float[]) rows.get(9).values()[1], 1, null, 10).get(0).doc());
    }
  }

  @Test
  void openWithAnotherSchemaFailsNamingBoth() throws IOException {
    Path dir = tmp.resolve("seg");
    SegmentSchema schema = TestRows.vectorSchema(4, VectorMetric.L2);
    SegmentWriter.write(
        dir,
        schema,
        TestRows.vectorRows(new Random(1), 3, 4, 0).iterator(),
        WriteOptions.defaults());
    SegmentSchema other = TestRows.vectorSchema(4, VectorMetric.COSINE);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SegmentReader.open(dir, other));
    assertTrue(e.getMessage().contains("metric=L2") && e.getMessage().contains("metric=COSINE"));
  }

  @Test
  void badRowsAreRejectedWithRowAndFieldAndLeaveNoFolder() {
    SegmentSchema schema = TestRows.vectorSchema(3, VectorMetric.COSINE);
    assertRejected(schema, new SegmentRow(7, 1, new Object[] {1, new float[3]}), "expected Long");
    assertRejected(
        schema, new SegmentRow(7, 1, new Object[] {1L, new float[] {0, 0, 0}}), "zero vector");
    assertRejected(
        schema, new SegmentRow(7, 1, new Object[] {1L, new float[] {1, 2}}), "2 dimensions");
    assertRejected(
        schema, new SegmentRow(7, 1, new Object[] {1L, new float[] {1, Float.NaN, 0}}), "is NaN");
    assertRejected(
        schema, new SegmentRow(7, 1, new Object[] {null, new float[] {1, 1, 1}}), "null key");
    assertRejected(schema, new SegmentRow(7, 1, new Object[] {1L}), "has 1 values");
    SegmentSchema strings = SegmentSchema.of(-1, SegmentField.scalar("s", Kind.STRING));
    assertRejected(
        strings, new SegmentRow(7, 1, new Object[] {"x".repeat(40_000)}), "40000 UTF-8 bytes");
  }

  @Test
  void aSegmentNeedsRows() {
    Path dir = tmp.resolve("seg");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SegmentWriter.write(
                    dir,
                    TestRows.vectorSchema(3, VectorMetric.L2),
                    List.<SegmentRow>of().iterator(),
                    WriteOptions.defaults()));
    assertTrue(e.getMessage().contains("at least one row"));
    assertFalse(Files.exists(SegmentWriter.temporaryFolder(dir)));
  }

  private void assertRejected(SegmentSchema schema, SegmentRow bad, String expected) {
    Path dir = tmp.resolve("bad");
    Iterator<SegmentRow> rows = List.of(new SegmentRow(1, 1, goodValues(schema)), bad).iterator();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SegmentWriter.write(dir, schema, rows, WriteOptions.defaults()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains("row 7"), e.getMessage());
    assertFalse(Files.exists(dir));
    assertFalse(Files.exists(SegmentWriter.temporaryFolder(dir)));
  }

  private static Object[] goodValues(SegmentSchema schema) {
    return schema.size() == 1 ? new Object[] {"ok"} : new Object[] {0L, new float[] {1, 1, 1}};
  }

  static void assertRowEquals(Object[] expected, Object[] actual, String where) {
    assertEquals(expected.length, actual.length, where);
    for (int i = 0; i < expected.length; i++) {
      assertValueEquals(expected[i], actual[i], where + " field " + i);
    }
  }

  static void assertValueEquals(Object expected, Object actual, String where) {
    if (expected instanceof float[] vector) {
      assertArrayEquals(vector, (float[]) actual, where);
    } else {
      // BigDecimal.equals compares the scale too: 1.50 must not come back as 1.5.
      assertEquals(expected, actual, where);
    }
  }
}
