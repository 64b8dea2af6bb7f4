package dev.quiver.storage.table;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.table.Predicate.And;
import dev.quiver.storage.table.Predicate.Compare;
import dev.quiver.storage.table.Predicate.In;
import dev.quiver.storage.table.Predicate.IsNull;
import dev.quiver.storage.table.Predicate.Like;
import dev.quiver.storage.table.Predicate.Not;
import dev.quiver.storage.table.Predicate.Op;
import dev.quiver.storage.table.Predicate.Or;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests of {@link Predicate}: SQL's three-valued logic, numeric comparison by value, and LIKE. */
class PredicateTest {
  private static final Object[] NO_ROW = {null};
  private static final Predicate TRUE = new And(List.of());
  private static final Predicate FALSE = new Or(List.of());
  private static final Predicate UNKNOWN = new Compare(0, Op.EQ, 1);

  private static Object[] row(Object... values) {
    return values;
  }

  private static Predicate and(Predicate a, Predicate b) {
    return new And(List.of(a, b));
  }

  private static Predicate or(Predicate a, Predicate b) {
    return new Or(List.of(a, b));
  }

  @Test
  void comparisonWithNullIsUnknownForEveryOperator() {
    for (Op op : Op.values()) {
      assertNull(new Compare(0, op, 5).evaluate(row((Object) null)), op.name());
      assertNull(new Compare(0, op, null).evaluate(row(5)), op.name());
      assertNull(new Compare(0, op, null).evaluate(row((Object) null)), op.name());
    }
  }

  @Test
  void unknownIsNotAPass() {
    assertNull(UNKNOWN.evaluate(NO_ROW));
    assertFalse(UNKNOWN.test(NO_ROW));
    assertFalse(new Compare(0, Op.NE, 1).test(NO_ROW));
  }

  @Test
  void notOfUnknownIsUnknown() {
    assertNull(new Not(UNKNOWN).evaluate(NO_ROW));
    assertFalse(new Not(UNKNOWN).test(NO_ROW));
    assertEquals(false, new Not(TRUE).evaluate(NO_ROW));
    assertEquals(true, new Not(FALSE).evaluate(NO_ROW));
  }

  @Test
  void andFollowsTheThreeValuedTruthTable() {
    assertEquals(true, and(TRUE, TRUE).evaluate(NO_ROW));
    assertEquals(false, and(TRUE, FALSE).evaluate(NO_ROW));
    assertNull(and(TRUE, UNKNOWN).evaluate(NO_ROW));
    assertNull(and(UNKNOWN, TRUE).evaluate(NO_ROW));
    assertEquals(false, and(FALSE, UNKNOWN).evaluate(NO_ROW));
    assertEquals(false, and(UNKNOWN, FALSE).evaluate(NO_ROW));
    assertNull(and(UNKNOWN, UNKNOWN).evaluate(NO_ROW));
    assertEquals(false, and(FALSE, FALSE).evaluate(NO_ROW));
  }

  @Test
  void orFollowsTheThreeValuedTruthTable() {
    assertEquals(true, or(TRUE, FALSE).evaluate(NO_ROW));
    assertEquals(true, or(TRUE, UNKNOWN).evaluate(NO_ROW));
    assertEquals(true, or(UNKNOWN, TRUE).evaluate(NO_ROW));
    assertNull(or(FALSE, UNKNOWN).evaluate(NO_ROW));
    assertNull(or(UNKNOWN, FALSE).evaluate(NO_ROW));
    assertNull(or(UNKNOWN, UNKNOWN).evaluate(NO_ROW));
    assertEquals(false, or(FALSE, FALSE).evaluate(NO_ROW));
  }

  @Test
  void emptyAndIsTrueAndEmptyOrIsFalse() {
    assertEquals(true, Predicate.ALWAYS.evaluate(NO_ROW));
    assertEquals(false, FALSE.evaluate(NO_ROW));
  }

  @Test
  void notOfAnUnknownConjunctionStillRejectsTheRow() {
    Predicate p = new Not(and(new Compare(0, Op.GT, 1), new Compare(1, Op.GT, 1)));

    assertFalse(p.test(row(5, null)));
    assertTrue(p.test(row(0, null)));
  }

  @Test
  void isNullIsNeverUnknown() {
    assertEquals(true, new IsNull(0).evaluate(row((Object) null)));
    assertEquals(false, new IsNull(0).evaluate(row(0)));
    assertEquals(true, new Not(new IsNull(0)).evaluate(row("")));
  }

  @Test
  void inFollowsSqlWithNullsInTheList() {
    List<Object> withNull = Arrays.asList(2, null, 3);
    assertEquals(true, new In(0, List.of(1, 2)).evaluate(row(2)));
    assertEquals(false, new In(0, List.of(1, 2)).evaluate(row(5)));
    assertEquals(true, new In(0, withNull).evaluate(row(3)));
    assertNull(new In(0, withNull).evaluate(row(5)));
    assertNull(new In(0, List.of(1)).evaluate(row((Object) null)));
    assertEquals(false, new In(0, List.of()).evaluate(row(1)));
    assertNull(new Not(new In(0, withNull)).evaluate(row(5)));
  }

