package dev.quiver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.server.ServerOptions.Authentication;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may connect: HTTP basic and digest authentication against the users file, TLS with a keystore
 * made by keytool, and the refusal to listen beyond loopback without both.
 */
class AuthenticationTest {
  private static final String KEYSTORE_PASSWORD = "keystore-secret";

  @TempDir static Path keys;
  private static Path keystore;
  private static Path truststore;

  @TempDir Path folder;

  /** One keystore for the class: keytool takes a second or two per run. */
  @BeforeAll
  static void makeKeystores() throws Exception {
    keystore = TestCredentials.serverKeystore(keys, KEYSTORE_PASSWORD);
    truststore = TestCredentials.truststore(keys, keystore, KEYSTORE_PASSWORD);
  }

  private QuiverServer start(ServerOptions options) throws SQLException {
    return QuiverServer.start(options.withPort(0));
  }

  private static ServerOptions memory(String name) {
    return ServerOptions.defaults("jdbc:quiver:mem:auth-" + name);
  }

  private static Properties credentials(String user, String password) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    return p;
  }

  private static long one(Connection c) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM sys.tables")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void basicAuthenticationLetsInTheRightPasswordOnly() throws Exception {
    Path users = TestCredentials.usersFile(folder, false, Map.of("alice", Role.ADMIN));
    try (QuiverServer server =
        start(memory("basic").withAuthentication(Authentication.BASIC, users))) {
      try (Connection c =
          DriverManager.getConnection(
              server.jdbcUrl(), credentials("alice", TestCredentials.password("alice")))) {
        assertEquals(0, one(c));
        assertEquals("alice", c.getMetaData().getUserName());
      }
      try (Connection c =
          DriverManager.getConnection(
              server.jdbcUrl() + ";user=alice;password=" + TestCredentials.password("alice"))) {
        assertEquals(0, one(c), "credentials in the URL work as in Properties");
      }
      for (Properties wrong :
          new Properties[] {
            credentials("alice", "not-her-password"),
            credentials("mallory", "whatever1"),
            new Properties()
          }) {
        SQLException e =
            assertThrows(
                SQLException.class, () -> DriverManager.getConnection(server.jdbcUrl(), wrong));
        assertEquals("28000", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(e.getMessage().contains(server.url()), e.getMessage());
      }
    }
  }

  @Test
  void digestAuthenticationNeedsUsersAddedWithDigestAndClientsSayingDigest() throws Exception {
    Path users = TestCredentials.usersFile(folder, true, Map.of("bob", Role.READONLY));
    try (QuiverServer server =
        start(memory("digest").withAuthentication(Authentication.DIGEST, users))) {
      String url = server.jdbcUrl() + ";authentication=digest";
      try (Connection c =
          DriverManager.getConnection(url, credentials("bob", TestCredentials.password("bob")))) {
        assertEquals(0, one(c));
      }
      SQLException wrong =
          assertThrows(
              SQLException.class,
              () -> DriverManager.getConnection(url, credentials("bob", "bad-password")));
      assertEquals("28000", wrong.getSQLState());
      SQLException basic =
          assertThrows(
              SQLException.class,
              () ->
                  DriverManager.getConnection(
                      server.jdbcUrl(), credentials("bob", TestCredentials.password("bob"))));
      assertEquals("28000", basic.getSQLState());
      assertTrue(basic.getMessage().contains(";authentication=digest"), basic.getMessage());
    }
    Path basicOnly = TestCredentials.usersFile(folder, false, Map.of("carol", Role.ADMIN));
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> start(memory("digest2").withAuthentication(Authentication.DIGEST, basicOnly)));
    assertEquals("F0000", e.getSQLState());
    assertTrue(e.getMessage().contains("carol"), e.getMessage());
    assertTrue(e.getMessage().contains("--digest"), e.getMessage());
  }

  @Test
  void tlsServesHttpsToClientsThatTrustItsCertificate() throws Exception {
    Path users = TestCredentials.usersFile(folder, false, Map.of("alice", Role.ADMIN));
    try (QuiverServer server =
        start(
            memory("tls")
                .withAuthentication(Authentication.BASIC, users)
                .withTls(keystore, KEYSTORE_PASSWORD, "PKCS12"))) {
      assertTrue(server.url().startsWith("https://127.0.0.1:"), server.url());
      Properties p = credentials("alice", TestCredentials.password("alice"));
      p.setProperty("truststore", truststore.toString());
      p.setProperty("truststore_password", KEYSTORE_PASSWORD);
      try (Connection c = DriverManager.getConnection(server.jdbcUrl(), p)) {
        assertEquals(0, one(c));
      }
      SQLException untrusted =
          assertThrows(
              SQLException.class,
              () ->
                  DriverManager.getConnection(
                      server.jdbcUrl(), credentials("alice", TestCredentials.password("alice"))));
      assertEquals("08001", untrusted.getSQLState(), untrusted.getMessage());
      assertTrue(untrusted.getMessage().contains("truststore=FILE"), untrusted.getMessage());
    }
  }

  @Test
  void aWrongKeystorePasswordIsAnErrorAtStart() throws Exception {
    Path users = TestCredentials.usersFile(folder, false, Map.of("alice", Role.ADMIN));
    SQLException e =
        assertThrows(
            SQLException.class,
            () ->
                start(
                    memory("badtls")
                        .withAuthentication(Authentication.BASIC, users)
                        .withTls(keystore, "wrong", "PKCS12")));
    assertEquals("F0000", e.getSQLState());
    assertTrue(e.getMessage().contains(keystore.toString()), e.getMessage());
  }

  @Test
  void aNonLoopbackAddressNeedsAuthenticationAndTls() throws Exception {
    SQLException open =
        assertThrows(SQLException.class, () -> start(memory("open").withBind("0.0.0.0")));
    assertEquals("28000", open.getSQLState());
    assertTrue(
        open.getMessage()
            .startsWith("refusing to listen on 0.0.0.0 without authentication and TLS"),
        open.getMessage());
    assertTrue(open.getMessage().contains("--auth basic --users FILE"), open.getMessage());

    Path users = TestCredentials.usersFile(folder, false, Map.of("alice", Role.ADMIN));
    SQLException noTls =
        assertThrows(
            SQLException.class,
            () ->
                start(
                    memory("notls")
                        .withBind("0.0.0.0")
                        .withAuthentication(Authentication.BASIC, users)));
    assertEquals("28000", noTls.getSQLState());
    assertTrue(noTls.getMessage().contains("without TLS"), noTls.getMessage());

    try (QuiverServer server =
        start(
            memory("safe")
                .withBind("0.0.0.0")
                .withAuthentication(Authentication.BASIC, users)
                .withTls(keystore, KEYSTORE_PASSWORD, "PKCS12"))) {
      assertTrue(server.port() > 0, "with both it starts");
    }
  }
}
