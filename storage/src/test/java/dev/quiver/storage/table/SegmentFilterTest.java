package dev.quiver.storage.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.index.segment.DocSet;
import dev.quiver.index.segment.SegmentField;
import dev.quiver.index.segment.SegmentReader;
import dev.quiver.index.segment.SegmentRow;
import dev.quiver.index.segment.SegmentSchema;
import dev.quiver.index.segment.SegmentWriter;
import dev.quiver.index.segment.VectorMetric;
import dev.quiver.index.segment.WriteOptions;
import dev.quiver.storage.table.Predicate.And;
import dev.quiver.storage.table.Predicate.Compare;
import dev.quiver.storage.table.Predicate.Custom;
import dev.quiver.storage.table.Predicate.In;
import dev.quiver.storage.table.Predicate.IsNull;
import dev.quiver.storage.table.Predicate.Like;
import dev.quiver.storage.table.Predicate.Not;
import dev.quiver.storage.table.Predicate.Op;
import dev.quiver.storage.table.Predicate.Or;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of {@link SegmentFilter}: the documents it accepts are exactly those {@link Predicate#test}
 * accepts row by row, for every predicate shape, every column kind, values of other classes than
 * the column's, NULLs, -0.0, NaN and the ends of each type's range.
 */
class SegmentFilterTest {
  private static final int ID = 0;
  private static final int FLAG = 1;
  private static final int N = 2;
  private static final int BIG = 3;
  private static final int R = 4;
  private static final int D = 5;
  private static final int DEC = 6;
  private static final int S = 7;
  private static final int V = 8;
  private static final List<String> NAMES =
      List.of("id", "flag", "n", "big", "r", "d", "dec", "s", "v");
  private static final SegmentSchema SCHEMA =
      new SegmentSchema(
          List.of(
              SegmentField.scalar("id", SegmentField.Kind.LONG),
              SegmentField.scalar("flag", SegmentField.Kind.BOOLEAN),
              SegmentField.scalar("n", SegmentField.Kind.INT),
              SegmentField.scalar("big", SegmentField.Kind.LONG),
              SegmentField.scalar("r", SegmentField.Kind.FLOAT),
              SegmentField.scalar("d", SegmentField.Kind.DOUBLE),
              SegmentField.scalar("dec", SegmentField.Kind.DECIMAL),
              SegmentField.scalar("s", SegmentField.Kind.STRING),
              SegmentField.vector("v", 2, VectorMetric.L2)),
          -1);

  private static final Object[] INTS = {-3, -1, 0, 1, 2, 7, Integer.MIN_VALUE, Integer.MAX_VALUE};
  private static final Object[] LONGS = {
    -3L, 0L, 1L, 7L, Long.MIN_VALUE, Long.MAX_VALUE, (1L << 53) + 1, 1L << 53
  };
  private static final Object[] FLOATS = {
    -1.5f,
    -0.0f,
    0.0f,
    0.1f,
    1.0f,
    Float.MIN_VALUE,
    Float.NaN,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.MAX_VALUE
  };
  private static final Object[] DOUBLES = {
    -1.5, -0.0, 0.0, 0.1, 1.0, 1e300, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
  };
  private static final Object[] DECIMALS = {
    new BigDecimal("1.5"),
    new BigDecimal("1.50"),
    new BigDecimal("0"),
    new BigDecimal("0.00"),
    new BigDecimal("-2"),
    new BigDecimal("10"),
    new BigDecimal("1E+1"),
    new BigDecimal("123456789012345678901234567890.5")
  };
  private static final Object[] STRINGS = {
    "", "a", "ab", "b", "a%", "é", "\uD83D\uDE00", "\uFFFD", "\uFFFF", "zz"
  };
  // Constants of other classes than the columns', compared by value as Values.compare does.
  private static final Object[] NUMBERS = {
    0,
    1,
    -1L,
    7L,
    Long.MAX_VALUE,
    new BigDecimal("0.5"),
    new BigDecimal("1.50"),
    new BigDecimal("-2.000"),
    new BigDecimal("1E+30"),
    0.1,
    0.1f,
    -0.0,
    1.5,
    Double.NaN,
    Float.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    (double) ((1L << 53) + 2),
    (short) 2,
    (byte) -3
  };
  private static final String[] PATTERNS = {"a%", "%", "_", "%\uD83D\uDE00%", "é", "%b", "1%"};

  @TempDir Path tmp;

  @Test
  void acceptedDocumentsEqualRowByRowEvaluationForEveryPredicateShape() throws IOException {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    System.out.println("SegmentFilterTest seed=" + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 4; round++) {
      int rows = 1 + random.nextInt(round == 0 ? 20 : 600);
      try (SegmentReader reader = write(random, rows, "seg-" + round)) {
        List<Object[]> values = new ArrayList<>();
        for (int doc = 0; doc < rows; doc++) {
          values.add(reader.row(doc));
        }
        for (int i = 0; i < 300; i++) {
          Predicate p = randomPredicate(random, 3);
          DocSet among = random.nextInt(3) == 0 ? randomSubset(random, rows) : DocSet.all(rows);
          DocSet expected = DocSet.empty(rows);
          for (int doc = 0; doc < rows; doc++) {
            if (among.get(doc) && p.test(values.get(doc))) {
              expected.set(doc);
            }
          }
          DocSet amongBefore = among.copy();
          DocSet accepted = SegmentFilter.accepted(reader, p, among);
          String context = "seed=" + seed + " round=" + round + " filter=" + p.describe(NAMES);
          assertEquals(expected, accepted, context);
          assertEquals(amongBefore, among, context + ": the documents given must not change");
        }
      }
    }
  }

  @Test
  void nullNeverMatchesComparisonsInOrTheirNegations() throws IOException {
    Path dir = tmp.resolve("nulls");
    List<SegmentRow> rows = new ArrayList<>();
    // Rows 0 to 3: n is 1, NULL, 2, NULL and s is 'a', NULL, 'b', NULL.
    for (int doc = 0; doc < 4; doc++) {
      Object[] row = new Object[SCHEMA.size()];
      row[ID] = (long) doc;
      row[N] = doc % 2 == 0 ? doc / 2 + 1 : null;
      row[S] = doc % 2 == 0 ? (doc == 0 ? "a" : "b") : null;
      rows.add(new SegmentRow(doc, 1, row));
    }
    SegmentWriter.write(dir, SCHEMA, rows.iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, SCHEMA)) {
      DocSet all = DocSet.all(4);
      check(reader, all, new Compare(N, Op.EQ, 1), "{0}");
      check(reader, all, new Compare(N, Op.NE, 1), "{2}");
      check(reader, all, new Not(new Compare(N, Op.EQ, 1)), "{2}");
      check(reader, all, new Compare(N, Op.LT, 5), "{0, 2}");
      check(reader, all, new Not(new Compare(N, Op.LT, 5)), "{}");
      check(reader, all, new Not(new Compare(N, Op.LE, 1)), "{2}");
      check(reader, all, new Compare(N, Op.NE, null), "{}");
      check(reader, all, new In(N, List.of(1, 2)), "{0, 2}");
      check(reader, all, new Not(new In(N, List.of(7))), "{0, 2}");
      // 1 IN (7, NULL) is UNKNOWN, and so is its negation.
      check(reader, all, new Not(new In(N, Arrays.asList(7, null))), "{}");
      check(reader, all, new Compare(S, Op.EQ, "a"), "{0}");
      check(reader, all, new Not(new Compare(S, Op.EQ, "a")), "{2}");
      check(reader, all, new Like(S, "%"), "{0, 2}");
      check(reader, all, new Not(new Like(S, "z%")), "{0, 2}");
      check(reader, all, new IsNull(N), "{1, 3}");
      check(reader, all, new Not(new IsNull(S)), "{0, 2}");
      check(reader, all, new Or(List.of(new Compare(N, Op.EQ, 1), new IsNull(S))), "{0, 1, 3}");
    }
  }

  private static void check(SegmentReader reader, DocSet among, Predicate p, String expected)
      throws IOException {
    String what = p.describe(NAMES);
    assertEquals(
        expected + " of " + among.length(),
        SegmentFilter.accepted(reader, p, among).toString(),
        what);
    for (int doc = 0; doc < among.length(); doc++) {
      assertEquals(
          p.test(reader.row(doc)),
          expected.matches(".*\\b" + doc + "\\b.*"),
          what + ": row-by-row evaluation of row " + doc);
    }
  }

  private SegmentReader write(Random random, int count, String name) throws IOException {
    Path dir = tmp.resolve(name);
    List<SegmentRow> rows = new ArrayList<>();
    for (int doc = 0; doc < count; doc++) {
      Object[] row = new Object[SCHEMA.size()];
      row[ID] = (long) doc;
      row[FLAG] = maybeNull(random, random.nextBoolean());
      row[N] = maybeNull(random, pick(random, INTS));
      row[BIG] = maybeNull(random, pick(random, LONGS));
      row[R] = maybeNull(random, pick(random, FLOATS));
      row[D] = maybeNull(random, pick(random, DOUBLES));
      row[DEC] = maybeNull(random, pick(random, DECIMALS));
      row[S] = maybeNull(random, pick(random, STRINGS));
      row[V] = maybeNull(random, new float[] {random.nextFloat(), random.nextFloat()});
      rows.add(new SegmentRow(doc, 1, row));
    }
    SegmentWriter.write(dir, SCHEMA, rows.iterator(), WriteOptions.defaults().withoutGraph("v"));
    return SegmentReader.open(dir, SCHEMA);
  }

  private static Object maybeNull(Random random, Object value) {
    return random.nextInt(6) == 0 ? null : value;
  }

  private static Object pick(Random random, Object[] values) {
    return values[random.nextInt(values.length)];
  }

  private static DocSet randomSubset(Random random, int rows) {
    DocSet subset = DocSet.empty(rows);
    for (int doc = 0; doc < rows; doc++) {
      if (random.nextInt(10) < 7) {
        subset.set(doc);
      }
    }
    return subset;
  }

  /** A constant comparable with the column's values: of the column's own kind or another number. */
  private static Object constant(Random random, int column) {
    if (random.nextInt(12) == 0) {
      return null;
    }
    boolean other = random.nextBoolean();
    return switch (column) {
      case FLAG -> random.nextBoolean();
      case N -> other ? pick(random, NUMBERS) : pick(random, INTS);
      case ID, BIG -> other ? pick(random, NUMBERS) : pick(random, LONGS);
      case R -> other ? pick(random, NUMBERS) : pick(random, FLOATS);
      case D -> other ? pick(random, NUMBERS) : pick(random, DOUBLES);
      case DEC -> other ? pick(random, NUMBERS) : pick(random, DECIMALS);
      // A lone surrogate, which UTF-8 cannot hold, equals no stored string.
      default -> random.nextInt(10) == 0 ? "\uD800" : pick(random, STRINGS);
    };
  }

  private static Predicate randomPredicate(Random random, int depth) {
    int scalar = random.nextInt(V);
    switch (random.nextInt(depth > 0 ? 11 : 8)) {
      case 0, 1 -> {
        return new Compare(
            scalar, Op.values()[random.nextInt(Op.values().length)], constant(random, scalar));
      }
      case 2 -> {
        List<Object> values = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          values.add(constant(random, scalar));
        }
        return new In(scalar, values);
      }
      case 3 -> {
        return new IsNull(random.nextInt(NAMES.size()));
      }
      case 4 -> {
        // LIKE on a number matches its text, as row-by-row evaluation does.
        return new Like(random.nextInt(4) == 0 ? N : S, PATTERNS[random.nextInt(PATTERNS.length)]);
      }
      case 5 -> {
        Boolean constant = random.nextBoolean() ? null : random.nextBoolean();
        return new Custom(new int[0], row -> constant, "constant " + constant);
      }
      case 6 -> {
        // TRUE for NULL: the documents without a value follow the one answer for NULL.
        int column = random.nextBoolean() ? N : S;
        return new Custom(
            new int[] {column},
            row -> row[column] == null || row[column].hashCode() % 3 == 0,
            "custom on " + NAMES.get(column));
      }
      case 7 -> {
        return new Custom(
            new int[] {N, BIG},
            row ->
                row[N] == null || row[BIG] == null
                    ? null
                    : ((Integer) row[N]).longValue() + (Long) row[BIG] > 0,
            "n + big > 0");
      }
      case 8 -> {
        return new Not(randomPredicate(random, depth - 1));
      }
      default -> {
        List<Predicate> operands = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          operands.add(randomPredicate(random, depth - 1));
        }
        return random.nextBoolean() ? new And(operands) : new Or(operands);
      }
    }
  }
}