  @Test
  void numbersOfDifferentClassesCompareByValue() {
    assertTrue(new Compare(0, Op.EQ, 1L).test(row(1)));
    assertTrue(new Compare(0, Op.EQ, 1).test(row(1L)));
    assertTrue(new Compare(0, Op.EQ, 1.0).test(row(1)));
    assertTrue(new Compare(0, Op.EQ, 0.5f).test(row(0.5)));
    assertTrue(new Compare(0, Op.EQ, new BigDecimal("1.50")).test(row(1.5)));
    assertTrue(new Compare(0, Op.EQ, new BigDecimal("1.50")).test(row(new BigDecimal("1.5"))));
    assertTrue(new Compare(0, Op.EQ, (short) 7).test(row((byte) 7)));
    assertTrue(new Compare(0, Op.LT, 2.5).test(row(2)));
    assertTrue(new Compare(0, Op.GT, 2).test(row(2.5f)));
    assertTrue(
        new Compare(0, Op.GT, new BigDecimal("9223372036854775806")).test(row(Long.MAX_VALUE)));
    assertTrue(new Compare(0, Op.LT, Long.MAX_VALUE).test(row(Long.MAX_VALUE - 1)));
    assertTrue(new In(0, List.of(1L, 2L)).test(row(2)));
  }

  @Test
  void negativeZeroEqualsZero() {
    assertTrue(new Compare(0, Op.EQ, 0.0).test(row(-0.0)));
    assertTrue(new Compare(0, Op.EQ, 0).test(row(-0.0)));
    assertFalse(new Compare(0, Op.LT, 0).test(row(-0.0f)));
  }

  @Test
  void infiniteDoublesCompareWithDecimals() {
    assertTrue(new Compare(0, Op.GT, new BigDecimal("1e308")).test(row(Double.POSITIVE_INFINITY)));
    assertTrue(new Compare(0, Op.LT, new BigDecimal("-5")).test(row(Double.NEGATIVE_INFINITY)));
  }

  @Test
  void stringsAndBooleansCompareNaturally() {
    assertTrue(new Compare(0, Op.LT, "b").test(row("a")));
    assertTrue(new Compare(0, Op.EQ, "a").test(row("a")));
    assertTrue(new Compare(0, Op.GT, false).test(row(true)));
  }

  @Test
  void comparingIncomparableValuesFailsNamingBoth() {
    assertFails(
        ErrorCode.INVALID_VALUE, () -> new Compare(0, Op.EQ, 1).test(row("one")), "'one'", "1");
  }

  @Test
  void likeWildcardsMatchAnyRunAndOneCharacter() {
    assertTrue(new Like(0, "gr%").test(row("green")));
    assertTrue(new Like(0, "%").test(row("")));
    assertTrue(new Like(0, "%ee%").test(row("green")));
    assertTrue(new Like(0, "gr__n").test(row("green")));
    assertFalse(new Like(0, "gr_n").test(row("green")));
    assertFalse(new Like(0, "_").test(row("")));
    assertFalse(new Like(0, "green").test(row("Green")));
    assertTrue(new Like(0, "a%b").test(row("a\nline\nb")));
    assertTrue(new Like(0, "a_b").test(row("a\nb")));
  }

  @Test
  void likeTakesRegexMetacharactersLiterally() {
    assertTrue(new Like(0, "a.c").test(row("a.c")));
    assertFalse(new Like(0, "a.c").test(row("abc")));
    assertTrue(new Like(0, "(x)*[y]+?{2}$^|\\d\\E").test(row("(x)*[y]+?{2}$^|\\d\\E")));
    assertFalse(new Like(0, "x*").test(row("xx")));
    assertFalse(new Like(0, "\\d").test(row("1")));
    assertTrue(new Like(0, "%\\Q%").test(row("abc\\Q")));
  }

  @Test
  void likeMatchesCharactersOutsideTheBasicPlane() {
    assertTrue(new Like(0, "😀").test(row("😀")));
    assertTrue(new Like(0, "a😀%").test(row("a😀bc")));
    assertTrue(new Like(0, "_").test(row("😀")));
    assertFalse(new Like(0, "__").test(row("😀")));
  }

  @Test
  void likeOfNullIsUnknown() {
    assertNull(new Like(0, "%").evaluate(row((Object) null)));
  }

  @Test
  void describeWritesTheFilterAsSql() {
    Predicate p =
        new And(
            List.of(
                new Compare(0, Op.GE, 3),
                new Or(List.of(new In(1, List.of("a", "it's")), new Not(new IsNull(1)))),
                new Like(1, "x%")));

    assertEquals(
        "(n >= 3) AND ((s IN ('a', 'it''s')) OR (NOT (s IS NULL))) AND (s LIKE 'x%')",
        p.describe(List.of("n", "s")));
    assertEquals("TRUE", Predicate.ALWAYS.describe(List.of()));
  }
}
