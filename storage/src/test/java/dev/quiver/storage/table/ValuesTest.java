package dev.quiver.storage.table;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link Values#conform}, {@link Values#compare} and {@link Values#literal} for each
 * column type.
 */
class ValuesTest {
  private static ColumnDef column(ColumnType type) {
    return ColumnDef.of("c", type, true);
  }

  private static Object conform(ColumnType type, Object value) {
    return Values.conform(column(type), value);
  }

  private static ColumnDef decimal(int precision, int scale) {
    return new ColumnDef("amount", ColumnType.DECIMAL, 0, precision, scale, true);
  }

  private static ColumnDef varchar(int length) {
    return new ColumnDef("code", ColumnType.VARCHAR, 0, length, 0, true);
  }

  @Test
  void nullPassesNullableColumnsOfEveryType() {
    for (ColumnType type : ColumnType.values()) {
      ColumnDef c = type == ColumnType.VECTOR ? ColumnDef.vector("c", 2, true) : column(type);
      assertNull(Values.conform(c, null), type.name());
    }
  }

  @Test
  void nullIntoNotNullColumnFailsNamingTheColumn() {
    for (ColumnType type : ColumnType.values()) {
      ColumnDef c =
          type == ColumnType.VECTOR
              ? ColumnDef.vector("must", 2, false)
              : ColumnDef.of("must", type, false);
      assertFails(
          ErrorCode.NOT_NULL_VIOLATION, () -> Values.conform(c, null), "column must", "NOT NULL");
    }
  }

  @Test
  void booleanAcceptsOnlyBooleans() {
    assertEquals(true, conform(ColumnType.BOOLEAN, true));
    assertFails(
        ErrorCode.INVALID_VALUE,
        () -> conform(ColumnType.BOOLEAN, "true"),
        "column c",
        "BOOLEAN",
        "'true'",
        "String");
    assertFails(ErrorCode.INVALID_VALUE, () -> conform(ColumnType.BOOLEAN, 1), "BOOLEAN", "1");
  }

  @Test
  void integerTakesWholeNumbersThatFit() {
    assertEquals(5, conform(ColumnType.INTEGER, 5));
    assertEquals(5, conform(ColumnType.INTEGER, 5L));
    assertEquals(-3, conform(ColumnType.INTEGER, (short) -3));
    assertEquals(2, conform(ColumnType.INTEGER, 2.0));
    assertEquals(7, conform(ColumnType.INTEGER, new BigDecimal("7.00")));
    assertEquals(Integer.MIN_VALUE, conform(ColumnType.INTEGER, (long) Integer.MIN_VALUE));
  }

