package dev.quiver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.server.ServerOptions.Authentication;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectionConfigImpl;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.AvaticaHttpClientFactoryImpl;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.RemoteProtobufService;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each role may run (readonly: queries, EXPLAIN, SET; readwrite: also DML; admin: also DDL and
 * maintenance), the 42501 a denied statement gets, and that no request can borrow another user's
 * connection or statement.
 */
class AuthorizationTest {
  @TempDir Path folder;
  private QuiverServer server;

  @BeforeEach
  void start() throws Exception {
    Path users =
        TestCredentials.usersFile(
            folder,
            false,
            Map.of("reader", Role.READONLY, "writer", Role.READWRITE, "boss", Role.ADMIN));
    server =
        QuiverServer.start(
            ServerOptions.defaults("jdbc:quiver:mem:authz-" + System.nanoTime())
                .withPort(0)
                .withAuthentication(Authentication.BASIC, users));
    try (Connection boss = connect("boss");
        Statement s = boss.createStatement()) {
      s.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, title VARCHAR, v VECTOR(2))");
      s.execute("INSERT INTO docs VALUES (1, 'one', '[1, 0]')");
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Connection connect(String user) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", TestCredentials.password(user));
    return DriverManager.getConnection(server.jdbcUrl(), p);
  }

  private static void assertDenied(String user, String role, String kind, Executable action) {
    SQLException e = assertThrows(SQLException.class, action::run);
    assertEquals("42501", e.getSQLState(), e.getMessage());
    assertTrue(
        e.getMessage().startsWith("user " + user + " (role " + role + ") may not run " + kind),
        e.getMessage());
  }

  private interface Executable {
    void run() throws Exception;
  }

