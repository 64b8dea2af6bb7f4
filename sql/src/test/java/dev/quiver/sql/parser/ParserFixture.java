package dev.quiver.sql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.sql.parser.impl.QuiverSqlParserImpl;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.util.Litmus;

/**
 * Shared helpers of the parser tests: Quiver's parser with the PostgreSQL-like identifier folding
 * connections use, and a single-line unparse.
 */
final class ParserFixture {
  static final SqlParser.Config CONFIG =
      SqlParser.config()
          .withParserFactory(QuiverSqlParserImpl.FACTORY)
          .withUnquotedCasing(Casing.TO_LOWER)
          .withQuotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(true);

  private ParserFixture() {}

  static SqlNode parse(String sql) throws SqlParseException {
    return SqlParser.create(sql, CONFIG).parseStmt();
  }

  static SqlNode parseExpression(String sql) throws SqlParseException {
    return SqlParser.create(sql, CONFIG).parseExpression();
  }

  /** Unparses on one line, quoting every identifier, as Calcite's own dialect does. */
  static String unparse(SqlNode node) {
    return node.toSqlString(
            c ->
                c.withDialect(CalciteSqlDialect.DEFAULT)
                    .withClauseStartsLine(false)
                    .withSelectListItemsOnSeparateLines(false)
                    .withIndentation(0))
        .getSql()
        .replaceAll("\\s+", " ");
  }

  /**
   * Asserts that the unparsed statement parses back to an equal tree which unparses to the same
   * text, and returns that text.
   */
  static String assertRoundTrips(String sql) throws SqlParseException {
    final SqlNode first = parse(sql);
    final String text = unparse(first);
    final SqlNode second = parse(text);
    assertTrue(first.equalsDeep(second, Litmus.IGNORE), () -> sql + "\n  became\n" + text);
    assertEquals(text, unparse(second));
    return text;
  }
}
