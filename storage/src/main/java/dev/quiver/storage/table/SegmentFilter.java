package dev.quiver.storage.table;

import dev.quiver.index.segment.DocSet;
import dev.quiver.index.segment.SegmentField;
import dev.quiver.index.segment.SegmentReader;
import dev.quiver.storage.QuiverException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A {@link Predicate} evaluated on a sealed segment as a whole, column by column, into the set of
 * documents for which it is TRUE: the accepted documents of a vector search, computed once per
 * search rather than asked document by document.
 *
 * <p>Comparisons, IN and IS NULL are answered by the column's index (points for numbers and
 * booleans, terms for text and decimals), so their cost follows the matching documents. What the
 * index cannot answer on one column (LIKE, a range on text, a {@link Predicate.Custom} reading one
 * column) is asked once per distinct value of a text or decimal column, or once per document of a
 * numeric one; only a condition reading several columns is evaluated row by row. AND and OR
 * evaluate each operand only on the documents the operands before it left undecided, so a costly
 * operand after a selective one runs on few documents.
 *
 * <p>Three-valued logic: a predicate is TRUE, FALSE or UNKNOWN for each document. Evaluation yields
 * the documents where it is TRUE and, when an enclosing NOT needs them, those where it is FALSE;
 * the rest are UNKNOWN. A comparison with NULL, or of a NULL value, is UNKNOWN, so it is neither:
 * NULL never matches {@code =}, {@code <} or IN, nor their negations.
 *
 * <p>The result is the one {@link Predicate#test} gives row by row, to the value: a numeric
 * comparison becomes a range of the column's values found with {@link Values#compare} itself (see
 * {@link #range}), so numbers of other classes, {@code -0.0}, NaN and values between two of the
 * column's compare as they do in the row-by-row evaluation.
 */
final class SegmentFilter {
  private final SegmentReader reader;
  private final int width;

  /**
   * Where a predicate is TRUE and where it is FALSE, both within the documents it was evaluated on;
   * {@code isFalse} is null when it was not asked for.
   */
  private record Truth(DocSet isTrue, DocSet isFalse) {}

  private SegmentFilter(SegmentReader reader) {
    this.reader = reader;
    this.width = reader.schema().size();
  }

  /** The documents of {@code among} for which {@code filter} is TRUE. */
  static DocSet accepted(SegmentReader reader, Predicate filter, DocSet among) throws IOException {
    return new SegmentFilter(reader).evaluate(filter, among, false).isTrue();
  }

  private Truth evaluate(Predicate p, DocSet among, boolean needFalse) throws IOException {
    return switch (p) {
      case Predicate.And and -> and(and.operands(), among, needFalse);
      case Predicate.Or or -> or(or.operands(), among, needFalse);
      case Predicate.Not not -> {
        Truth operand = evaluate(not.operand(), among, true);
        yield new Truth(operand.isFalse(), operand.isTrue());
      }
      case Predicate.Compare c -> compare(c, among, needFalse);
      case Predicate.In in -> in(in, among, needFalse);
      case Predicate.IsNull n -> {
        DocSet present = reader.present(n.column()).and(among);
        yield new Truth(among.copy().andNot(present), present);
      }
      case Predicate.Like like -> byValue(like, like.column(), among, needFalse);
      case Predicate.Custom custom ->
          switch (custom.columns().length) {
            case 0 -> constant(custom.evaluate(new Object[width]), among);
            case 1 -> byValue(custom, custom.columns()[0], among, needFalse);
            default -> byRow(custom, custom.columns(), among);
          };
    };
  }

  /**
   * TRUE where every operand is, FALSE where any is. Without FALSE wanted, each operand only sees
   * the documents where all before it were TRUE; with it, those where none was FALSE.
   */
  private Truth and(List<Predicate> operands, DocSet among, boolean needFalse) throws IOException {
    DocSet isTrue = among.copy();
    DocSet isFalse = needFalse ? DocSet.empty(among.length()) : null;
    for (Predicate operand : operands) {
      DocSet open = needFalse ? among.copy().andNot(isFalse) : isTrue;
      if (open.isEmpty()) {
        break;
      }
      Truth t = evaluate(operand, open, needFalse);
      isTrue.and(t.isTrue());
      if (needFalse) {
        isFalse.or(t.isFalse());
      }
    }
    return new Truth(isTrue, isFalse);
  }

  /** TRUE where any operand is, FALSE where every one is; each sees where none before was TRUE. */
  private Truth or(List<Predicate> operands, DocSet among, boolean needFalse) throws IOException {
    DocSet isTrue = DocSet.empty(among.length());
    DocSet isFalse = needFalse ? among.copy() : null;
    for (Predicate operand : operands) {
      DocSet open = among.copy().andNot(isTrue);
      if (open.isEmpty()) {
        break;
      }
      Truth t = evaluate(operand, open, needFalse);
      isTrue.or(t.isTrue());
      if (needFalse) {
        isFalse.and(t.isFalse());
      }
    }
    return new Truth(isTrue, isFalse);
  }

  private Truth compare(Predicate.Compare c, DocSet among, boolean needFalse) throws IOException {
    if (c.value() == null) {
      return unknown(among);
    }
    DocSet holds = indexed(c.column(), c.op(), c.value());
    if (holds == null) {
      return byValue(c, c.column(), among, needFalse);
    }
    return withFalse(c.column(), holds.and(among), among, needFalse);
  }

  /**
   * TRUE where the value equals a candidate; FALSE where it equals none, unless a candidate is NULL
   * (then UNKNOWN there, as {@code x IN (1, NULL)} is for 2).
   */
  private Truth in(Predicate.In in, DocSet among, boolean needFalse) throws IOException {
    DocSet isTrue = DocSet.empty(among.length());
    boolean sawNull = false;
    for (Object candidate : in.values()) {
      if (candidate == null) {
        sawNull = true;
        continue;
      }
      DocSet equal = indexed(in.column(), Predicate.Op.EQ, candidate);
      if (equal == null) {
        return byValue(in, in.column(), among, needFalse);
      }
      isTrue.or(equal);
    }
    isTrue.and(among);
    if (sawNull) {
      return new Truth(isTrue, needFalse ? DocSet.empty(among.length()) : null);
    }
    return withFalse(in.column(), isTrue, among, needFalse);
  }

  /** A comparison's truth from where it holds: FALSE on the other documents with a value. */
  private Truth withFalse(int column, DocSet isTrue, DocSet among, boolean needFalse)
      throws IOException {
    if (!needFalse) {
      return new Truth(isTrue, null);
    }
    return new Truth(isTrue, reader.present(column).and(among).andNot(isTrue));
  }

  /**
   * The documents where {@code column op value} holds, through the column's index; null when the
   * index cannot answer it (the caller then evaluates the comparison value by value).
   */
  private DocSet indexed(int column, Predicate.Op op, Object value) throws IOException {
    SegmentField.Kind kind = reader.schema().field(column).kind();
    if (op == Predicate.Op.NE) {
      DocSet equal = indexed(column, Predicate.Op.EQ, value);
      return equal == null ? null : reader.present(column).andNot(equal);
    }
    return switch (kind) {
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE -> range(column, Keys.of(kind), op, value);
      // Equal strings are equal UTF-8 bytes, unless the value has a lone surrogate, which UTF-8
      // cannot hold.
      case STRING ->
          op == Predicate.Op.EQ && value instanceof String s && encodable(s)
              ? reader.equalTo(column, s)
              : null;
      // The index holds one term per number, whatever its scale, which is how Values.compare
      // compares exact numbers; a float compares as a double, which terms cannot answer.
      case DECIMAL ->
          op == Predicate.Op.EQ && exact(value) != null
              ? reader.equalTo(column, exact(value))
              : null;
      case VECTOR -> null;
    };
  }

  /**
   * The documents of a numeric or boolean column whose value satisfies {@code op value}: an
   * interval of the column's values, in the order of {@link Keys}. Values.compare against a fixed
   * value does not decrease along that order (for floating point: negative infinity first, -0.0 and
   * 0.0 equal, NaN last and equal to NaN), so binary searches with it find the interval's ends: the
   * first value not below {@code value} and the first above it. Null if the value cannot be
   * compared with the column's.
   */
  private DocSet range(int column, Keys keys, Predicate.Op op, Object value) throws IOException {
    Long notBelow;
    Long above;
    try {
      notBelow = keys.first(v -> Values.compare(v, value) >= 0);
      above = keys.first(v -> Values.compare(v, value) > 0);
    } catch (QuiverException e) {
      return null;
    }
    DocSet none = DocSet.empty(reader.rowCount());
    long min = keys.min();
    long max = keys.max();
    return switch (op) {
      case EQ ->
          notBelow == null || notBelow.equals(above)
              ? none
              : inRange(column, keys, notBelow, above == null ? max : above - 1);
      case LT ->
          notBelow == null
              ? inRange(column, keys, min, max)
              : notBelow == min ? none : inRange(column, keys, min, notBelow - 1);
      case LE ->
          above == null
              ? inRange(column, keys, min, max)
              : above == min ? none : inRange(column, keys, min, above - 1);
      case GT -> above == null ? none : inRange(column, keys, above, max);
      case GE -> notBelow == null ? none : inRange(column, keys, notBelow, max);
      case NE -> throw new AssertionError(op);
    };
  }

  private DocSet inRange(int column, Keys keys, long from, long to) throws IOException {
    return reader.inRange(column, keys.value(from), keys.value(to));
  }

  /**
   * A single-column predicate asked value by value: once per distinct value of a text or decimal
   * column, once per document of a numeric one, and once for NULL, whose answer holds for every
   * document without a value. A vector column is read row by row.
   */
  private Truth byValue(Predicate p, int column, DocSet among, boolean needFalse)
      throws IOException {
    if (reader.schema().field(column).kind() == SegmentField.Kind.VECTOR) {
      return byRow(p, new int[] {column}, among);
    }
    Object[] row = new Object[width];
    Boolean forNull = p.evaluate(row);
    DocSet isTrue =
        reader.matchingValues(
            column,
            v -> {
              row[column] = v;
              return Boolean.TRUE.equals(p.evaluate(row));
            },
            among);
    DocSet isFalse =
        needFalse
            ? reader.matchingValues(
                column,
                v -> {
                  row[column] = v;
                  return Boolean.FALSE.equals(p.evaluate(row));
                },
                among)
            : null;
    if (forNull != null && (forNull || needFalse)) {
      DocSet absent = among.copy().andNot(reader.present(column));
      (forNull ? isTrue : isFalse).or(absent);
    }
    return new Truth(isTrue, isFalse);
  }

  /** A predicate evaluated on each document's values of the columns it reads. */
  private Truth byRow(Predicate p, int[] columns, DocSet among) throws IOException {
    DocSet isTrue = DocSet.empty(among.length());
    DocSet isFalse = DocSet.empty(among.length());
    for (int doc = among.nextSetBit(0); doc >= 0; doc = among.nextSetBit(doc + 1)) {
      Object[] row = new Object[width];
      for (int column : columns) {
        row[column] = reader.value(doc, column);
      }
      Boolean result = p.evaluate(row);
      if (result != null) {
        (result ? isTrue : isFalse).set(doc);
      }
    }
    return new Truth(isTrue, isFalse);
  }

  private static Truth constant(Boolean value, DocSet among) {
    DocSet none = DocSet.empty(among.length());
    if (value == null) {
      return new Truth(none, none.copy());
    }
    return value ? new Truth(among.copy(), none) : new Truth(none, among.copy());
  }

  private static Truth unknown(DocSet among) {
    return new Truth(DocSet.empty(among.length()), DocSet.empty(among.length()));
  }

  private static boolean encodable(String s) {
    return StandardCharsets.UTF_8.newEncoder().canEncode(s);
  }

  /** A number compared exactly by Values.compare, as a BigDecimal; null for others. */
  private static BigDecimal exact(Object value) {
    return switch (value) {
      case BigDecimal d -> d;
      case Long l -> BigDecimal.valueOf(l);
      case Integer i -> BigDecimal.valueOf(i);
      case Short s -> BigDecimal.valueOf(s);
      case Byte b -> BigDecimal.valueOf(b);
      default -> null;
    };
  }

  /**
   * The values of a numeric or boolean column as an ordered range of long keys: the value itself
   * for integers, 0 and 1 for false and true, and for floating point the bits made to sort as the
   * numbers do ({@code bits ^ ((bits >> 63) & Long.MAX_VALUE)}, the same order Lucene's points
   * keep), from negative infinity up to the canonical NaN.
   */
  private record Keys(long min, long max, LongFunction<Object> decode) {
    static Keys of(SegmentField.Kind kind) {
      return switch (kind) {
        case BOOLEAN -> new Keys(0, 1, k -> k != 0);
        case INT -> new Keys(Integer.MIN_VALUE, Integer.MAX_VALUE, k -> (int) k);
        case LONG -> new Keys(Long.MIN_VALUE, Long.MAX_VALUE, k -> k);
        case FLOAT ->
            new Keys(
                floatKey(Float.NEGATIVE_INFINITY),
                floatKey(Float.NaN),
                k -> Float.intBitsToFloat((int) k ^ (((int) k >> 31) & Integer.MAX_VALUE)));
        case DOUBLE ->
            new Keys(
                doubleKey(Double.NEGATIVE_INFINITY),
                doubleKey(Double.NaN),
                k -> Double.longBitsToDouble(k ^ ((k >> 63) & Long.MAX_VALUE)));
        default -> throw new AssertionError(kind);
      };
    }

    private static long floatKey(float f) {
      int bits = Float.floatToIntBits(f);
      return bits ^ ((bits >> 31) & Integer.MAX_VALUE);
    }

    private static long doubleKey(double d) {
      long bits = Double.doubleToLongBits(d);
      return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    Object value(long key) {
      return decode.apply(key);
    }

    /**
     * The first key whose value passes {@code test}, which must be false up to some key and true
     * from there on; null when no key passes.
     */
    Long first(java.util.function.Predicate<Object> test) {
      long lo = min;
      long hi = max;
      if (!test.test(value(hi))) {
        return null;
      }
      // Unsigned halving: LONG's span does not fit a signed long.
      while (lo != hi) {
        long mid = lo + ((hi - lo) >>> 1);
        if (test.test(value(mid))) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }
  }
}
