package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdbc:quiver:file:} databases keep their tables, rows and indexes across connections. */
class FileDatabaseTest {
  @TempDir Path folder;

  @Test
  void tablesRowsAndIndexesSurviveClosingTheLastConnection() throws SQLException {
    String url = "jdbc:quiver:file:" + folder.resolve("db") + ";sync=commit";
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE docs (id BIGINT PRIMARY KEY, title VARCHAR, embedding VECTOR(2))");
      s.execute("CREATE INDEX docs_hnsw ON docs USING HNSW (embedding) WITH (metric = 'cosine')");
      s.executeUpdate("INSERT INTO docs VALUES (1, 'one', '[1, 0]'), (2, 'two', '[0, 1]')");
      s.executeUpdate("DELETE FROM docs WHERE id = 2");
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, title, embedding FROM docs")) {
      assertTrue(rs.next());
      assertEquals(1, rs.getLong(1));
      assertEquals("one", rs.getString(2));
      assertArrayEquals(new float[] {1, 0}, (float[]) rs.getObject(3));
      assertTrue(!rs.next());
      try (ResultSet idx = s.executeQuery("SELECT index_name, metric FROM sys.indexes")) {
        assertTrue(idx.next());
        assertEquals("docs_hnsw", idx.getString(1));
        assertEquals("cosine", idx.getString(2));
      }
    }
  }

  @Test
  void connectionsOfOneJvmShareTheOpenDatabase() throws SQLException {
    String url = "jdbc:quiver:file:" + folder.resolve("shared");
    try (Connection a = DriverManager.getConnection(url);
        Connection b = DriverManager.getConnection(url)) {
      a.createStatement().execute("CREATE TABLE t (id INTEGER)");
      a.createStatement().executeUpdate("INSERT INTO t VALUES (7)");
      try (ResultSet rs = b.createStatement().executeQuery("SELECT id FROM t")) {
        assertTrue(rs.next());
        assertEquals(7, rs.getInt(1));
      }
    }
  }

  @Test
  void flushTableCheckpointsAndSysWalShowsTheLog() throws SQLException {
    String url = "jdbc:quiver:file:" + folder.resolve("flush");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v VECTOR(2))");
      s.executeUpdate("INSERT INTO t VALUES (1, '[1, 2]')");
      try (ResultSet rs = s.executeQuery("SELECT file, size_bytes, last_ts FROM sys.wal")) {
        assertTrue(rs.next(), "the log has a file");
        assertTrue(rs.getString(1).startsWith("wal-"), rs.getString(1));
        assertTrue(rs.getLong(2) > 0);
        assertTrue(rs.getTimestamp(3) != null, "the insert is in the log");
      }
      assertEquals(0, s.executeUpdate("FLUSH TABLE t"));
      try (ResultSet rs = s.executeQuery("SELECT checkpoint_ts, last_ts FROM sys.wal")) {
        while (rs.next()) {
          assertTrue(
              rs.getTimestamp(2) == null || !rs.getTimestamp(2).after(rs.getTimestamp(1)),
              "after FLUSH TABLE every remaining log record is covered by the checkpoint");
        }
      }
      SQLException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              SQLException.class, () -> s.execute("FLUSH TABLE nope"));
      assertEquals("42P01", e.getSQLState());
    }
  }

  @Test
  void syncNoneConnectionWritesAndReadsItsRows() throws SQLException {
    String url = "jdbc:quiver:file:" + folder.resolve("nosync");
    try (Connection c = DriverManager.getConnection(url + ";sync=none");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      s.executeUpdate("INSERT INTO t VALUES (1), (2), (3)");
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
        rs.next();
        assertEquals(3, rs.getInt(1), "a sync=none write is visible to its own connection at once");
      }
    }
    try (Connection c = DriverManager.getConnection(url);
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
      rs.next();
      assertEquals(3, rs.getInt(1), "a clean close keeps sync=none writes");
    }
  }

  @Test
  void flushTableWritesAnIndexedSegmentThatSysSegmentsShowsAndQueriesStillSee()
      throws SQLException {
    String url = "jdbc:quiver:file:" + folder.resolve("segments");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v VECTOR(2))");
      s.execute("CREATE INDEX t_v ON t USING HNSW (v)");
      s.executeUpdate("INSERT INTO t VALUES (1, '[1, 0]'), (2, '[0, 1]'), (3, '[1, 1]')");
      s.executeUpdate("FLUSH TABLE t");
      // The flush writes the segment without its graph; the graph is built in the background.
      awaitIndexBuilt(s, "t_v");
      s.executeUpdate("DELETE FROM t WHERE id = 2");
      s.executeUpdate("INSERT INTO t VALUES (4, '[2, 2]')");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT segment_id, state, level, row_count, deleted_rows, size_bytes, index_name,"
                  + " index_state, partition_name, sealed_at FROM sys.segments"
                  + " WHERE table_name = 't' ORDER BY level DESC")) {
        assertTrue(rs.next(), "the flushed segment");
        assertTrue(rs.getLong(1) > 0);
        assertEquals("INDEXED", rs.getString(2));
        assertEquals(1, rs.getInt(3));
        assertEquals(3, rs.getLong(4));
        assertEquals(1, rs.getLong(5), "the delete after the flush reached the segment");
        assertTrue(rs.getLong(6) > 0);
        assertEquals("t_v", rs.getString(7));
        assertEquals("BUILT", rs.getString(8));
        assertEquals("_default", rs.getString(9));
        assertTrue(rs.getTimestamp(10) != null);
        assertTrue(rs.next(), "the growing rows");
        assertEquals(null, rs.getObject(1));
        assertEquals("GROWING", rs.getString(2));
        assertEquals(1, rs.getLong(4));
        assertTrue(!rs.next());
      }
      assertEquals(
          "1 3 4 ",
          ids(s.executeQuery("SELECT id FROM t ORDER BY v <-> '[1, 0]' LIMIT 5")),
          "top-k merges the segment and the growing rows, without the deleted row");
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      assertEquals("1 3 4 ", ids(s.executeQuery("SELECT id FROM t ORDER BY id")));
    }
  }

  /** Polls sys.indexes until the index reports BUILT with every segment indexed. */
  private static void awaitIndexBuilt(Statement s, String index) throws SQLException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT state, segments_indexed, segments_total FROM sys.indexes"
                  + " WHERE index_name = '"
                  + index
                  + "'")) {
        assertTrue(rs.next());
        if (rs.getString(1).equals("BUILT")) {
          assertEquals(rs.getLong(3), rs.getLong(2));
          assertTrue(rs.getLong(3) > 0);
          return;
        }
        assertEquals("BUILDING", rs.getString(1));
      }
      assertTrue(System.currentTimeMillis() < deadline, "index " + index + " built within 60 s");
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static String ids(ResultSet rs) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (rs) {
      while (rs.next()) {
        out.append(rs.getInt(1)).append(' ');
      }
    }
    return out.toString();
  }
}
