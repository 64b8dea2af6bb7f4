package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ordinary SQL over Quiver tables: every scalar type, keyless tables, joins and aggregates. */
class SqlFeaturesTest {
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
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  private List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = statement.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(sb.toString());
      }
    }
    return rows;
  }

  @Test
  void everyScalarTypeRoundTripsThroughPreparedStatement() throws SQLException {
    statement.execute(
        "CREATE TABLE t (k VARCHAR PRIMARY KEY, b BOOLEAN, i INTEGER, l BIGINT, r REAL,"
            + " d DOUBLE, m DECIMAL(10, 2), s VARCHAR(20), dt DATE, ts TIMESTAMP, v VECTOR(2))");
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, "key");
      ps.setBoolean(2, true);
      ps.setInt(3, 42);
      ps.setLong(4, 1L << 40);
      ps.setFloat(5, 1.5f);
      ps.setDouble(6, 2.25);
      ps.setBigDecimal(7, new BigDecimal("12.345"));
      ps.setString(8, "text");
      ps.setDate(9, Date.valueOf("2026-01-31"));
      ps.setTimestamp(10, Timestamp.valueOf("2026-01-31 12:34:56.789"));
      ps.setObject(11, new double[] {0.5, -1});
      assertEquals(1, ps.executeUpdate());
      ps.setString(1, "nulls");
      for (int i = 2; i <= 11; i++) {
        ps.setNull(i, java.sql.Types.NULL);
      }
      assertEquals(1, ps.executeUpdate());
    }
    try (ResultSet rs = statement.executeQuery("SELECT * FROM t ORDER BY k")) {
      assertTrue(rs.next());
      assertEquals("key", rs.getString("k"));
      assertTrue(rs.getBoolean("b"));
      assertEquals(42, rs.getInt("i"));
      assertEquals(1L << 40, rs.getLong("l"));
      assertEquals(1.5f, rs.getFloat("r"));
      assertEquals(2.25, rs.getDouble("d"));
      assertEquals(new BigDecimal("12.35"), rs.getBigDecimal("m"));
      assertEquals("text", rs.getString("s"));
      assertEquals(Date.valueOf("2026-01-31"), rs.getDate("dt"));
      assertEquals(Timestamp.valueOf("2026-01-31 12:34:56.789"), rs.getTimestamp("ts"));
      assertArrayEquals(new float[] {0.5f, -1}, (float[]) rs.getObject("v"));
      assertTrue(rs.next());
      assertEquals("nulls", rs.getString(1));
      for (int i = 2; i <= 11; i++) {
        assertNull(rs.getObject(i), "column " + i);
      }
      assertFalse(rs.next());
    }
  }

  @Test
  void tableWithoutKeyOrVectorsBehavesLikeAnySqlTable() throws SQLException {
    statement.execute("CREATE TABLE plain (name VARCHAR, qty INTEGER)");
    statement.executeUpdate(
        "INSERT INTO plain VALUES ('a', 1), ('a', 1), ('b', 2), ('c', 3), ('c', 3), ('c', 3)");
    assertEquals(1, statement.executeUpdate("DELETE FROM plain WHERE name = 'b'"));
    assertEquals(3, statement.executeUpdate("UPDATE plain SET qty = 30 WHERE name = 'c'"));
    assertEquals(
        List.of("a|2|2", "c|3|90"),
        rows("SELECT name, COUNT(*), SUM(qty) FROM plain GROUP BY name ORDER BY name"));
    assertEquals(2, statement.executeUpdate("DELETE FROM plain WHERE name = 'a'"));
    assertEquals(List.of("3"), rows("SELECT COUNT(*) FROM plain"));
  }

  @Test
  void joinsAndAggregatesWorkAcrossTables() throws SQLException {
    statement.execute(
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, author_id INTEGER, embedding VECTOR(2))");
    statement.execute("CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR)");
    statement.executeUpdate("INSERT INTO authors VALUES (1, 'ann'), (2, 'bob')");
    statement.executeUpdate(
        "INSERT INTO docs VALUES (10, 1, '[0, 1]'), (11, 1, '[1, 0]'), (12, 2, '[1, 1]')");
    assertEquals(
        List.of("ann|2", "bob|1"),
        rows(
            "SELECT a.name, COUNT(*) FROM docs d JOIN authors a ON d.author_id = a.id"
                + " GROUP BY a.name ORDER BY a.name"));
    assertEquals(
        List.of("bob"),
        rows(
            "SELECT a.name FROM docs d JOIN authors a ON d.author_id = a.id"
                + " ORDER BY L2_DISTANCE(d.embedding, '[0.9, 1.1]') LIMIT 1"));
    assertEquals(
        List.of("1"),
        rows(
            "SELECT COUNT(*) FROM authors WHERE id NOT IN (SELECT author_id FROM docs WHERE id > 11)"));
  }

  @Test
  void insertSelectCopiesRowsWithVectors() throws SQLException {
    statement.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, v VECTOR(2))");
    statement.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, v VECTOR(2))");
    statement.executeUpdate("INSERT INTO a VALUES (1, '[1, 2]'), (2, '[3, 4]')");
    assertEquals(2, statement.executeUpdate("INSERT INTO b SELECT id + 10, v FROM a"));
    assertEquals(List.of("11|[1, 2]", "12|[3, 4]"), rows("SELECT id, v FROM b ORDER BY id"));
  }

  @Test
  void filtersOfEveryPushedKindSelectTheRightRows() throws SQLException {
    statement.execute("CREATE TABLE f (id INTEGER PRIMARY KEY, cat VARCHAR, score DOUBLE)");
    statement.executeUpdate(
        "INSERT INTO f VALUES (1, 'news', 0.5), (2, 'blog', 1.5), (3, NULL, 2.5),"
            + " (4, 'newsletter', NULL), (5, 'sport', 4.0)");
    assertEquals(List.of("1", "4"), rows("SELECT id FROM f WHERE cat LIKE 'news%' ORDER BY id"));
    assertEquals(
        List.of("2", "5"), rows("SELECT id FROM f WHERE cat IN ('blog', 'sport') ORDER BY id"));
    assertEquals(
        List.of("2", "3"), rows("SELECT id FROM f WHERE score BETWEEN 1 AND 3 ORDER BY id"));
    assertEquals(List.of("3"), rows("SELECT id FROM f WHERE cat IS NULL"));
    assertEquals(
        List.of("1", "2", "5"),
        rows("SELECT id FROM f WHERE NOT (cat IS NULL OR score IS NULL) ORDER BY id"));
    assertEquals(
        List.of("1", "2", "4", "5"), rows("SELECT id FROM f WHERE cat <> 'x' ORDER BY id"));
    assertEquals(List.of("5"), rows("SELECT id FROM f WHERE score > 3 OR id = 99"));
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT id FROM f WHERE score >= ? AND cat = ?")) {
      ps.setDouble(1, 1.0);
      ps.setString(2, "blog");
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(2, rs.getInt(1));
        assertFalse(rs.next());
      }
    }
  }

  @Test
  void sameNamedMemoryDatabaseIsSharedAndPrivateOneIsNot() throws SQLException {
    try (Connection a = DriverManager.getConnection("jdbc:quiver:mem:shared-test");
        Connection b = DriverManager.getConnection("jdbc:quiver:mem:shared-test");
        Connection other = DriverManager.getConnection("jdbc:quiver:mem:")) {
      a.createStatement().execute("CREATE TABLE s (id INTEGER)");
      a.createStatement().executeUpdate("INSERT INTO s VALUES (1)");
      try (ResultSet rs = b.createStatement().executeQuery("SELECT COUNT(*) FROM s")) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }
      SQLException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              SQLException.class, () -> other.createStatement().executeQuery("SELECT * FROM s"));
      assertEquals("42P01", e.getSQLState());
    }
  }

  @Test
  void pushedFiltersOnRealAndDoubleColumnsAgreeWithUnpushedOnes() throws SQLException {
    statement.execute("CREATE TABLE f (id INTEGER PRIMARY KEY, r REAL, d DOUBLE)");
    statement.executeUpdate(
        "INSERT INTO f VALUES (1, 0.1, 0.1), (2, 0.3, 0.3), (3, -0.0, CAST('NaN' AS DOUBLE))");
    assertEquals(List.of("1"), rows("SELECT id FROM f WHERE r = 0.1"));
    assertEquals(
        rows("SELECT id FROM f WHERE COALESCE(r, 9) = 0.1"),
        rows("SELECT id FROM f WHERE r = 0.1"));
    // Whatever SQL's coercion makes of a literal near a REAL, pushing the filter must not change
    // it.
    assertEquals(
        rows("SELECT id FROM f WHERE COALESCE(r, 9) > 0.30000001 ORDER BY id"),
        rows("SELECT id FROM f WHERE r > 0.30000001 ORDER BY id"));
    assertEquals(
        rows("SELECT id FROM f WHERE COALESCE(r, 9) >= 0.3 ORDER BY id"),
        rows("SELECT id FROM f WHERE r >= 0.3 ORDER BY id"));
    assertEquals(List.of("1"), rows("SELECT id FROM f WHERE d = 0.1"));
    assertEquals(List.of("3"), rows("SELECT id FROM f WHERE r = 0"));
    assertEquals(
        List.of("1", "2"),
        rows("SELECT id FROM f WHERE d < CAST('Infinity' AS DOUBLE) ORDER BY id"));
  }

  @Test
  void unwrapToAJdbcInterfaceGivesQuiversObject() throws SQLException {
    assertTrue(statement.unwrap(Statement.class) == statement);
    assertTrue(statement.isWrapperFor(Statement.class));
    assertTrue(connection.unwrap(java.sql.Connection.class) == connection);
  }
}
