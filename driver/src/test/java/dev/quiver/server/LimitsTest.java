package dev.quiver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's limits: request body size, open connections and idle connections. */
class LimitsTest {
  private static ServerOptions memory(String name) {
    return ServerOptions.defaults("jdbc:quiver:mem:limits-" + name).withPort(0);
  }

  private static long count(Connection c, String table) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aRequestOverTheSizeLimitIsRefusedWithNothingApplied() throws SQLException {
    try (QuiverServer server = QuiverServer.start(memory("size").withMaxRequestBytes(64 << 10));
        Connection c = DriverManager.getConnection(server.jdbcUrl())) {
      c.createStatement().execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v VECTOR(128))");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 0; i < 200; i++) {
          ps.setInt(1, i);
          ps.setObject(2, new float[128]);
          ps.addBatch();
        }
        BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
        assertEquals("54000", e.getSQLState(), e.getMessage());
        assertTrue(
            e.getMessage().contains("more than the server's limit of 65536 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("--max-request-mb"), e.getMessage());
        ps.clearBatch();
        for (int i = 0; i < 20; i++) {
          ps.setInt(1, i);
          ps.setObject(2, new float[128]);
          ps.addBatch();
        }
        assertEquals(20, ps.executeBatch().length, "smaller batches go through");
      }
      assertEquals(20, count(c, "t"));
    }
  }

  @Test
  void connectionsOverTheLimitAreRefusedUntilOneCloses() throws SQLException {
    try (QuiverServer server = QuiverServer.start(memory("connections").withMaxConnections(2))) {
      Connection first = DriverManager.getConnection(server.jdbcUrl());
      try (Connection second = DriverManager.getConnection(server.jdbcUrl())) {
        SQLException e =
            assertThrows(SQLException.class, () -> DriverManager.getConnection(server.jdbcUrl()));
        assertEquals("53300", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("quiver serve --max-connections 2"), e.getMessage());
        first.close();
        try (Connection third = DriverManager.getConnection(server.jdbcUrl())) {
          assertEquals(0, count(third, "sys.tables"));
        }
        assertEquals(0, count(second, "sys.tables"));
      }
    }
  }

  @Test
  void anIdleConnectionIsClosedAndItsSlotFreedWhileABusyOneStaysOpen() throws Exception {
    try (QuiverServer server =
        QuiverServer.start(
            memory("idle").withMaxConnections(2).withIdleTimeout(Duration.ofSeconds(1)))) {
      Connection idle = DriverManager.getConnection(server.jdbcUrl());
      Statement statement = idle.createStatement();
      assertEquals(0, count(idle, "sys.tables"));
      try (Connection busy = DriverManager.getConnection(server.jdbcUrl());
          PreparedStatement ps = busy.prepareStatement("SELECT COUNT(*) FROM sys.tables")) {
        // The sweep runs every second. For 2.5 s the busy connection runs only a prepared
        // statement, each execution a use of the connection, while the other does nothing.
        long end = System.nanoTime() + Duration.ofMillis(2_500).toNanos();
        List<Long> counts = new ArrayList<>();
        while (System.nanoTime() < end) {
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            counts.add(rs.getLong(1));
          }
          Thread.sleep(100);
        }
        assertTrue(counts.size() >= 10, counts.toString());
        SQLException e =
            assertThrows(SQLException.class, () -> statement.executeQuery("SELECT 1").next());
        assertEquals("08003", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("idle"), e.getMessage());
        try (Connection fresh = DriverManager.getConnection(server.jdbcUrl())) {
          assertEquals(0, count(fresh, "sys.tables"), "the expired connection's slot is free");
        }
      }
    }
  }

  @Test
  void aStatementRunningLongerThanTheIdleTimeoutKeepsItsConnection() throws Exception {
    try (QuiverServer server =
            QuiverServer.start(memory("running").withIdleTimeout(Duration.ofSeconds(1)));
        Connection c = DriverManager.getConnection(server.jdbcUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      StringBuilder rows = new StringBuilder("INSERT INTO t VALUES (0)");
      for (int i = 1; i < 2000; i++) {
        rows.append(", (").append(i).append(')');
      }
      s.execute(rows.toString());
      // A cross join, made larger until one run outlasts the idle timeout and two sweeps, however
      // fast this machine is; every run must end on a connection that is still open.
      for (int n = 100; ; ) {
        long start = System.nanoTime();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM t a, t b, t c WHERE a.id < "
                    + n
                    + " AND b.id < "
                    + n
                    + " AND c.id < "
                    + n)) {
          rs.next();
          assertEquals((long) n * n * n, rs.getLong(1));
        }
        long elapsed = System.nanoTime() - start;
        if (elapsed >= 2_500_000_000L) {
          break;
        }
        assertTrue(n < 2000, "no cross join of up to 2000^3 rows ran for 2.5 s");
        // Aim the next run at about 3 s: the time grows with n cubed.
        double scale = Math.cbrt(3e9 / Math.max(elapsed, 1));
        n = (int) Math.min(2000, Math.ceil(n * Math.clamp(scale, 1.2, 2.0)));
      }
      assertEquals(2000, count(c, "t"), "the connection is still open");
    }
  }
}
