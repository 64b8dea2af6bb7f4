package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code COMPACT TABLE t [MINOR | MAJOR | FULL] [WAIT]} through JDBC: one row (compaction_id,
 * state), the job in {@code sys.compactions}, fewer segments in {@code sys.segments}, and the same
 * answers to the same queries before and after.
 */
class CompactTableTest {
  @TempDir Path folder;

  private static void loadIndexedSegments(Statement s, int segments, int rows) throws SQLException {
    s.execute("CREATE TABLE docs (id BIGINT PRIMARY KEY, cat INTEGER, embedding VECTOR(4))");
    s.execute("CREATE INDEX docs_hnsw ON docs USING HNSW (embedding) WITH (metric = 'l2')");
    Random random = new Random(5);
    int id = 0;
    for (int segment = 0; segment < segments; segment++) {
      StringBuilder insert = new StringBuilder("INSERT INTO docs VALUES ");
      for (int i = 0; i < rows; i++, id++) {
        insert.append(i == 0 ? "" : ", ").append("(").append(id).append(", ").append(id % 3);
        insert.append(", '[");
        for (int d = 0; d < 4; d++) {
          insert.append(d == 0 ? "" : ", ").append(random.nextFloat());
        }
        insert.append("]')");
      }
      s.executeUpdate(insert.toString());
      s.execute("FLUSH TABLE docs");
      awaitIndexed(s);
    }
  }

  /** Each flushed segment gets its graph alone, so that the indexer does not merge them. */
  private static void awaitIndexed(Statement s) throws SQLException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT segments_indexed, segments_total FROM sys.indexes"
                  + " WHERE index_name = 'docs_hnsw'")) {
        rs.next();
        if (rs.getLong(1) == rs.getLong(2)) {
          return;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("docs_hnsw not built within 60 s");
  }

  private static long segments(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT COUNT(*) FROM sys.segments WHERE table_name = 'docs'"
                + " AND segment_id IS NOT NULL")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> answers(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, cat FROM docs ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + ":" + rs.getInt(2));
      }
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT /*+ EF_SEARCH(400) */ id FROM docs WHERE cat = 1"
                + " ORDER BY L2_DISTANCE(embedding, ?) LIMIT 10")) {
      p.setObject(1, new float[] {0.5f, 0.5f, 0.5f, 0.5f});
      try (ResultSet rs = p.executeQuery()) {
        StringBuilder ids = new StringBuilder("top:");
        while (rs.next()) {
          ids.append(rs.getLong(1)).append(',');
        }
        out.add(ids.toString());
      }
    }
    return out;
  }

  @Test
  void compactTableWaitReturnsItsCompletedJobWhichSysCompactionsShows() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:quiver:file:" + folder.resolve("db"));
        Statement s = c.createStatement()) {
      loadIndexedSegments(s, 3, 50);
      s.executeUpdate("DELETE FROM docs WHERE id < 10");
      assertEquals(3, segments(s));
      List<String> before = answers(c);

      long id;
      try (ResultSet rs = s.executeQuery("COMPACT TABLE docs MINOR WAIT")) {
        assertEquals("compaction_id", rs.getMetaData().getColumnLabel(1));
        assertEquals("state", rs.getMetaData().getColumnLabel(2));
        assertTrue(rs.next());
        id = rs.getLong(1);
        assertEquals("COMPLETED", rs.getString(2));
        assertFalse(rs.next());
      }

      assertEquals(1, segments(s));
      assertEquals(before, answers(c));
      try (ResultSet rs =
          s.executeQuery(
              "SELECT table_name, type, state, plans_done, plans_total, segments_in,"
                  + " segments_out, rows_in, rows_out, started_at, finished_at, error, reason"
                  + " FROM sys.compactions WHERE compaction_id = "
                  + id)) {
        assertTrue(rs.next());
        assertEquals("docs", rs.getString("table_name"));
        assertEquals("MINOR", rs.getString("type"));
        assertEquals("COMPLETED", rs.getString("state"));
        assertEquals(1, rs.getInt("plans_done"));
        assertEquals(1, rs.getInt("plans_total"));
        assertEquals(3, rs.getInt("segments_in"));
        assertEquals(1, rs.getInt("segments_out"));
        assertEquals(150, rs.getLong("rows_in"));
        assertEquals(150, rs.getLong("rows_out"), "rows deleted within retention are kept");
        assertTrue(!rs.getTimestamp("finished_at").before(rs.getTimestamp("started_at")));
        assertEquals(null, rs.getString("error"));
        assertEquals("manual", rs.getString("reason"));
      }
    }
  }

  @Test
  void compactTableWithoutWaitReturnsAtOnceAndThePreparedStatementRunsItEachTime()
      throws SQLException, InterruptedException {
    try (Connection c = DriverManager.getConnection("jdbc:quiver:file:" + folder.resolve("db"));
        Statement s = c.createStatement()) {
      loadIndexedSegments(s, 2, 20);
      List<String> before = answers(c);
      long first;
      try (PreparedStatement compact = c.prepareStatement("COMPACT TABLE docs FULL")) {
        try (ResultSet rs = compact.executeQuery()) {
          assertTrue(rs.next());
          first = rs.getLong(1);
          assertTrue(
              Set.of("PENDING", "RUNNING", "COMPLETED").contains(rs.getString(2)), rs.getString(2));
        }
        try (ResultSet rs = compact.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(first + 1, rs.getLong(1), "each execution asks for a compaction");
        }
      }
      long deadline = System.currentTimeMillis() + 60_000;
      while (true) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM sys.compactions WHERE state = 'COMPLETED'"
                    + " AND compaction_id >= "
                    + first)) {
          rs.next();
          if (rs.getLong(1) == 2) {
            break;
          }
        }
        assertTrue(System.currentTimeMillis() < deadline, "compactions not done within 60 s");
        Thread.sleep(20);
      }
      assertEquals(1, segments(s));
      assertEquals(before, answers(c));
    }
  }

  @Test
  void compactTableNamesAnUnknownTableAndABadTypeIsASyntaxError() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:quiver:mem:");
        Statement s = c.createStatement()) {
      SQLException unknown =
          assertThrows(SQLException.class, () -> s.executeQuery("COMPACT TABLE nope WAIT"));
      assertEquals("42P01", unknown.getSQLState(), unknown.getMessage());
      assertTrue(unknown.getMessage().contains("nope"), unknown.getMessage());
      s.execute("CREATE TABLE t (id INTEGER)");
      SQLException syntax =
          assertThrows(SQLException.class, () -> s.executeQuery("COMPACT TABLE t SIDEWAYS"));
      assertEquals("42601", syntax.getSQLState(), syntax.getMessage());
      try (ResultSet rs = s.executeQuery("COMPACT TABLE t WAIT")) {
        assertTrue(rs.next());
        assertEquals("COMPLETED", rs.getString(2), "in memory there is nothing to compact");
      }
      try (ResultSet rs = s.executeQuery("SELECT type FROM sys.compactions")) {
        assertTrue(rs.next());
        assertEquals("MAJOR", rs.getString(1), "MAJOR when no type is named");
      }
    }
  }
}
