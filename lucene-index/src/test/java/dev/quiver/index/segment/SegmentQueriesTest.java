package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quiver.index.segment.SegmentField.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.FixedBitSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentQueriesTest {
  private static final SegmentSchema SCHEMA =
      SegmentSchema.of(
          -1,
          SegmentField.scalar("b", Kind.BOOLEAN),
          SegmentField.scalar("i", Kind.INT),
          SegmentField.scalar("l", Kind.LONG),
          SegmentField.scalar("f", Kind.FLOAT),
          SegmentField.scalar("d", Kind.DOUBLE),
          SegmentField.scalar("dec", Kind.DECIMAL),
          SegmentField.scalar("s", Kind.STRING));

  /** Rows 0..3 (doc = row index); row 3 is all NULL. */
  private static final Object[][] VALUES = {
    {true, -5, Long.MIN_VALUE, -1.5f, -0.0, new BigDecimal("1.50"), "apple"},
    {false, 0, 0L, 0.0f, 0.0, new BigDecimal("2"), "banana"},
    {true, Integer.MAX_VALUE, 10L, Float.POSITIVE_INFINITY, 2.5, new BigDecimal("1.5"), "cherry"},
    {null, null, null, null, null, null, null},
  };

  @TempDir Path tmp;
  private SegmentReader reader;

  @BeforeEach
  void write() throws IOException {
    reader = TestRows.writeAndOpen(tmp.resolve("seg"), SCHEMA, VALUES, 100);
  }

  @AfterEach
  void close() throws IOException {
    reader.close();
  }

  private List<Integer> docs(Query query) throws IOException {
    FixedBitSet bits = reader.matching(query);
    List<Integer> docs = new ArrayList<>();
    for (int doc = 0; doc < bits.length(); doc++) {
      if (bits.get(doc)) {
        docs.add(doc);
      }
    }
    return docs;
  }

  private SegmentField field(String name) {
    return SCHEMA.field(SCHEMA.indexOf(name));
  }

  @Test
  void equalityMatchesTheEncodedValueOfEveryKind() throws IOException {
    assertEquals(List.of(0, 2), docs(SegmentQueries.equalTo(field("b"), true)));
    assertEquals(List.of(2), docs(SegmentQueries.equalTo(field("i"), Integer.MAX_VALUE)));
    assertEquals(List.of(0), docs(SegmentQueries.equalTo(field("l"), Long.MIN_VALUE)));
    assertEquals(List.of(0), docs(SegmentQueries.equalTo(field("f"), -1.5f)));
    assertEquals(List.of(1), docs(SegmentQueries.equalTo(field("d"), 0.0)));
    assertEquals(
        List.of(0, 2), docs(SegmentQueries.equalTo(field("dec"), new BigDecimal("1.500"))));
    assertEquals(List.of(1), docs(SegmentQueries.equalTo(field("s"), "banana")));
  }

  @Test
  void rangesHonourInclusivenessAndOpenBounds() throws IOException {
    assertEquals(
        List.of(1), docs(SegmentQueries.range(field("i"), -5, false, Integer.MAX_VALUE, false)));
    assertEquals(List.of(0, 1, 2), docs(SegmentQueries.range(field("i"), null, true, null, true)));
    assertEquals(
        List.of(), docs(SegmentQueries.range(field("i"), Integer.MAX_VALUE, false, null, true)));
    assertEquals(
        List.of(1, 2), docs(SegmentQueries.range(field("l"), Long.MIN_VALUE, false, 10L, true)));
    assertEquals(List.of(0, 1), docs(SegmentQueries.range(field("f"), null, true, 0.0f, true)));
    assertEquals(List.of(1, 2), docs(SegmentQueries.range(field("d"), -0.0, false, null, true)));
    assertEquals(List.of(1, 2), docs(SegmentQueries.range(field("s"), "b", true, "cz", false)));
    assertEquals(List.of(1), docs(SegmentQueries.range(field("b"), null, true, false, true)));
    assertThrows(
        IllegalArgumentException.class,
        () -> SegmentQueries.range(field("dec"), BigDecimal.ONE, true, null, true));
  }

  @Test
  void nullMatchesNoComparisonAndIsNotNullFindsValues() throws IOException {
    assertEquals(List.of(0, 1, 2), docs(SegmentQueries.isNotNull(field("s"))));
    assertEquals(List.of(0, 1, 2), docs(SegmentQueries.isNotNull(field("dec"))));
    assertEquals(List.of(0, 1), docs(SegmentQueries.insertedAtOrBefore(101)));
  }
}
