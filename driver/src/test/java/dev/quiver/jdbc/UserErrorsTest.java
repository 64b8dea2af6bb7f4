package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every mistake SPEC section 3 names reaches the user as an SQLException with a SQLState and a
 * message naming the offending value, and leaves no partial rows.
 */
class UserErrorsTest {
  private Connection connection;
  private Statement statement;

  /** The connection each test uses; {@code Remote...Test} runs the same tests through a server. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:quiver:mem:");
  }

  @BeforeEach
  void open() throws SQLException {
    connection = connect();
    statement = connection.createStatement();
    statement.execute(
        "CREATE TABLE docs (id BIGINT PRIMARY KEY, title VARCHAR(10), n INTEGER,"
            + " embedding VECTOR(3) NOT NULL)");
    statement.execute("INSERT INTO docs VALUES (1, 'a', 1, '[1, 0, 0]')");
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  private long rowCount() throws SQLException {
    try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM docs")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "INSERT INTO docs VALUES (2, 'b', 1, '[1, 0]')|22000|expects VECTOR(3) but got 2 values",
        "INSERT INTO docs VALUES (2, 'b', 1, '[1, NaN, 0]')|22000|component 2 is NaN",
        "INSERT INTO docs VALUES (2, 'b', 1, '[1, Infinity, 0]')|22000|component 2 is Infinity",
        "INSERT INTO docs VALUES (2, 'b', 1, '[1, 0, 0')|22P02|'[1, 0, 0'",
        "INSERT INTO docs VALUES (2, 'b', 1, '[1, x, 0]')|22P02|component 2 ('x') is not a number",
        "INSERT INTO docs VALUES (1, 'b', 1, '[1, 0, 0]')|23505|id = 1 already exists",
        "INSERT INTO docs VALUES (3, 'b', 1, '[1, 0, 0]'), (3, 'c', 1, '[1, 0, 0]')|23505|id = 3",
        "INSERT INTO docs VALUES (4, 'waytoolongtitle', 1, '[1, 0, 0]')|22001|'waytoolongtitle'",
        "INSERT INTO docs VALUES (5, 'b', 'x', '[1, 0, 0]')|22P02|\"x\"",
        "INSERT INTO docs (id, title) VALUES (6, 'x')|23502|'embedding'",
        "INSERT INTO docs VALUES (7, 'b', 1, ARRAY[1, 2])|22000|expects VECTOR(3) but got 2 values",
        "SELECT * FROM nope|42P01|'nope'",
        "SELECT nope FROM docs|42703|'nope'",
        "INSERT INTO nope VALUES (1)|42P01|'nope'",
        "SELECT L2_DISTANCE(embedding, '[1, 2]') FROM docs|22000|VECTOR(3) and VECTOR(2)",
        "SELECT L2_DISTANCE(embedding, 5) FROM docs|42883|L2_DISTANCE(<VECTOR>, <VECTOR>)",
        "SELECT FROM WHERE|42601|line 1, column 8",
        "UPDATE docs SET embedding = '[1, 2]' WHERE id = 1|22000|expects VECTOR(3) but got 2",
        "CREATE TABLE docs (id INT)|42P07|table docs already exists",
        "CREATE TABLE t (id INT, v VECTOR(0))|42611|VECTOR(0) is out of range",
        "CREATE TABLE t (id INT, v VECTOR(5000))|42611|VECTOR(5000) is out of range",
        "CREATE TABLE t (id INT) WITH (segment_max_row = 10)|22023|'segment_max_row'",
        "CREATE TABLE t (id INT) WITH (segment_max_rows = -1)|22023|segment_max_rows = '-1'",
        "CREATE TABLE t (id DOUBLE PRIMARY KEY)|42611|primary key column id has type DOUBLE",
        "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b))|0A000|composite primary keys",
        "CREATE TABLE t (id SMALLINT)|0A000|type SMALLINT is not supported",
        "CREATE INDEX i ON docs USING HNSW (title)|42611|column title is VARCHAR(10)",
        "CREATE INDEX i ON docs USING FOO (embedding)|42611|'foo'",
        "CREATE INDEX i ON docs USING HNSW (embedding) WITH (metric = 'manhattan')|22023|'manhattan'",
        "CREATE INDEX i ON docs USING HNSW (embedding) WITH (m = 1)|22023|m = '1'",
        "CREATE INDEX i ON nope USING HNSW (embedding)|42P01|table nope does not exist",
        "DROP INDEX nope|42704|index nope does not exist",
        "DROP TABLE nope|42P01|table nope does not exist",
        "ALTER TABLE nope SET (auto_compaction = false)|42P01|table nope does not exist",
        "ALTER TABLE docs SET (auto_compact = false)|22023|"
            + "unknown table option 'auto_compact'; known options: segment_max_rows",
        "ALTER TABLE docs RESET (auto_compact)|22023|unknown table option 'auto_compact'",
        "ALTER TABLE docs SET (deleted_ratio_threshold = 2)|22023|"
            + "deleted_ratio_threshold = '2' is invalid: expected a number from 0.01 to 1.0",
        "ALTER TABLE docs SET (auto_compaction = maybe)|22023|"
            + "auto_compaction = 'maybe' is invalid: expected true or false",
        "ALTER TABLE docs SET (partition_count = 4)|0A000|"
            + "option partition_count cannot be changed after the table is created",
        "ALTER TABLE docs RESET (partition_key)|0A000|option partition_key cannot be changed",
        "ALTER TABLE docs SET (cluster_by = embedding)|22023|"
            + "cluster_by names column embedding of docs, which is VECTOR(3)",
        "ALTER TABLE docs SET (cluster_by = published)|22023|"
            + "names column published, which docs does not have; its columns are id, title, n,",
        "ALTER TABLE docs SET (segment_max_rows = 5, segment_max_rows = 6)|22023|"
            + "option segment_max_rows is given twice",
        "ALTER TABLE docs RESET (auto_compaction, auto_compaction)|22023|"
            + "option auto_compaction is given twice",
        "ALTER TABLE docs SET ()|42601|syntax error",
        "SET CONSISTENCY LEVEL strng|22023|'strng' is not a consistency level; use STRONG",
        "SET bounded_staleness_ms = -5|22023|bounded_staleness_ms = -5",
        "SELECT /*+ CONSISTENCY(quick) */ id FROM docs|22023|hint CONSISTENCY: 'quick'",
        "SELECT id FROM docs FOR SYSTEM_TIME AS OF TIMESTAMP '2001-01-01 00:00:00'|72000|"
            + "time_travel_retention_s = 3600",
        "SELECT id FROM docs FOR SYSTEM_TIME AS OF TIMESTAMP '2999-01-01 00:00:00'|22023|"
            + "2999-01-01 00:00:00.000: that instant is in the future",
        "SELECT * FROM sys.tables FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP|0A000|not a temporal"
      })
  void mistakeGivesSqlStateAndNamesTheValue(String sql, String sqlState, String fragment)
      throws SQLException {
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> {
              try (Statement s = connection.createStatement()) {
                if (s.execute(sql)) {
                  try (ResultSet rs = s.getResultSet()) {
                    while (rs.next()) {
                      rs.getObject(1);
                    }
                  }
                }
              }
            });
    assertEquals(sqlState, e.getSQLState(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertEquals(1, rowCount(), "a failed statement must leave no rows behind");
  }

  @Test
  void failedMultiRowInsertLeavesNoRow() throws SQLException {
    SQLException e =
        assertThrows(
            SQLException.class,
            () ->
                statement.executeUpdate(
                    "INSERT INTO docs VALUES (10, 'ok', 1, '[1, 1, 1]'), (11, 'bad', 1, '[1, 1]')"));
    assertEquals("22000", e.getSQLState());
    assertEquals(1, rowCount());
  }

  @Test
  void badVectorParameterIsRejectedBeforeAnythingIsWritten() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO docs VALUES (?, ?, ?, ?)")) {
      ps.setLong(1, 20);
      ps.setString(2, "x");
      ps.setInt(3, 1);
      SQLException e =
          assertThrows(SQLException.class, () -> ps.setObject(4, new float[] {1, Float.NaN, 2}));
      assertEquals("22000", e.getSQLState());
      assertTrue(e.getMessage().contains("parameter 4: component 2 is NaN"), e.getMessage());

      e = assertThrows(SQLException.class, () -> ps.setString(4, "[1, 2, x]"));
      assertEquals("22P02", e.getSQLState());
      assertTrue(e.getMessage().contains("'[1, 2, x]'"), e.getMessage());
    }
    assertEquals(1, rowCount());
  }

  @Test
  void unknownUrlAndPropertyAreConnectionErrors() {
    SQLException e =
        assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:quiver:disk:/x"));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("jdbc:quiver:file:PATH"), e.getMessage());
    e =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection("jdbc:quiver:mem:;syncc=none"));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("'syncc'"), e.getMessage());
    e =
        assertThrows(
            SQLException.class,
            () -> DriverManager.getConnection("jdbc:quiver:mem:;consistency_level=sometimes"));
    assertTrue(e.getMessage().contains("'sometimes'"), e.getMessage());
    e =
        assertThrows(
            SQLException.class,
            () -> DriverManager.getConnection("jdbc:quiver:mem:;consistency_timeout_ms=soon"));
    assertEquals("08001", e.getSQLState());
    assertEquals(
        "connection property consistency_timeout_ms = 'soon' is invalid; expected a whole number"
            + " of milliseconds, 0 or more",
        e.getMessage());
  }

  @Test
  void manualCommitModeIsRefusedClearly() {
    SQLException e = assertThrows(SQLException.class, () -> connection.setAutoCommit(false));
    assertEquals("0A000", e.getSQLState());
  }

  @Test
  void ambiguousColumnAndClosedStatementHaveTheirStates() throws SQLException {
    statement.execute("CREATE TABLE other (id BIGINT PRIMARY KEY)");
    SQLException e =
        assertThrows(
            SQLException.class, () -> statement.executeQuery("SELECT id FROM docs, other").next());
    assertEquals("42702", e.getSQLState(), e.getMessage());
    Statement closed = connection.createStatement();
    closed.close();
    e = assertThrows(SQLException.class, () -> closed.executeQuery("SELECT 1"));
    assertEquals("08003", e.getSQLState(), e.getMessage());
  }
}
