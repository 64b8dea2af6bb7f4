package dev.quiver.storage.table;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.vector.Vectors;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/** Checks and comparisons of values in the engine's representation of each column type. */
public final class Values {
  /** The most UTF-8 bytes of a VARCHAR value: Lucene's limit for a term and a sorted doc value. */
  public static final int MAX_STRING_BYTES = 32766;

  private Values() {}

  /**
   * Checks a value for a column and returns it in the column's representation: numbers are narrowed
   * or widened when no digits are lost, vectors are checked for dimension and finiteness.
   */
  public static Object conform(ColumnDef column, Object value) {
    if (value == null) {
      if (!column.nullable()) {
        throw new QuiverException(
            ErrorCode.NOT_NULL_VIOLATION,
            "column " + column.name() + " is NOT NULL but the value is NULL");
      }
      return null;
    }
    return switch (column.type()) {
      case BOOLEAN -> as(column, value, Boolean.class);
      case INTEGER, DATE -> {
        long v = wholeNumber(column, value);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw outOfRange(column, value);
        }
        yield (int) v;
      }
      case BIGINT -> wholeNumber(column, value);
      case REAL -> {
        Number n = number(column, value);
        float f = (float) n.doubleValue();
        if (Float.isInfinite(f) && isFinite(n)) {
          throw outOfRange(column, value);
        }
        yield f;
      }
      case DOUBLE -> {
        Number n = number(column, value);
        double d = n.doubleValue();
        if (Double.isInfinite(d) && isFinite(n)) {
          throw outOfRange(column, value);
        }
        yield d;
      }
      case DECIMAL -> {
        BigDecimal d = exact(column, value);
        if (column.precision() < 0) {
          // Segments store a decimal as its text, which Lucene limits like a VARCHAR.
          if (d.toString().length() > MAX_STRING_BYTES) {
            throw new QuiverException(
                ErrorCode.VALUE_TOO_LONG,
                "column "
                    + column.name()
                    + ": a DECIMAL of "
                    + d.precision()
                    + " digits is too long to store; at most "
                    + MAX_STRING_BYTES
                    + " characters as text");
          }
          yield d;
        }
        BigDecimal scaled = d.setScale(column.scale(), RoundingMode.HALF_UP);
        if (scaled.precision() - scaled.scale() > column.precision() - column.scale()) {
          throw outOfRange(column, value);
        }
        yield scaled;
      }
      case VARCHAR -> {
        String s = as(column, value, String.class);
        int length = s.codePointCount(0, s.length());
        if (column.precision() >= 0 && length > column.precision()) {
          throw new QuiverException(
              ErrorCode.VALUE_TOO_LONG,
              "column "
                  + column.name()
                  + " is "
                  + column.typeName()
                  + " but the value has "
                  + length
                  + " characters: '"
                  + (s.length() > 40 ? s.substring(0, 37) + "..." : s)
                  + "'");
        }
        if (s.length() > MAX_STRING_BYTES / 3
            && s.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
          throw new QuiverException(
              ErrorCode.VALUE_TOO_LONG,
              "column "
                  + column.name()
                  + ": the value has "
                  + s.getBytes(StandardCharsets.UTF_8).length
                  + " bytes in UTF-8; a VARCHAR value holds at most "
                  + MAX_STRING_BYTES
                  + " (the limit of the Lucene segments that store it)");
        }
        yield s;
      }
      case TIMESTAMP -> wholeNumber(column, value);
      case VECTOR -> {
        float[] v = as(column, value, float[].class);
        String what = "column " + column.name();
        Vectors.checkDimension(v, column.dimension(), what);
        Vectors.checkFinite(v, what);
        // A copy, so that a caller reusing its array cannot change stored rows.
        yield v.clone();
      }
    };
  }

  /**
   * Compares two non-null values of comparable types; numbers of different classes by value.
   *
   * @throws QuiverException if the values cannot be compared (e.g. a vector)
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      if (isIntegral(x) && isIntegral(y)) {
        return Long.compare(x.longValue(), y.longValue());
      }
      // Exact decimal comparison only when no side is binary floating point: a REAL holds 0.1f,
      // whose exact value is 0.100000001490116..., and reading it as the decimal 0.1 would make
      // it unequal to the same REAL literal.
      if ((x instanceof BigDecimal || y instanceof BigDecimal)
          && !isFloating(x)
          && !isFloating(y)) {
        return decimal(x).compareTo(decimal(y));
      }
      // SQL's = holds for -0.0 and 0.0, which Double.compare tells apart; NaN stays above all.
      double dx = x.doubleValue();
      double dy = y.doubleValue();
      return dx == dy ? 0 : Double.compare(dx, dy);
    }
    if (a instanceof Comparable ca && a.getClass() == b.getClass()) {
      return ca.compareTo(b);
    }
    throw new QuiverException(
        ErrorCode.INVALID_VALUE, "cannot compare " + literal(a) + " with " + literal(b));
  }

  /** A value as an SQL literal, for messages and EXPLAIN. */
  public static String literal(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof String s) {
      return "'" + s.replace("'", "''") + "'";
    }
    if (value instanceof float[] v) {
      return "'" + Vectors.abbreviate(v) + "'";
    }
    return value.toString();
  }

  private static boolean isFloating(Number n) {
    return n instanceof Float || n instanceof Double;
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }

  /** Whether a number has a decimal value, i.e. is not NaN or an infinity. */
  private static boolean isFinite(Number n) {
    if (n instanceof Double d) {
      return Double.isFinite(d);
    }
    return !(n instanceof Float f) || Float.isFinite(f);
  }

  /** The exact value of a number for a column; NaN and the infinities fit no exact column. */
  private static BigDecimal exact(ColumnDef column, Object value) {
    Number n = number(column, value);
    if (!isFinite(n)) {
      throw outOfRange(column, value);
    }
    return decimal(n);
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal b) {
      return b;
    }
    if (isIntegral(n)) {
      return BigDecimal.valueOf(n.longValue());
    }
    return new BigDecimal(n.toString());
  }

  private static long wholeNumber(ColumnDef column, Object value) {
    Number n = number(column, value);
    if (isIntegral(n)) {
      return n.longValue();
    }
    BigDecimal d = exact(column, value);
    try {
      return d.longValueExact();
    } catch (ArithmeticException e) {
      throw outOfRange(column, value);
    }
  }

  private static Number number(ColumnDef column, Object value) {
    return as(column, value, Number.class);
  }

  private static <T> T as(ColumnDef column, Object value, Class<T> type) {
    if (!type.isInstance(value)) {
      throw new QuiverException(
          ErrorCode.INVALID_VALUE,
          "column "
              + column.name()
              + " is "
              + column.typeName()
              + " but the value "
              + literal(value)
              + " is of type "
              + value.getClass().getSimpleName());
    }
    return type.cast(value);
  }

  private static QuiverException outOfRange(ColumnDef column, Object value) {
    return new QuiverException(
        ErrorCode.NUMERIC_OUT_OF_RANGE,
        "value "
            + literal(value)
            + " does not fit column "
            + column.name()
            + " of type "
            + column.typeName());
  }
}
