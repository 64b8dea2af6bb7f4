package dev.quiver.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.Applier;
import dev.quiver.storage.Engines;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consistency levels through SQL: where a query's level comes from (hint, then the connection's
 * {@code SET} or property, then the table's option, then SESSION), what each level reads while the
 * engine's applier is paused (its test hook), the waits and their timeout, {@code sys.sessions},
 * and {@code FOR SYSTEM_TIME AS OF}.
 */
class ConsistencyLevelsTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final String name = "consistency-" + DATABASES.incrementAndGet();
  private final List<QuiverSqlSession> sessions = new ArrayList<>();
  private Engines.Handle engine;
  private Applier applier;
  private Connection a;
  private Connection b;

  @BeforeEach
  void open() throws SQLException {
    engine = Engines.memory(name);
    applier = engine.engine().applier();
    a = connect(Map.of());
    b = connect(Map.of());
    execute(a, "CREATE TABLE t (id INTEGER PRIMARY KEY, v VECTOR(2))");
  }

  @AfterEach
  void close() throws SQLException {
    applier.resume();
    for (QuiverSqlSession session : sessions) {
      session.close();
    }
    engine.close();
  }

  private Connection connect(Map<String, String> properties) throws SQLException {
    QuiverSqlSession session = QuiverSqlSession.memory(name, new HashMap<>(properties));
    sessions.add(session);
    return session.connection();
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (RuntimeException e) {
      throw QuiverSqlSession.translate(e);
    }
  }

  /** The first column of every row, as text. */
  private static List<String> query(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    } catch (RuntimeException e) {
      throw QuiverSqlSession.translate(e);
    }
    return rows;
  }

  private static SQLException fails(Connection connection, String sql) {
    return assertThrows(SQLException.class, () -> query(connection, sql));
  }

  private static String sqlState(SQLException e) {
    return QuiverSqlSession.translate(e).getSQLState();
  }

  private static String message(SQLException e) {
    return QuiverSqlSession.translate(e).getMessage();
  }

  /** Row 1 written and applied; row 2 written by connection b and not applied. */
  private void appliedRowOneUnappliedRowTwoOfB() throws SQLException {
    applier.pause();
    execute(a, "INSERT INTO t VALUES (1, '[1, 0]')");
    applier.applyNow();
    execute(b, "INSERT INTO t VALUES (2, '[0, 1]')");
  }

  @Test
  void eventuallyReturnsAtOnceWithoutUnappliedRowsInScansAndSearches() throws SQLException {
    appliedRowOneUnappliedRowTwoOfB();
    execute(a, "SET CONSISTENCY LEVEL EVENTUALLY");
    assertEquals(List.of("1"), query(a, "SELECT id FROM t"));
    assertEquals(List.of("1"), query(a, "SELECT id FROM t ORDER BY v <-> '[0, 1]' LIMIT 5"));
  }

  @Test
  void sessionSeesItsOwnRowsButNotAnotherConnectionsUnappliedRows() throws SQLException {
    appliedRowOneUnappliedRowTwoOfB();
    assertEquals(List.of("1"), query(a, "SELECT id FROM t"));
    execute(b, "SET consistency_timeout_ms = 0");
    SQLException timeout = fails(b, "SELECT id FROM t");
    assertEquals("57014", sqlState(timeout));
    assertTrue(
        message(timeout)
            .startsWith(
                "a query at consistency level SESSION (the option of table t) waited"
                    + " consistency_timeout_ms = 0 for the engine to apply writes up to its"
                    + " guarantee timestamp "),
        message(timeout));
    assertTrue(
        message(timeout)
            .endsWith(
                "or read at a weaker level (SET CONSISTENCY LEVEL" + " EVENTUALLY or BOUNDED)"),
        message(timeout));
  }

  @Test
  void strongWaitsUntilEverythingAcknowledgedBeforeItIsApplied() throws Exception {
    appliedRowOneUnappliedRowTwoOfB();
    execute(a, "SET CONSISTENCY LEVEL STRONG");
    CompletableFuture<List<String>> strong =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return query(a, "SELECT id FROM t ORDER BY id");
              } catch (SQLException e) {
                throw new CompletionException(e);
              }
            });
    // sys tables read the engine's state, not a snapshot: b can watch a wait.
    while (query(b, "SELECT waiting_for_ts FROM sys.sessions WHERE waiting_for_ts IS NOT NULL")
        .isEmpty()) {
      Thread.onSpinWait();
    }
    assertFalse(strong.isDone());
    applier.resume();
    assertEquals(List.of("1", "2"), strong.get());
  }

  @Test
  void boundedWithinItsBoundReturnsAtOnceWithoutYoungUnappliedRows() throws SQLException {
    appliedRowOneUnappliedRowTwoOfB();
    execute(a, "SET CONSISTENCY LEVEL BOUNDED");
    execute(a, "SET bounded_staleness_ms = 3600000");
    execute(a, "SET consistency_timeout_ms = 0");
    assertEquals(List.of("1"), query(a, "SELECT id FROM t"));
    execute(a, "SET bounded_staleness_ms = 0");
    assertEquals("57014", sqlState(fails(a, "SELECT id FROM t")));
  }

  @Test
  void hintBeatsConnectionWhichBeatsTableOptionWhichBeatsSession() throws SQLException {
    execute(a, "CREATE TABLE s (id INTEGER PRIMARY KEY) WITH (consistency_level = 'strong')");
    execute(a, "INSERT INTO s VALUES (1)");
    appliedRowOneUnappliedRowTwoOfB();
    execute(b, "INSERT INTO s VALUES (2)");
    execute(a, "SET consistency_timeout_ms = 0");

    // Table options: t is SESSION (a wrote nothing unapplied), s is STRONG.
    assertEquals(List.of("1"), query(a, "SELECT id FROM t"));
    assertEquals("57014", sqlState(fails(a, "SELECT id FROM s")));
    assertTrue(message(fails(a, "SELECT id FROM s")).contains("(the option of table s)"));
    // A query reads one snapshot, the latest its tables ask for.
    assertEquals("57014", sqlState(fails(a, "SELECT t.id FROM t JOIN s ON t.id = s.id")));
    // The connection's level beats the table's.
    execute(a, "SET CONSISTENCY LEVEL EVENTUALLY");
    assertEquals(List.of("1"), query(a, "SELECT id FROM s"));
    // The hint beats the connection's.
    SQLException hinted = fails(a, "SELECT /*+ CONSISTENCY(STRONG) */ id FROM t");
    assertTrue(message(hinted).contains("consistency level STRONG (from the query's hint)"));
    assertEquals(List.of("1"), query(a, "SELECT /*+ CONSISTENCY(eventually) */ COUNT(*) FROM s"));
    // RESET goes back to the table's option.
    execute(a, "RESET CONSISTENCY LEVEL");
    assertEquals("57014", sqlState(fails(a, "SELECT id FROM s")));
    // The connection property is the connection's level, and what RESET returns to.
    Connection strong =
        connect(Map.of("consistency_level", "strong", "consistency_timeout_ms", "0"));
    assertTrue(message(fails(strong, "SELECT id FROM t")).contains("(set for the connection)"));
    execute(strong, "SET CONSISTENCY LEVEL EVENTUALLY");
    assertEquals(List.of("1"), query(strong, "SELECT id FROM t"));
    execute(strong, "RESET consistency_level");
    assertEquals("57014", sqlState(fails(strong, "SELECT id FROM t")));
    // Quoted or not, through either spelling.
    execute(strong, "SET consistency_level = 'eventually'");
    assertEquals(List.of("1"), query(strong, "SELECT id FROM t"));
    execute(strong, "SET CONSISTENCY LEVEL 'strong'");
    assertEquals("57014", sqlState(fails(strong, "SELECT id FROM t")));
  }

  @Test
  void writesReadAtStrongWhateverTheLevel() throws SQLException {
    appliedRowOneUnappliedRowTwoOfB();
    execute(a, "SET CONSISTENCY LEVEL EVENTUALLY");
    execute(a, "SET consistency_timeout_ms = 0");
    SQLException update =
        assertThrows(
            SQLException.class, () -> execute(a, "UPDATE t SET v = '[5, 5]' WHERE id = 2"));
    assertEquals("57014", sqlState(update));
    assertTrue(
        message(update).contains("STRONG (a statement that writes reads the latest rows)"),
        message(update));
    applier.resume();
    execute(a, "SET consistency_timeout_ms = 10000");
    execute(a, "UPDATE t SET v = '[5, 5]' WHERE id = 2");
    execute(a, "SET CONSISTENCY LEVEL SESSION");
    assertEquals(List.of("2"), query(a, "SELECT id FROM t WHERE v <-> '[5, 5]' = 0"));
  }

  @Test
  void badLevelsAreRefusedNamingTheValueAndTheLevels() throws SQLException {
    SQLException set =
        assertThrows(SQLException.class, () -> execute(a, "SET CONSISTENCY LEVEL strng"));
    assertEquals("22023", sqlState(set));
    assertEquals(
        "SET CONSISTENCY LEVEL: 'strng' is not a consistency level; use STRONG, BOUNDED, SESSION"
            + " or EVENTUALLY",
        message(set));
    SQLException hint = fails(a, "SELECT /*+ CONSISTENCY(quick) */ id FROM t");
    assertEquals("22023", sqlState(hint));
    assertEquals(
        "hint CONSISTENCY: 'quick' is not a consistency level; use STRONG, BOUNDED, SESSION or"
            + " EVENTUALLY",
        message(hint));
    SQLException staleness =
        assertThrows(SQLException.class, () -> execute(a, "SET bounded_staleness_ms = -1"));
    assertEquals("22023", sqlState(staleness));
  }

  @Test
  void sysSessionsShowsEachConnectionsSettingsAndLastWrite() throws SQLException {
    connect(Map.of("user", "ann", "consistency_level", "bounded", "bounded_staleness_ms", "250"));
    execute(a, "INSERT INTO t VALUES (1, '[1, 0]')");
    long written = engine.engine().acknowledgedTimestamp();
    execute(b, "SET CONSISTENCY LEVEL STRONG");

    assertEquals(
        List.of(
            "1|null|true|null|null|10000|" + written + "|true|1",
            "2|null|false|STRONG|null|10000|0|false|0",
            "3|ann|false|BOUNDED|250|10000|0|false|0"),
        rows(
            a,
            "SELECT session_id, user_name, is_current, consistency_level, bounded_staleness_ms,"
                + " consistency_timeout_ms, last_write_ts, last_write_at IS NOT NULL,"
                + " write_count FROM sys.sessions ORDER BY session_id"));
  }

  @Test
  void forSystemTimeAsOfReadsTheTableAsItWasInScansAndSearches() throws SQLException {
    execute(a, "INSERT INTO t VALUES (1, '[1, 0]'), (2, '[0, 1]')");
    String instant = query(a, "SELECT last_write_at FROM sys.sessions WHERE is_current").get(0);
    long millis = engine.engine().acknowledgedTimestamp() >>> 18;
    while (System.currentTimeMillis() <= millis) {
      Thread.onSpinWait();
    }
    execute(a, "DELETE FROM t WHERE id = 1");
    execute(a, "INSERT INTO t VALUES (3, '[1, 1]')");

    String asOf = " FOR SYSTEM_TIME AS OF TIMESTAMP '" + instant + "'";
    assertEquals(List.of("1", "2"), query(a, "SELECT id FROM t" + asOf + " ORDER BY id"));
    assertEquals(
        List.of("1", "2"),
        query(a, "SELECT id FROM t" + asOf + " ORDER BY v <-> '[1, 0.1]' LIMIT 5"));
    assertEquals(List.of("2", "3"), query(a, "SELECT id FROM t ORDER BY id"));
    // The table now and as it was, in one query.
    assertEquals(
        List.of("2"), query(a, "SELECT n.id FROM t n JOIN t" + asOf + " o ON n.id = o.id"));
  }

  @Test
  void forSystemTimeAsOfOutsideTheRetentionIsRefusedNamingTheOption() throws SQLException {
    SQLException old =
        fails(a, "SELECT id FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2001-01-01 00:00:00'");
    assertEquals("72000", sqlState(old));
    assertTrue(
        message(old)
            .startsWith(
                "table t cannot be read AS OF 2001-01-01 00:00:00.000: it keeps its history for"
                    + " time_travel_retention_s = 3600 seconds, so the oldest instant it can be"
                    + " read at now is "),
        message(old));
    SQLException future =
        fails(a, "SELECT id FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2999-01-01 00:00:00'");
    assertEquals("22023", sqlState(future));
    SQLException system =
        fails(a, "SELECT * FROM sys.tables FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP");
    assertEquals("0A000", sqlState(system));
  }

  /** Every row, columns joined by '|'. */
  private static List<String> rows(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
