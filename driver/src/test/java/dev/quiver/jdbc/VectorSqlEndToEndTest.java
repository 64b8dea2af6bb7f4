package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VECTOR SQL through {@code jdbc:quiver:mem:} as a user writes it. */
class VectorSqlEndToEndTest {
  private Connection connection;

  /** The connection each test uses; {@code Remote...Test} runs the same tests through a server. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:quiver:mem:");
  }

  @BeforeEach
  void open() throws SQLException {
    connection = connect();
    try (Statement s = connection.createStatement()) {
      s.execute(
          "CREATE TABLE docs (id BIGINT PRIMARY KEY, title VARCHAR, category VARCHAR,"
              + " embedding VECTOR(3) NOT NULL)");
    }
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  private void insertSample() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate(
          "INSERT INTO docs VALUES (1, 'one', 'news', '[1, 0, 0]'), (2, 'two', 'blog', '[0, 1, 0]'),"
              + " (3, 'three', 'news', '[0, 0, 1]'), (4, 'four', 'news', '[1, 1, 0]')");
    }
  }

  private List<Long> ids(ResultSet rs) throws SQLException {
    List<Long> ids = new ArrayList<>();
    while (rs.next()) {
      ids.add(rs.getLong(1));
    }
    return ids;
  }

  @Test
  void multiRowInsertThenTopKByL2ReturnsNearestFirst() throws SQLException {
    insertSample();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, L2_DISTANCE(embedding, '[1, 0.1, 0]') AS d FROM docs ORDER BY d LIMIT 2")) {
      assertEquals(List.of(1L, 4L), ids(rs));
    }
  }

  @Test
  void preparedStatementTakesFloatArrayAndLimitParameter() throws SQLException {
    insertSample();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT id FROM docs WHERE category = ? ORDER BY COSINE_DISTANCE(embedding, ?) LIMIT ?")) {
      ps.setString(1, "news");
      ps.setObject(2, new float[] {0, 0.2f, 1});
      ps.setInt(3, 2);
      try (ResultSet rs = ps.executeQuery()) {
        assertEquals(List.of(3L, 4L), ids(rs));
      }
    }
  }

  @Test
  void getObjectOnVectorColumnReturnsFloatArrayAndMetadataSaysVector() throws SQLException {
    insertSample();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT embedding FROM docs WHERE id = 4")) {
      ResultSetMetaData meta = rs.getMetaData();
      assertEquals(Types.ARRAY, meta.getColumnType(1));
      assertEquals("VECTOR(3)", meta.getColumnTypeName(1));
      assertTrue(rs.next());
      assertArrayEquals(new float[] {1, 1, 0}, (float[]) rs.getObject(1));
      assertEquals("[1, 1, 0]", rs.getString(1));
    }
  }

  @Test
  void batchInsertWithSetStringVector() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO docs VALUES (?, ?, ?, ?)")) {
      for (int i = 0; i < 10; i++) {
        ps.setLong(1, i);
        ps.setString(2, "t" + i);
        ps.setString(3, i % 2 == 0 ? "even" : "odd");
        ps.setString(4, "[" + i + ", 0, 1]");
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      assertEquals(10, counts.length);
    }
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT COUNT(*), SUM(id) FROM docs WHERE category = 'even'")) {
      assertTrue(rs.next());
      assertEquals(5, rs.getLong(1));
      assertEquals(20, rs.getLong(2));
    }
  }

  @Test
  void upsertUpdateAndDeleteByPrimaryKey() throws SQLException {
    insertSample();
    try (Statement s = connection.createStatement()) {
      assertEquals(1, s.executeUpdate("UPSERT INTO docs VALUES (2, 'TWO', 'blog', '[0, 2, 0]')"));
      assertEquals(1, s.executeUpdate("UPDATE docs SET title = 'FOUR' WHERE id = 4"));
      assertEquals(2, s.executeUpdate("DELETE FROM docs WHERE category = 'news' AND id <> 4"));
      try (ResultSet rs = s.executeQuery("SELECT id, title FROM docs ORDER BY id")) {
        assertTrue(rs.next());
        assertEquals("TWO", rs.getString(2));
        assertTrue(rs.next());
        assertEquals("FOUR", rs.getString(2));
        assertFalse(rs.next());
      }
    }
  }

  @Test
  void pgvectorOperatorsMatchFunctions() throws SQLException {
    insertSample();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT embedding <-> '[1,0,0]', embedding <=> '[1,0,0]', embedding <#> '[1,0,0]',"
                    + " INNER_PRODUCT(embedding, '[1,0,0]') FROM docs WHERE id = 4")) {
      assertTrue(rs.next());
      assertEquals(1.0, rs.getDouble(1), 1e-6);
      assertEquals(1 - 1 / Math.sqrt(2), rs.getDouble(2), 1e-6);
      assertEquals(-1.0, rs.getDouble(3), 1e-6);
      assertEquals(1.0, rs.getDouble(4), 1e-6);
    }
  }
}
