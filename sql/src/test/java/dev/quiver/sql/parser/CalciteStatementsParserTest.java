package dev.quiver.sql.parser;

import static dev.quiver.sql.parser.ParserFixture.assertRoundTrips;
import static dev.quiver.sql.parser.ParserFixture.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSetOption;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests that Calcite's own statements parse unchanged in Quiver's grammar, and that every kind of
 * statement survives parse, unparse and parse again.
 */
class CalciteStatementsParserTest {
  @Test
  void calcitesStatementsStillParse() throws SqlParseException {
    assertEquals(SqlKind.SELECT, parse("SELECT a FROM t WHERE b = 1").getKind());
    assertEquals(SqlKind.INSERT, parse("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')").getKind());
    assertEquals(SqlKind.INSERT, parse("INSERT INTO t SELECT * FROM u").getKind());
    final SqlInsert upsert =
        assertInstanceOf(SqlInsert.class, parse("UPSERT INTO t (a) VALUES (1)"));
    assertTrue(upsert.isUpsert());
    assertEquals(SqlKind.UPDATE, parse("UPDATE t SET a = 1 WHERE b = 2").getKind());
    assertEquals(SqlKind.DELETE, parse("DELETE FROM t WHERE b = 2").getKind());
    final SqlSetOption set = assertInstanceOf(SqlSetOption.class, parse("SET ef_search = 200"));
    assertEquals("ef_search", set.getName().getSimple());
    assertInstanceOf(SqlExplain.class, parse("EXPLAIN PLAN FOR SELECT * FROM t"));
    assertEquals(SqlKind.SELECT, parse("SELECT /*+ EF_SEARCH(200) */ * FROM t").getKind());
  }

  @Test
  void identifiersFoldToLowerCaseUnlessQuoted() throws SqlParseException {
    assertEquals(
        "SELECT \"id\", \"Title\" FROM \"docs\"",
        assertRoundTrips("SELECT ID, \"Title\" FROM Docs"));
  }

  @Test
  void malformedStatementIsAParseErrorWithItsPosition() {
    final SqlParseException e =
        assertThrows(SqlParseException.class, () -> parse("SELECT a FROM t\nWHERE = 3"));
    assertEquals(2, e.getPos().getLineNum());
    assertEquals(7, e.getPos().getColumnNum());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CREATE TABLE IF NOT EXISTS docs (id BIGINT PRIMARY KEY, title VARCHAR(200),"
            + " embedding VECTOR(384) NOT NULL, other VECTOR(3) NULL, published TIMESTAMP,"
            + " price DECIMAL(10, 2)) WITH (segment_max_rows = 100000,"
            + " consistency_level = 'BOUNDED', time_travel_retention_s = 3600)",
        "CREATE TABLE t (a INT, b INT, PRIMARY KEY (b, a)) WITH (flag = TRUE, m = x, f = 1.5e3)",
        "CREATE INDEX IF NOT EXISTS docs_hnsw ON docs USING HNSW (embedding)"
            + " WITH (metric = 'cosine', m = 16)",
        "CREATE INDEX docs_flat ON docs USING FLAT (embedding) WITH (metric = ip)",
        "CREATE INDEX i ON s.t (v)",
        "DROP INDEX IF EXISTS docs_hnsw",
        "DROP TABLE IF EXISTS docs",
        "DROP TABLE docs",
        "SELECT id, COSINE_DISTANCE(embedding, ?) AS d FROM docs WHERE category = 'news'"
            + " ORDER BY d LIMIT 10",
        "SELECT embedding <-> '[1,2]' + 1 < 3 OR a <=> b <#> c > 0 FROM docs",
        "INSERT INTO docs (id, embedding) VALUES (1, '[0.1, 0.2]'), (2, ARRAY[0.3, 0.4])",
        "UPDATE docs SET title = 'x' WHERE embedding <=> ? < 0.1",
        "DELETE FROM docs WHERE embedding <#> ? > 0",
        "EXPLAIN PLAN FOR SELECT id FROM docs ORDER BY embedding <-> ? LIMIT 5"
      })
  void statementRoundTripsThroughUnparse(String sql) throws SqlParseException {
    assertRoundTrips(sql);
  }

  @Test
  void parsedNodesAreDdlOrQueryKinds() throws SqlParseException {
    final SqlNode create = parse("CREATE TABLE t (a INT)");
    assertTrue(create.isA(SqlKind.DDL));
    assertTrue(parse("DROP INDEX i").isA(SqlKind.DDL));
    assertTrue(parse("CREATE INDEX i ON t (a)").isA(SqlKind.DDL));
  }
}
