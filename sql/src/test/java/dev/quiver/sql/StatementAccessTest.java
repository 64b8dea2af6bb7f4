package dev.quiver.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which access each kind of statement needs, decided on the parsed statement. */
class StatementAccessTest {

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT * FROM docs|READ|SELECT",
        "select id from docs where id in (select id from other) order by id limit 3|READ|SELECT",
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x|READ|SELECT",
        "VALUES (1), (2)|READ|SELECT",
        "SELECT 1 UNION ALL SELECT 2|READ|SELECT",
        "SELECT /*+ EF_SEARCH(200) */ id FROM docs ORDER BY v <-> '[1, 0]' LIMIT 5|READ|SELECT",
        "EXPLAIN PLAN FOR SELECT * FROM docs|READ|EXPLAIN",
        "EXPLAIN PLAN FOR DELETE FROM docs|READ|EXPLAIN",
        "SET ef_search = 200|READ|SET",
        "RESET ef_search|READ|SET",
        "SET CONSISTENCY LEVEL STRONG|READ|SET",
        "RESET CONSISTENCY LEVEL|READ|SET",
        "ALTER SESSION SET nprobe = 4|READ|SET",
        "ALTER SYSTEM SET ef_search = 1|ADMIN|ALTER SYSTEM",
        "INSERT INTO docs VALUES (1, '[1, 0]')|WRITE|INSERT",
        "INSERT INTO docs SELECT * FROM other|WRITE|INSERT",
        "UPSERT INTO docs VALUES (1, '[1, 0]')|WRITE|UPSERT",
        "UPDATE docs SET title = 'x' WHERE id = 1|WRITE|UPDATE",
        "DELETE FROM docs WHERE id = 1|WRITE|DELETE",
        "CREATE TABLE t (id INT PRIMARY KEY)|ADMIN|CREATE TABLE",
        "DROP TABLE docs|ADMIN|DROP TABLE",
        "CREATE INDEX i ON docs USING HNSW (v)|ADMIN|CREATE INDEX",
        "DROP INDEX i|ADMIN|DROP INDEX",
        "FLUSH TABLE docs|ADMIN|FLUSH TABLE",
        "COMPACT TABLE docs|ADMIN|COMPACT TABLE",
        "COMPACT TABLE docs FULL WAIT|ADMIN|COMPACT TABLE",
        "SELECT * FROM TABLE(sys.compact('docs', 'MINOR', TRUE))|ADMIN|COMPACT TABLE",
        "SELECT 1 FROM docs WHERE id IN (SELECT compaction_id FROM TABLE(SYS.COMPACT('docs', NULL,"
            + " FALSE)))|ADMIN|COMPACT TABLE",
        "SELECT * FROM sys.compactions|READ|SELECT",
        "ALTER TABLE docs SET (auto_compaction = false)|ADMIN|ALTER TABLE",
        "ALTER TABLE IF EXISTS docs RESET (cluster_by)|ADMIN|ALTER TABLE"
      })
  void statementNeedsTheAccessOfItsKind(String sql, StatementAccess access, String kind)
      throws SQLException {
    StatementAccess.Classified classified = StatementAccess.classify(sql);
    assertEquals(access, classified.access(), sql);
    assertEquals(kind, classified.kind(), sql);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT FROM WHERE",
        "DELETE docs WHERE",
        "INSERT INTO docs VALUES (1); DROP TABLE x"
      })
  void aStatementThatDoesNotParseIsTheSyntaxErrorRunningItWouldGive(String sql) {
    SQLException e = assertThrows(SQLException.class, () -> StatementAccess.classify(sql));
    assertEquals("42601", e.getSQLState());
    assertTrue(e.getMessage().startsWith("syntax error:"), e.getMessage());
  }
}
