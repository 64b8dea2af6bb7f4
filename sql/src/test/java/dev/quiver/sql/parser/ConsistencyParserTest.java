package dev.quiver.sql.parser;

import static dev.quiver.sql.parser.ParserFixture.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSetOption;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;

/**
 * {@code SET CONSISTENCY LEVEL} and {@code RESET CONSISTENCY LEVEL} parse as the setting {@code
 * consistency_level}, and the words stay usable as names.
 */
class ConsistencyParserTest {
  @Test
  void setConsistencyLevelIsTheSettingConsistencyLevel() throws SqlParseException {
    SqlSetOption set = assertInstanceOf(SqlSetOption.class, parse("SET CONSISTENCY LEVEL Bounded"));
    assertEquals("consistency_level", set.getName().getSimple());
    assertEquals("bounded", set.getValue().toString());
    SqlSetOption quoted =
        assertInstanceOf(SqlSetOption.class, parse("set consistency level 'STRONG'"));
    assertEquals("'STRONG'", quoted.getValue().toString());
    // SESSION is a word of Calcite's grammar, but not a reserved one.
    assertEquals(
        "session",
        assertInstanceOf(SqlSetOption.class, parse("SET CONSISTENCY LEVEL SESSION"))
            .getValue()
            .toString());
  }

  @Test
  void resetConsistencyLevelResetsTheSetting() throws SqlParseException {
    SqlSetOption reset = assertInstanceOf(SqlSetOption.class, parse("RESET CONSISTENCY LEVEL"));
    assertEquals("consistency_level", reset.getName().getSimple());
    assertNull(reset.getValue());
  }

  @Test
  void otherSetStatementsAndNamesCalledConsistencyOrLevelStillParse() throws SqlParseException {
    assertEquals(
        "bounded_staleness_ms",
        assertInstanceOf(SqlSetOption.class, parse("SET bounded_staleness_ms = 100"))
            .getName()
            .getSimple());
    assertEquals(
        SqlKind.SELECT,
        parse(
                "SELECT consistency, level FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2026-01-01"
                    + " 00:00:00'")
            .getKind());
  }
}
