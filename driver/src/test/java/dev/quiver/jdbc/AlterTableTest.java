package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ALTER TABLE t SET (...)} and {@code RESET (...)} through JDBC: the options change as one
 * statement, show in {@code sys.tables}, and stay changed in a file database whether the change
 * reached a checkpoint or only the write-ahead log.
 */
class AlterTableTest {
  @TempDir Path folder;

  private static final String CREATE =
      "CREATE TABLE docs (id BIGINT PRIMARY KEY, title VARCHAR, embedding VECTOR(2))";

  /** The options of table docs as sys.tables shows them. */
  private static Map<String, String> options(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT options FROM sys.tables WHERE table_name = 'docs'")) {
      assertTrue(rs.next(), "sys.tables lists docs");
      Map<String, String> options = new TreeMap<>();
      for (String entry : rs.getString(1).split(", ")) {
        String[] pair = entry.split("=", 2);
        options.put(pair[0], pair[1]);
      }
      return options;
    }
  }

  @Test
  void setChangesOptionsThatSysTablesShowsAndResetRestoresTheirDefaults() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:quiver:mem:");
        Statement s = c.createStatement()) {
      s.execute(CREATE + " WITH (segment_max_rows = 500)");

      assertEquals(
          0,
          s.executeUpdate(
              "ALTER TABLE docs SET (auto_compaction = false, deleted_ratio_threshold = 0.35,"
                  + " consistency_level = 'bounded', cluster_by = title)"));
      Map<String, String> altered = options(s);
      assertEquals("false", altered.get("auto_compaction"));
      assertEquals("0.35", altered.get("deleted_ratio_threshold"));
      assertEquals("bounded", altered.get("consistency_level"));
      assertEquals("title", altered.get("cluster_by"));
      assertEquals("500", altered.get("segment_max_rows"));

      s.executeUpdate("alter table public.Docs reset (Cluster_By, deleted_ratio_threshold)");
      Map<String, String> reset = options(s);
      assertFalse(reset.containsKey("cluster_by"));
      assertEquals("0.2", reset.get("deleted_ratio_threshold"));
      assertEquals("false", reset.get("auto_compaction"));
    }
  }

  @Test
  void alterTableIfExistsOfAMissingTableDoesNothing() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:quiver:mem:");
        Statement s = c.createStatement()) {
      assertEquals(0, s.executeUpdate("ALTER TABLE IF EXISTS nope SET (auto_compaction = false)"));
      SQLException e =
          assertThrows(
              SQLException.class, () -> s.execute("ALTER TABLE nope RESET (auto_compaction)"));
      assertEquals("42P01", e.getSQLState());
      assertEquals("table nope does not exist; see sys.tables", e.getMessage());
    }
  }

  @Test
  void aRefusedAlterTableChangesNoOption() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:quiver:mem:");
        Statement s = c.createStatement()) {
      s.execute(CREATE);
      Map<String, String> before = options(s);

      SQLException e =
          assertThrows(
              SQLException.class,
              () ->
                  s.execute(
                      "ALTER TABLE docs SET (segment_max_rows = 10, cluster_by = embedding)"));
      assertEquals("22023", e.getSQLState());
      assertEquals(
          "table option cluster_by names column embedding of docs, which is VECTOR(2); rows are"
              + " ordered by a scalar column, one of id, title",
          e.getMessage());

      assertEquals(before, options(s));
    }
  }

  @Test
  void sysTablesDoesNotShowWhatTheEngineKeepsForARaisedRetention() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:quiver:mem:");
        Statement s = c.createStatement()) {
      s.execute(CREATE + " WITH (time_travel_retention_s = 60)");
      s.execute("ALTER TABLE docs SET (time_travel_retention_s = 7200)");

      Map<String, String> options = options(s);
      assertEquals("7200", options.get("time_travel_retention_s"));
      assertTrue(
          options.keySet().stream().noneMatch(k -> k.startsWith("_")), options.keySet() + "");
    }
  }

  @Test
  void alteredOptionsSurviveReopenAfterFlushAndFromTheLogAlone() throws SQLException {
    String url = "jdbc:quiver:file:" + folder.resolve("db");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(CREATE);
      s.executeUpdate("INSERT INTO docs VALUES (1, 'one', '[1, 0]')");
      s.execute("ALTER TABLE docs SET (segment_max_rows = 1000, auto_compaction = false)");
      s.execute("FLUSH TABLE docs");
      // After the checkpoint: this change is only in the write-ahead log when the database closes.
      s.execute("ALTER TABLE docs SET (compaction_min_segments = 4)");
      s.execute("ALTER TABLE docs RESET (auto_compaction)");
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      Map<String, String> options = options(s);
      assertEquals("1000", options.get("segment_max_rows"));
      assertEquals("4", options.get("compaction_min_segments"));
      assertEquals("true", options.get("auto_compaction"));
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM docs")) {
        rs.next();
        assertEquals(1, rs.getLong(1));
      }
    }
  }
}
