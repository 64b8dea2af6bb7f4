package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JDBC batch commits as one engine batch: all of it, or none of it. */
class JdbcBatchTest {
  @TempDir Path folder;

  /** The connection each test uses; {@code RemoteJdbcBatchTest} runs them through a server. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:quiver:mem:");
  }

  /** A connection to a database whose writes are durable (fsync before acknowledging). */
  Connection connectDurable() throws SQLException {
    return DriverManager.getConnection("jdbc:quiver:file:" + folder.resolve("db"));
  }

  private static long count(Connection c, String table) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void preparedBatchCommitsEveryRowAndReportsOneCountPerEntry() throws SQLException {
    try (Connection c = connectDurable()) {
      c.createStatement().execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v VECTOR(2))");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 0; i < 1000; i++) {
          ps.setInt(1, i);
          ps.setObject(2, new float[] {i, -i});
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        assertEquals(1000, counts.length);
        for (int n : counts) {
          assertEquals(1, n);
        }
      }
      assertEquals(1000, count(c, "t"));
    }
  }

  @Test
  void batchWithADuplicateKeyAppliesNothing() throws SQLException {
    try (Connection c = connect()) {
      c.createStatement().execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      c.createStatement().execute("INSERT INTO t VALUES (500)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?)")) {
        for (int i = 0; i < 1000; i++) {
          ps.setInt(1, i);
          ps.addBatch();
        }
        BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
        assertEquals("23505", e.getSQLState());
        assertTrue(e.getMessage().contains("id = 500"), e.getMessage());
        assertArrayEquals(new int[0], e.getUpdateCounts());
      }
      assertEquals(1, count(c, "t"), "nothing of the failed batch may be applied");
    }
  }

  @Test
  void updateInABatchSeesTheRowsInsertedBeforeIt() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)");
      s.addBatch("INSERT INTO t VALUES (1, 10)");
      s.addBatch("INSERT INTO t VALUES (2, 20)");
      s.addBatch("UPDATE t SET n = n + 1");
      s.addBatch("INSERT INTO t VALUES (3, 30)");
      assertArrayEquals(new int[] {1, 1, 2, 1}, s.executeBatch());
      try (ResultSet rs = s.executeQuery("SELECT SUM(n) FROM t")) {
        rs.next();
        assertEquals(11 + 21 + 30, rs.getInt(1));
      }
    }
  }

  @Test
  void aBatchCanBeRunAgainAfterAFailedOne() throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = prepare(c)) {
      ps.setInt(1, 1);
      ps.addBatch();
      ps.setInt(1, 1);
      ps.addBatch();
      assertThrows(BatchUpdateException.class, ps::executeBatch);
      ps.clearBatch();
      ps.setInt(1, 2);
      ps.addBatch();
      assertArrayEquals(new int[] {1}, ps.executeBatch());
      ps.setInt(1, 3);
      assertEquals(1, ps.executeUpdate(), "outside a batch each execution commits at once");
      assertEquals(2, count(c, "t"));
    }
  }

  private static PreparedStatement prepare(Connection c) throws SQLException {
    c.createStatement().execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    return c.prepareStatement("INSERT INTO t VALUES (?)");
  }
}