  @Test
  void integerNarrowingThatLosesDigitsFails() {
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> conform(ColumnType.INTEGER, 3_000_000_000L),
        "3000000000",
        "INTEGER");
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE, () -> conform(ColumnType.INTEGER, 2.5), "2.5", "column c");
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> conform(ColumnType.INTEGER, new BigDecimal("0.1")),
        "0.1");
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE, () -> conform(ColumnType.INTEGER, Double.NaN), "NaN");
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> conform(ColumnType.INTEGER, Float.POSITIVE_INFINITY),
        "Infinity");
    assertFails(ErrorCode.INVALID_VALUE, () -> conform(ColumnType.INTEGER, "12"), "'12'");
  }

  @Test
  void bigintTakesWholeNumbersThatFit() {
    assertEquals(5L, conform(ColumnType.BIGINT, 5));
    assertEquals(Long.MAX_VALUE, conform(ColumnType.BIGINT, new BigDecimal(Long.MAX_VALUE)));
    assertEquals(1L << 40, conform(ColumnType.BIGINT, (double) (1L << 40)));
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE, () -> conform(ColumnType.BIGINT, 1e19), "1.0E19", "BIGINT");
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> conform(ColumnType.BIGINT, new BigInteger("9223372036854775808")),
        "9223372036854775808");
    assertFails(ErrorCode.NUMERIC_OUT_OF_RANGE, () -> conform(ColumnType.BIGINT, -0.5f), "-0.5");
  }

  @Test
  void realAndDoubleTakeAnyNumberInRange() {
    assertEquals(0.5f, conform(ColumnType.REAL, 0.5));
    assertEquals(3f, conform(ColumnType.REAL, 3));
    assertEquals(0.25, conform(ColumnType.DOUBLE, 0.25f));
    assertEquals(1.5, conform(ColumnType.DOUBLE, new BigDecimal("1.5")));
    assertEquals(9.0, conform(ColumnType.DOUBLE, 9L));
    assertFails(
        ErrorCode.INVALID_VALUE, () -> conform(ColumnType.DOUBLE, "1.5"), "DOUBLE", "'1.5'");
  }

  @Test
  void realAndDoubleOverflowFails() {
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE, () -> conform(ColumnType.REAL, 1e300), "1.0E300", "REAL");
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> conform(ColumnType.REAL, new BigDecimal("-1e39")),
        "REAL");
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> conform(ColumnType.DOUBLE, new BigDecimal("1e400")),
        "1E+400",
        "DOUBLE");
  }

  @Test
  void realAndDoubleKeepNaNAndInfinitiesGivenAsSuch() {
    assertEquals(Float.NaN, conform(ColumnType.REAL, Double.NaN));
    assertEquals(Float.NEGATIVE_INFINITY, conform(ColumnType.REAL, Double.NEGATIVE_INFINITY));
    assertEquals(Double.POSITIVE_INFINITY, conform(ColumnType.DOUBLE, Float.POSITIVE_INFINITY));
  }

  @Test
  void decimalRoundsToItsScale() {
    assertEquals(
        new BigDecimal("123.46"), Values.conform(decimal(5, 2), new BigDecimal("123.456")));
    assertEquals(new BigDecimal("7.00"), Values.conform(decimal(5, 2), 7));
    assertEquals(new BigDecimal("0.50"), Values.conform(decimal(3, 2), 0.5));
    assertEquals(
        new BigDecimal("-999.99"), Values.conform(decimal(5, 2), new BigDecimal("-999.99")));
    assertEquals(new BigDecimal("1.125"), conform(ColumnType.DECIMAL, new BigDecimal("1.125")));
    assertEquals(new BigDecimal("0.1"), conform(ColumnType.DECIMAL, 0.1));
  }

  @Test
  void decimalBeyondItsPrecisionFails() {
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> Values.conform(decimal(5, 2), new BigDecimal("1234.5")),
        "1234.5",
        "DECIMAL(5, 2)",
        "amount");
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE, () -> Values.conform(decimal(5, 2), 999.995), "999.995");
    assertFails(ErrorCode.NUMERIC_OUT_OF_RANGE, () -> Values.conform(decimal(3, 0), 1000), "1000");
  }

  @Test
  void decimalOfNonFiniteNumberFails() {
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> conform(ColumnType.DECIMAL, Double.NaN),
        "NaN",
        "DECIMAL");
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> Values.conform(decimal(5, 2), Double.NEGATIVE_INFINITY),
        "-Infinity");
  }

  @Test
  void varcharLongerThanItsLengthFails() {
    assertEquals("abc", Values.conform(varchar(3), "abc"));
    assertFails(
        ErrorCode.VALUE_TOO_LONG,
        () -> Values.conform(varchar(3), "abcd"),
        "column code",
        "VARCHAR(3)",
        "4 characters",
        "'abcd'");
    assertEquals("x".repeat(10_000), conform(ColumnType.VARCHAR, "x".repeat(10_000)));
    assertFails(ErrorCode.INVALID_VALUE, () -> conform(ColumnType.VARCHAR, 12), "VARCHAR", "12");
  }

  @Test
  void varcharLengthCountsCharactersNotUtf16Units() {
    assertEquals("😀é😀", Values.conform(varchar(3), "😀é😀"));
    assertFails(
        ErrorCode.VALUE_TOO_LONG, () -> Values.conform(varchar(2), "😀é😀"), "3 characters");
  }

  @Test
  void varcharOverLucenesTermLimitFailsCountingUtf8Bytes() {
    String fits = "é".repeat(Values.MAX_STRING_BYTES / 2);
    assertEquals(fits, Values.conform(varchar(-1), fits));
    assertFails(
        ErrorCode.VALUE_TOO_LONG,
        () -> Values.conform(varchar(-1), fits + "é"),
        "column code",
        "32768 bytes in UTF-8",
        "at most 32766");
  }

  @Test
  void dateIsDaysThatFitAnInt() {
    assertEquals(19_000, conform(ColumnType.DATE, 19_000L));
    assertFails(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        () -> conform(ColumnType.DATE, 1L << 40),
        "1099511627776",
        "DATE");
  }

  @Test
  void timestampIsMillisAsLong() {
    assertEquals(1_700_000_000_000L, conform(ColumnType.TIMESTAMP, 1_700_000_000_000L));
    assertEquals(5L, conform(ColumnType.TIMESTAMP, 5));
    assertFails(
        ErrorCode.INVALID_VALUE, () -> conform(ColumnType.TIMESTAMP, "2026-01-01"), "'2026-01-01'");
  }

  @Test
  void vectorIsCheckedAndCopied() {
    ColumnDef c = ColumnDef.vector("embedding", 3, false);
    float[] given = {1, 2, 3};

    float[] stored = (float[]) Values.conform(c, given);

    assertArrayEquals(given, stored);
    assertNotSame(given, stored);
    assertFails(
        ErrorCode.VECTOR_DIMENSION_MISMATCH,
        () -> Values.conform(c, new float[] {1, 2, 3, 4}),
        "column embedding",
        "VECTOR(3)",
        "got 4 values",
        "[1, 2, 3, 4]");
    assertFails(
        ErrorCode.VECTOR_NOT_FINITE,
        () -> Values.conform(c, new float[] {1, Float.POSITIVE_INFINITY, 3}),
        "column embedding",
        "component 2",
        "Infinity");
    assertFails(
        ErrorCode.INVALID_VALUE,
        () -> Values.conform(c, new double[] {1, 2, 3}),
        "VECTOR(3)",
        "double[]");
  }

  @Test
  void literalQuotesStringsAndAbbreviatesVectors() {
    assertEquals("NULL", Values.literal(null));
    assertEquals("'it''s'", Values.literal("it's"));
    assertEquals("42", Values.literal(42L));
    assertEquals(
        "'[1, 2, 3, 4, 5, 6, ... (10 values)]'",
        Values.literal(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  }
}
