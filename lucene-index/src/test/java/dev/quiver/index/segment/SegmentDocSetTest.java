package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of the document sets a reader computes for filters ({@link SegmentReader#present}, {@link
 * SegmentReader#equalTo}, {@link SegmentReader#inRange}, {@link SegmentReader#matchingValues},
 * {@link SegmentReader#insertedAtOrBefore}) and of {@link DocSet} itself.
 */
class SegmentDocSetTest {
  private static final SegmentSchema SCHEMA =
      SegmentSchema.of(
          -1,
          SegmentField.scalar("d", SegmentField.Kind.DOUBLE),
          SegmentField.scalar("s", SegmentField.Kind.STRING),
          SegmentField.scalar("dec", SegmentField.Kind.DECIMAL),
          SegmentField.vector("v", 2, VectorMetric.L2));
  private static final Object[][] ROWS = {
    {-0.0, "a", new BigDecimal("1.50"), new float[] {1, 0}},
    {0.0, "b", new BigDecimal("1.5"), null},
    {Double.NaN, "a", null, new float[] {0, 1}},
    {Double.POSITIVE_INFINITY, null, new BigDecimal("2"), new float[] {1, 1}},
    {null, "b", new BigDecimal("15E-1"), new float[] {0, 0}},
    {1.0, "a", new BigDecimal("3"), new float[] {2, 2}}
  };

  @TempDir Path tmp;
  private SegmentReader reader;

  /** Row i is inserted at timestamp 10 + i. */
  @BeforeEach
  void write() throws IOException {
    reader = TestRows.writeAndOpen(tmp.resolve("seg"), SCHEMA, ROWS, 10);
  }

  @AfterEach
  void close() throws IOException {
    reader.close();
  }

  @Test
  void presentHoldsTheDocumentsWithAValueOrAVector() throws IOException {
    assertEquals("{0, 1, 2, 3, 5} of 6", reader.present(0).toString());
    assertEquals("{0, 1, 2, 4, 5} of 6", reader.present(1).toString());
    assertEquals("{0, 1, 3, 4, 5} of 6", reader.present(2).toString());
    assertEquals("{0, 2, 3, 4, 5} of 6", reader.present(3).toString());
  }

  @Test
  void rangesFollowTheIndexOrderWithMinusZeroBelowZeroAndNanOnTop() throws IOException {
    assertEquals("{0} of 6", reader.inRange(0, -0.0, -0.0).toString());
    assertEquals("{0, 1} of 6", reader.inRange(0, -0.0, 0.0).toString());
    assertEquals("{2, 3} of 6", reader.inRange(0, Double.POSITIVE_INFINITY, Double.NaN).toString());
    assertEquals("{0, 1, 2, 3, 5} of 6", reader.inRange(0, null, Double.NaN).toString());
    assertEquals("{0, 1, 5} of 6", reader.inRange(0, null, 1.0).toString());
    assertThrows(IllegalArgumentException.class, () -> reader.inRange(2, null, null));
  }

  @Test
  void equalityOfDecimalsIgnoresTheScale() throws IOException {
    assertEquals("{0, 1, 4} of 6", reader.equalTo(2, new BigDecimal("1.500")).toString());
    assertEquals("{0, 2, 5} of 6", reader.equalTo(1, "a").toString());
  }

  @Test
  void matchingValuesAsksOncePerDistinctTextValueAndNeverForNull() throws IOException {
    Set<Object> asked = new HashSet<>();
    List<Object> calls = new ArrayList<>();
    DocSet matched =
        reader.matchingValues(
            1,
            v -> {
              calls.add(v);
              asked.add(v);
              return v.equals("b");
            },
            DocSet.all(6));
    assertEquals("{1, 4} of 6", matched.toString());
    assertEquals(Set.of("a", "b"), asked);
    assertEquals(2, calls.size(), "one call per distinct value: " + calls);

    DocSet among = DocSet.empty(6);
    among.set(1);
    among.set(3);
    assertEquals("{1} of 6", reader.matchingValues(1, "b"::equals, among).toString());
    // Decimals are read back with their own scale.
    assertEquals(
        "{0} of 6",
        reader.matchingValues(2, v -> v.toString().equals("1.50"), DocSet.all(6)).toString());
    assertEquals(
        "{1} of 6",
        reader.matchingValues(0, v -> Double.valueOf(0.0).equals(v), DocSet.all(6)).toString());
  }

  @Test
  void insertedAtOrBeforeCutsAtTheTimestamp() throws IOException {
    assertEquals("{0, 1, 2} of 6", reader.insertedAtOrBefore(12).toString());
    assertEquals("{} of 6", reader.insertedAtOrBefore(9).toString());
    assertEquals(DocSet.all(6), reader.insertedAtOrBefore(15));
  }

  @Test
  void docSetOperationsChangeTheSetInPlace() {
    DocSet a = DocSet.empty(130);
    a.set(0);
    a.set(64);
    a.set(129);
    DocSet b = DocSet.all(130);
    b.clear(64);
    DocSet copy = a.copy();
    assertEquals("{0, 129} of 130", a.and(b).toString());
    assertEquals("{0, 64, 129} of 130", copy.toString(), "a copy changes independently");
    assertEquals("{64} of 130", copy.andNot(b).toString());
    assertEquals(3, a.or(copy).cardinality());
    assertEquals(-1, a.nextSetBit(130));
    assertTrue(DocSet.empty(5).isEmpty());
  }
}
