package dev.quiver.sql.parser;

import static dev.quiver.sql.parser.ParserFixture.assertRoundTrips;
import static dev.quiver.sql.parser.ParserFixture.parse;
import static dev.quiver.sql.parser.ParserFixture.parseExpression;
import static dev.quiver.sql.parser.ParserFixture.unparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests of pgvector's distance operators {@code <->}, {@code <=>} and {@code <#>}. */
class VectorDistanceOperatorParserTest {
  @ParameterizedTest
  @CsvSource({
    "'a <-> b', L2_DISTANCE",
    "'a<->b', L2_DISTANCE",
    "'a <=> b', COSINE_DISTANCE",
    "'a<=>b', COSINE_DISTANCE",
    "'a <#> b', NEGATIVE_INNER_PRODUCT",
    "'a<#>b', NEGATIVE_INNER_PRODUCT"
  })
  void operatorWithOrWithoutSpacesBecomesAnUnresolvedFunctionCall(String sql, String function)
      throws SqlParseException {
    final SqlCall call = assertInstanceOf(SqlCall.class, parseExpression(sql));
    final SqlUnresolvedFunction operator =
        assertInstanceOf(SqlUnresolvedFunction.class, call.getOperator());

    assertEquals(function, operator.getName());
    assertEquals(SqlFunctionCategory.USER_DEFINED_FUNCTION, operator.getFunctionType());
    assertNull(call.getFunctionQuantifier());
    assertEquals("a", call.operand(0).toString());
    assertEquals("b", call.operand(1).toString());
  }

  @Test
  void operatorNamesAreTheDistanceFunctions() {
    assertEquals("L2_DISTANCE", VectorOperators.L2_DISTANCE);
    assertEquals("COSINE_DISTANCE", VectorOperators.COSINE_DISTANCE);
    assertEquals("NEGATIVE_INNER_PRODUCT", VectorOperators.NEGATIVE_INNER_PRODUCT);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a <-> b < 0.5            | \"L2_DISTANCE\"(\"a\", \"b\") < 0.5",
        "0.5 >= a <=> b           | 0.5 >= \"COSINE_DISTANCE\"(\"a\", \"b\")",
        "a <-> b + c              | \"L2_DISTANCE\"(\"a\", \"b\" + \"c\")",
        "a - b <#> c              | \"NEGATIVE_INNER_PRODUCT\"(\"a\" - \"b\", \"c\")",
        "a * 2 <-> b / 3          | \"L2_DISTANCE\"(\"a\" * 2, \"b\" / 3)",
        "a <-> b <=> c            | \"COSINE_DISTANCE\"(\"L2_DISTANCE\"(\"a\", \"b\"), \"c\")",
        "a <-> (b <=> c)          | \"L2_DISTANCE\"(\"a\", \"COSINE_DISTANCE\"(\"b\", \"c\"))",
        "a <-> b < c AND d <#> e  | \"L2_DISTANCE\"(\"a\", \"b\") < \"c\" AND"
            + " \"NEGATIVE_INNER_PRODUCT\"(\"d\", \"e\")",
        "a <-> b BETWEEN 0 AND 1  | \"L2_DISTANCE\"(\"a\", \"b\") BETWEEN ASYMMETRIC 0 AND 1",
        "-a <-> b                 | \"L2_DISTANCE\"(- \"a\", \"b\")",
        "a <-> b IS NULL          | \"L2_DISTANCE\"(\"a\", \"b\") IS NULL"
      })
  void precedenceIsPostgresqls(String sql, String expected) throws SqlParseException {
    assertEquals(expected, unparse(parseExpression(sql)));
  }

  @Test
  void comparisonOperatorsThatShareAPrefixStillWork() throws SqlParseException {
    assertEquals("\"a\" < -1", unparse(parseExpression("a<-1")));
    assertEquals("\"a\" <= \"b\"", unparse(parseExpression("a<=b")));
    assertEquals("\"a\" <> \"b\"", unparse(parseExpression("a<>b")));
    assertEquals("\"a\" < \"b\"", unparse(parseExpression("a<b")));
    assertEquals("\"a\" << 2", unparse(parseExpression("a<<2")));
  }

  @Test
  void orderByDistanceWithLimitParses() throws SqlParseException {
    final SqlOrderBy orderBy =
        assertInstanceOf(
            SqlOrderBy.class, parse("SELECT id FROM docs ORDER BY embedding <-> '[1,2]' LIMIT 3"));
    final SqlBasicCall key = assertInstanceOf(SqlBasicCall.class, orderBy.orderList.get(0));
    assertEquals(VectorOperators.L2_DISTANCE, key.getOperator().getName());
    assertEquals("'[1,2]'", unparse(key.operand(1)));
    assertEquals("3", unparse(orderBy.fetch));
    assertInstanceOf(SqlSelect.class, orderBy.query);
  }

  @Test
  void operatorsInSelectWhereAndOrderByRoundTrip() throws SqlParseException {
    final String text =
        assertRoundTrips(
            "SELECT id, embedding<=>? AS d FROM docs WHERE embedding <#> ? < -0.5"
                + " ORDER BY embedding<->'[0.1, 0.2]' DESC LIMIT 10");
    assertEquals(
        "SELECT \"id\", \"COSINE_DISTANCE\"(\"embedding\", ?) AS \"d\" FROM \"docs\""
            + " WHERE \"NEGATIVE_INNER_PRODUCT\"(\"embedding\", ?) < -0.5"
            + " ORDER BY \"L2_DISTANCE\"(\"embedding\", '[0.1, 0.2]') DESC FETCH NEXT 10 ROWS ONLY",
        text);
  }

  @Test
  void operatorAndFunctionSpellingsGiveEqualTrees() throws SqlParseException {
    final SqlNode operator = parseExpression("a <-> b");
    final SqlNode function = parseExpression("L2_DISTANCE(a, b)");
    assertEquals(
        unparse(operator).toLowerCase(Locale.ROOT), unparse(function).toLowerCase(Locale.ROOT));
    assertTrue(operator.equalsDeep(function, Litmus.IGNORE));
  }

  @Test
  void operatorWithoutARightOperandIsAParseErrorAtTheOperator() {
    final SqlParseException e =
        assertThrows(SqlParseException.class, () -> parse("SELECT a <-> FROM t"));
    assertEquals(1, e.getPos().getLineNum());
    assertEquals(10, e.getPos().getColumnNum());
    assertTrue(e.getMessage().contains("\"<->\""), e.getMessage());
  }
}