  private static long count(Connection c) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM docs")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void readonlyMayQueryExplainAndSetButNotChangeAnything() throws Exception {
    try (Connection c = connect("reader");
        Statement s = c.createStatement()) {
      assertEquals(1, count(c));
      try (ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR SELECT * FROM docs")) {
        assertTrue(rs.next());
      }
      s.execute("SET ef_search = 50");
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id FROM docs ORDER BY v <-> ? LIMIT 1")) {
        ps.setObject(1, new float[] {1, 0});
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
        }
      }
      assertTrue(c.getMetaData().getTables(null, null, "%", null).next());
      assertDenied(
          "reader",
          "readonly",
          "INSERT",
          () -> s.execute("INSERT INTO docs VALUES (2, 'x', '[0, 1]')"));
      assertDenied(
          "reader",
          "readonly",
          "UPSERT",
          () -> s.execute("UPSERT INTO docs VALUES (1, 'x', '[0, 1]')"));
      assertDenied(
          "reader", "readonly", "UPDATE", () -> s.executeUpdate("UPDATE docs SET title = 'y'"));
      assertDenied("reader", "readonly", "DELETE", () -> c.prepareStatement("DELETE FROM docs"));
      assertDenied("reader", "readonly", "DROP TABLE", () -> s.execute("DROP TABLE docs"));
      assertDenied("reader", "readonly", "FLUSH TABLE", () -> s.execute("FLUSH TABLE docs"));
      assertDenied(
          "reader",
          "readonly",
          "ALTER TABLE",
          () -> s.execute("ALTER TABLE docs SET (auto_compaction = false)"));
      SQLException e =
          assertThrows(
              SQLException.class, () -> s.execute("INSERT INTO docs VALUES (2, 'x', '[0, 1]')"));
      assertTrue(
          e.getMessage()
              .endsWith("that needs the role readwrite or admin in the server's users file"),
          e.getMessage());
      assertEquals(1, count(c));
    }
  }

  @Test
  void readwriteMayChangeRowsButNotTheSchema() throws Exception {
    try (Connection c = connect("writer");
        Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("INSERT INTO docs VALUES (2, 'two', '[0, 1]')"));
      assertEquals(1, s.executeUpdate("UPSERT INTO docs VALUES (2, 'TWO', '[0, 1]')"));
      assertEquals(1, s.executeUpdate("UPDATE docs SET title = 'uno' WHERE id = 1"));
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO docs VALUES (?, ?, ?)")) {
        for (int i = 10; i < 20; i++) {
          ps.setInt(1, i);
          ps.setString(2, "t" + i);
          ps.setObject(3, new float[] {i, i});
          ps.addBatch();
        }
        assertEquals(10, ps.executeBatch().length);
      }
      assertEquals(10, s.executeUpdate("DELETE FROM docs WHERE id >= 10"));
      assertDenied(
          "writer", "readwrite", "CREATE TABLE", () -> s.execute("CREATE TABLE t (id INT)"));
      assertDenied(
          "writer",
          "readwrite",
          "CREATE INDEX",
          () -> s.execute("CREATE INDEX i ON docs USING HNSW (v)"));
      assertDenied("writer", "readwrite", "FLUSH TABLE", () -> s.execute("FLUSH TABLE docs"));
      assertDenied(
          "writer",
          "readwrite",
          "ALTER TABLE",
          () -> s.execute("ALTER TABLE docs RESET (auto_compaction)"));
      SQLException e = assertThrows(SQLException.class, () -> s.execute("DROP TABLE docs"));
      assertTrue(
          e.getMessage().endsWith("that needs the role admin in the server's users file"),
          e.getMessage());
      assertEquals(2, count(c));
    }
  }

  @Test
  void aBatchWithADeniedStatementAppliesNothing() throws Exception {
    try (Connection c = connect("writer");
        Statement s = c.createStatement()) {
      s.addBatch("INSERT INTO docs VALUES (5, 'five', '[1, 1]')");
      s.addBatch("DROP TABLE docs");
      SQLException e = assertThrows(SQLException.class, s::executeBatch);
      assertEquals("42501", e.getSQLState(), e.getMessage());
      assertEquals(1, count(c), "the server checks every statement before running any");
    }
  }

  @Test
  void adminMayRunEverything() throws Exception {
    try (Connection c = connect("boss");
        Statement s = c.createStatement()) {
      s.execute("CREATE INDEX docs_v ON docs USING HNSW (v) WITH (metric = 'l2')");
      s.execute("INSERT INTO docs VALUES (3, 'three', '[0, 1]')");
      s.execute("FLUSH TABLE docs");
      s.execute("ALTER TABLE docs SET (auto_compaction = false)");
      s.execute("DROP INDEX docs_v");
      s.execute("DROP TABLE docs");
    }
  }

  @Test
  void noRequestCanUseAnotherUsersConnectionOrStatement() throws Exception {
    try (Connection boss = connect("boss");
        Connection reader = connect("reader");
        PreparedStatement bossInsert =
            boss.prepareStatement("INSERT INTO docs VALUES (7, 'stolen', '[1, 1]')")) {
      String bossConnection = boss.unwrap(AvaticaConnection.class).handle.id;
      int bossStatement = bossInsert.unwrap(AvaticaStatement.class).handle.id;
      String readerConnection = reader.unwrap(AvaticaConnection.class).handle.id;
      Service service = rawService("reader");

      // The reader names the admin's connection: refused before anything runs.
      AvaticaClientRuntimeException foreignConnection =
          assertThrows(
              AvaticaClientRuntimeException.class,
              () ->
                  service.apply(
                      new Service.PrepareAndExecuteRequest(
                          bossConnection, bossStatement, "SELECT 1", -1)));
      assertEquals("42501", foreignConnection.getSqlState());

      // The reader names its own connection but the admin's prepared INSERT: refused too.
      AvaticaClientRuntimeException foreignStatement =
          assertThrows(
              AvaticaClientRuntimeException.class,
              () ->
                  service.apply(
                      new Service.ExecuteRequest(
                          new org.apache.calcite.avatica.Meta.StatementHandle(
                              readerConnection, bossStatement, null),
                          java.util.List.of(),
                          100)));
      assertEquals("42501", foreignStatement.getSqlState());
      assertEquals(1, count(boss), "the admin's INSERT never ran");
    }
  }

  /** Avatica's protocol spoken directly, as a client that crafts its own requests would. */
  private Service rawService(String user) throws Exception {
    Properties p = new Properties();
    p.setProperty("url", server.url());
    p.setProperty("serialization", "protobuf");
    p.setProperty("authentication", "BASIC");
    p.setProperty("avatica_user", user);
    p.setProperty("avatica_password", TestCredentials.password(user));
    AvaticaHttpClient http =
        new AvaticaHttpClientFactoryImpl()
            .getClient(URI.create(server.url()).toURL(), new ConnectionConfigImpl(p), null);
    return new RemoteProtobufService(http, new ProtobufTranslationImpl());
  }
}
