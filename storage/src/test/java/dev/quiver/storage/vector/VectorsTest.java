package dev.quiver.storage.vector;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link Vectors}: parsing and formatting the {@code [x, y, ...]} text form, and checks.
 */
class VectorsTest {
  private static final String WHAT = "column embedding";

  private static float[] parse(String text) {
    return Vectors.parse(text, WHAT);
  }

  @Test
  void parsesPlainLiteral() {
    assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, parse("[0.1, 0.2, 0.3]"));
    assertArrayEquals(new float[] {7}, parse("[7]"));
  }

  @Test
  void parsesWhiteSpaceSignsAndExponents() {
    assertArrayEquals(
        new float[] {1, -2.5f, 300, 0.001f, 0.5f, 5, -0f, 2e-3f},
        parse("  [ 1 ,-2.5,\t+3e2 ,1E-3, .5, 5., -0,\n2E-3 ]  "));
    assertArrayEquals(new float[] {Float.MAX_VALUE}, parse("[3.4028235e38]"));
    assertArrayEquals(new float[] {Float.MIN_VALUE}, parse("[1.4e-45]"));
  }

  @Test
  void literalWithoutBracketsIsMalformed() {
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("1, 2"), WHAT, "'1, 2'", "brackets");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[1, 2"), "'[1, 2'", "brackets");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("1, 2]"), "'1, 2]'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("(1, 2)"), "'(1, 2)'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse(""), "''");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("["), "'['");
  }

  @Test
  void emptyVectorIsMalformed() {
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[]"), "'[]'", "at least one component");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[  ]"), "at least one component");
  }

  @Test
  void missingComponentIsMalformed() {
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[1, 2,]"), "'[1, 2,]'", "component 3");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[,1]"), "component 1");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[1,,2]"), "component 2");
  }

  @Test
  void componentThatIsNotADecimalNumberIsMalformed() {
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[1, abc]"), "component 2", "'abc'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[1 2]"), "'1 2'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[2x]"), "'2x'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[1f]"), "'1f'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[0x1p3]"), "'0x1p3'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[1e]"), "'1e'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[.]"), "'.'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[--1]"), "'--1'");
    assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse("[[1, 2]]"), "'[1'");
  }

  @Test
  void nanAndInfinityAreNotFinite() {
    assertFails(ErrorCode.VECTOR_NOT_FINITE, () -> parse("[1, NaN]"), WHAT, "component 2", "NaN");
    assertFails(ErrorCode.VECTOR_NOT_FINITE, () -> parse("[nan]"), "nan");
    assertFails(
        ErrorCode.VECTOR_NOT_FINITE, () -> parse("[Infinity, 1]"), "component 1", "Infinity");
    assertFails(ErrorCode.VECTOR_NOT_FINITE, () -> parse("[-inf]"), "-inf");
  }

  @Test
  void componentBeyondFloatRangeFailsNamingIt() {
    assertFails(
        ErrorCode.VECTOR_NOT_FINITE,
        () -> parse("[1, 1e39]"),
        WHAT,
        "component 2",
        "1e39",
        "float32");
    assertFails(ErrorCode.VECTOR_NOT_FINITE, () -> parse("[-3.5e38]"), "-3.5e38");
  }

  @Test
  void longLiteralIsAbbreviatedInMessages() {
    String text = "[" + "1, ".repeat(100) + "x]";

    String message =
        assertFails(ErrorCode.MALFORMED_VECTOR, () -> parse(text), "component 101", "'x'")
            .getMessage();

    assertTrue(message.length() < 250, message);
  }

  @Test
  void formatWritesIntegersWithoutFraction() {
    assertEquals("[1, 0.5, -2]", Vectors.format(new float[] {1, 0.5f, -2}));
    assertEquals("[1.0E-5, 1.0E16]", Vectors.format(new float[] {1e-5f, 1e16f}));
  }

  @Test
  void formatThenParseRoundTripsEveryFloat() {
    long seed = System.nanoTime();
    System.out.println("VectorsTest seed=" + seed);
    Random random = new Random(seed);
    float[] special = {
      0f,
      -0f,
      1f,
      -1f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      Float.MIN_NORMAL,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      16_777_216f,
      16_777_217f,
      1e15f,
      1e-15f,
      0.1f,
      123456.79f
    };
    assertArrayEquals(special, parse(Vectors.format(special)));
    for (int round = 0; round < 10_000; round++) {
      float[] v = new float[1 + random.nextInt(8)];
      for (int i = 0; i < v.length; i++) {
        v[i] =
            switch (random.nextInt(3)) {
              case 0 -> (float) random.nextGaussian();
              case 1 -> (float) (random.nextInt(2001) - 1000);
              default -> {
                float f;
                do {
                  f = Float.intBitsToFloat(random.nextInt());
                } while (!Float.isFinite(f));
                yield f;
              }
            };
      }
      String text = Vectors.format(v);
      assertArrayEquals(v, parse(text), "seed=" + seed + " text=" + text);
    }
  }

  @Test
  void abbreviateShowsTheHeadOfLongVectors() {
    assertEquals("[1, 2]", Vectors.abbreviate(new float[] {1, 2}));
    assertEquals("[0, 0, 0, 0, 0, 0, ... (9 values)]", Vectors.abbreviate(new float[9]));
  }

  @Test
  void checkDimensionNamesExpectedAndActual() {
    Vectors.checkDimension(new float[2], 2, WHAT);
    assertFails(
        ErrorCode.VECTOR_DIMENSION_MISMATCH,
        () -> Vectors.checkDimension(new float[] {1, 2}, 3, WHAT),
        WHAT,
        "VECTOR(3)",
        "got 2 values",
        "[1, 2]");
  }

  @Test
  void checkFiniteNamesTheFirstBadComponent() {
    Vectors.checkFinite(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE}, WHAT);
    assertFails(
        ErrorCode.VECTOR_NOT_FINITE,
        () -> Vectors.checkFinite(new float[] {0, Float.NEGATIVE_INFINITY, Float.NaN}, WHAT),
        WHAT,
        "component 2",
        "-Infinity");
  }
}
