package dev.quiver.index.segment;

import java.math.BigDecimal;
import java.util.Objects;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.FloatField;
import org.apache.lucene.document.FloatPoint;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;

/**
 * Factory of Lucene queries over a segment's columns that know how {@link SegmentWriter} encodes
 * each kind, for {@link SegmentReader#matching} (filters and MVCC masks) and key lookups.
 *
 * <p>Comparisons follow the indexed encoding: numbers compare numerically (for FLOAT and DOUBLE,
 * {@code -0.0 < 0.0} and NaN above infinity), strings by UTF-8 bytes (Unicode code point order),
 * false below true. A NULL value matches no comparison, as in SQL.
 */
public final class SegmentQueries {
  private SegmentQueries() {}

  /** Rows whose {@code field} equals {@code value} (DECIMAL: numerically, whatever the scale). */
  public static Query equalTo(SegmentField field, Object value) {
    Object v = checked(field, value);
    String name = field.name();
    return switch (field.kind()) {
      case BOOLEAN -> IntField.newExactQuery(name, (Boolean) v ? 1 : 0);
      case INT -> IntField.newExactQuery(name, (Integer) v);
      case LONG -> LongField.newExactQuery(name, (Long) v);
      case FLOAT -> FloatField.newExactQuery(name, (Float) v);
      case DOUBLE -> DoubleField.newExactQuery(name, (Double) v);
      case DECIMAL -> new TermQuery(new Term(name, SegmentLayout.decimalTerm((BigDecimal) v)));
      case STRING -> new TermQuery(new Term(name, (String) v));
      case VECTOR -> throw notComparable(field);
    };
  }

  /**
   * Rows whose {@code field} lies between {@code lower} and {@code upper}; a null bound is open.
   *
   * @throws IllegalArgumentException for DECIMAL (indexed for equality only: compare the values
   *     read back) and VECTOR columns
   */
  public static Query range(
      SegmentField field,
      Object lower,
      boolean lowerInclusive,
      Object upper,
      boolean upperInclusive) {
    Object lo = lower == null ? null : checked(field, lower);
    Object hi = upper == null ? null : checked(field, upper);
    String name = field.name();
    return switch (field.kind()) {
      case BOOLEAN ->
          intRange(
              name,
              lo == null ? null : (Boolean) lo ? 1 : 0,
              lowerInclusive,
              hi == null ? null : (Boolean) hi ? 1 : 0,
              upperInclusive);
      case INT -> intRange(name, (Integer) lo, lowerInclusive, (Integer) hi, upperInclusive);
      case LONG -> longRange(name, (Long) lo, lowerInclusive, (Long) hi, upperInclusive);
      case FLOAT -> {
        float from = lo == null ? Float.NEGATIVE_INFINITY : (Float) lo;
        float to = hi == null ? Float.POSITIVE_INFINITY : (Float) hi;
        if (lo != null && !lowerInclusive) {
          from = FloatPoint.nextUp(from);
        }
        if (hi != null && !upperInclusive) {
          to = FloatPoint.nextDown(to);
        }
        yield FloatField.newRangeQuery(name, from, to);
      }
      case DOUBLE -> {
        double from = lo == null ? Double.NEGATIVE_INFINITY : (Double) lo;
        double to = hi == null ? Double.POSITIVE_INFINITY : (Double) hi;
        if (lo != null && !lowerInclusive) {
          from = DoublePoint.nextUp(from);
        }
        if (hi != null && !upperInclusive) {
          to = DoublePoint.nextDown(to);
        }
        yield DoubleField.newRangeQuery(name, from, to);
      }
      case STRING ->
          TermRangeQuery.newStringRange(
              name, (String) lo, (String) hi, lowerInclusive, upperInclusive);
      case DECIMAL, VECTOR -> throw notComparable(field);
    };
  }

  /** Rows whose {@code field} is not NULL. */
  public static Query isNotNull(SegmentField field) {
    return new FieldExistsQuery(field.name());
  }

  /** Rows inserted at or before timestamp {@code ts}: the insert half of MVCC visibility. */
  public static Query insertedAtOrBefore(long ts) {
    return NumericDocValuesField.newSlowRangeQuery(SegmentLayout.INSERT_TS, Long.MIN_VALUE, ts);
  }

  private static Query intRange(
      String name, Integer lower, boolean lowerInclusive, Integer upper, boolean upperInclusive) {
    long from = lower == null ? Integer.MIN_VALUE : lower + (lowerInclusive ? 0L : 1L);
    long to = upper == null ? Integer.MAX_VALUE : upper - (upperInclusive ? 0L : 1L);
    if (from > to || from > Integer.MAX_VALUE || to < Integer.MIN_VALUE) {
      return new MatchNoDocsQuery("empty range on " + name);
    }
    return IntField.newRangeQuery(name, (int) from, (int) to);
  }

  private static Query longRange(
      String name, Long lower, boolean lowerInclusive, Long upper, boolean upperInclusive) {
    long from = lower == null ? Long.MIN_VALUE : lower;
    long to = upper == null ? Long.MAX_VALUE : upper;
    if (lower != null && !lowerInclusive) {
      if (from == Long.MAX_VALUE) {
        return new MatchNoDocsQuery("empty range on " + name);
      }
      from++;
    }
    if (upper != null && !upperInclusive) {
      if (to == Long.MIN_VALUE) {
        return new MatchNoDocsQuery("empty range on " + name);
      }
      to--;
    }
    if (from > to) {
      return new MatchNoDocsQuery("empty range on " + name);
    }
    return LongField.newRangeQuery(name, from, to);
  }

  private static Object checked(SegmentField field, Object value) {
    Objects.requireNonNull(value, () -> "comparison value for field '" + field.name() + "'");
    if (!field.kind().javaClass().isInstance(value)) {
      throw new IllegalArgumentException(
          "field '"
              + field.name()
              + "' ("
              + field.kind()
              + ") is compared with "
              + value.getClass().getName()
              + "; expected "
              + field.kind().javaClass().getSimpleName());
    }
    return value;
  }

  private static IllegalArgumentException notComparable(SegmentField field) {
    return new IllegalArgumentException(
        field.kind()
            + " field '"
            + field.name()
            + "' has no index for this comparison; "
            + (field.kind() == SegmentField.Kind.DECIMAL
                ? "DECIMAL is indexed for equality only, compare the values read back"
                : "search vectors with SegmentReader.search"));
  }
}
