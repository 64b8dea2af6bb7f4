package dev.quiver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.server.ServerOptions.Authentication;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quiver users}: the users file it writes, its checks, and a server that reads it. */
class UsersCommandTest {
  @TempDir Path folder;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int users(String password, String... args) throws Exception {
    out.reset();
    err.reset();
    return UsersCommand.run(
        List.of(args),
        new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)),
        null,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        TestCredentials.TEST_ITERATIONS);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void addListAndRemoveKeepOnlyHashesInAFileOnlyItsOwnerReads() throws Exception {
    Path file = folder.resolve("users");
    String f = file.toString();
    assertEquals(0, users("alice-secret-1", "add", "--users", f, "--role", "readonly", "alice"));
    assertEquals("added user alice (readonly) in " + f + "\n", stdout());
    assertEquals(
        0, users("bob-secret-22", "add", "--users", f, "--role", "ADMIN", "--digest", "bob"));
    assertEquals(0, users("", "list", "--users", f));
    assertEquals("alice readonly (basic)\nbob admin (basic and digest)\n", stdout());

    String content = Files.readString(file);
    assertFalse(content.contains("alice-secret-1") || content.contains("bob-secret-22"), content);
    assertTrue(content.contains("alice readonly pbkdf2-sha256:1000:"), content);
    assertTrue(content.contains(" digest-md5:Quiver:"), content);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    assertEquals(0, users("alice-secret-2", "add", "--users", f, "--role", "readwrite", "alice"));
    assertEquals("replaced user alice (readwrite) in " + f + "\n", stdout());
    assertEquals(0, users("", "remove", "--users", f, "bob"));
    assertEquals(0, users("", "list", "--users", f));
    assertEquals("alice readwrite (basic)\n", stdout());

    try (QuiverServer server =
            QuiverServer.start(
                ServerOptions.defaults("jdbc:quiver:mem:users-command")
                    .withPort(0)
                    .withAuthentication(Authentication.BASIC, file));
        Connection c =
            DriverManager.getConnection(server.jdbcUrl(), credentials("alice-secret-2"))) {
      assertTrue(c.createStatement().executeQuery("SELECT 1").next());
      SQLException old =
          assertThrows(
              SQLException.class,
              () -> DriverManager.getConnection(server.jdbcUrl(), credentials("alice-secret-1")));
      assertEquals("28000", old.getSQLState(), "the replaced password no longer works");
    }
  }

  private static Properties credentials(String password) {
    Properties p = new Properties();
    p.setProperty("user", "alice");
    p.setProperty("password", password);
    return p;
  }

  @Test
  void theDefaultHashIsPbkdf2WithOwaspsIterationCount() throws Exception {
    Path file = folder.resolve("users");
    assertEquals(
        0,
        UsersCommand.run(
            List.of("add", "--users", file.toString(), "--role", "admin", "root"),
            new ByteArrayInputStream("a long password\n".getBytes(StandardCharsets.UTF_8)),
            null,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)));
    UserAccount root = UsersFile.read(file).get("root");
    assertTrue(root.password().format().startsWith("pbkdf2-sha256:600000:"));
    assertTrue(root.password().matches("a long password".toCharArray()));
    assertFalse(root.password().matches("a long passwore".toCharArray()));
  }

  @Test
  void mistakesAreRefusedWithTheValueAndTheFix() throws Exception {
    String f = folder.resolve("users").toString();
    SQLException role =
        assertThrows(
            SQLException.class,
            () -> users("long enough", "add", "--users", f, "--role", "superuser", "eve"));
    assertEquals("22023", role.getSQLState());
    assertEquals(
        "unknown role 'superuser'; use one of readonly, readwrite, admin", role.getMessage());
    SQLException shortPassword =
        assertThrows(
            SQLException.class,
            () -> users("short", "add", "--users", f, "--role", "admin", "eve"));
    assertEquals("22023", shortPassword.getSQLState());
    assertTrue(shortPassword.getMessage().contains("has 5 characters; use at least 8"));
    SQLException name =
        assertThrows(
            SQLException.class,
            () -> users("long enough", "add", "--users", f, "--role", "admin", "e:ve"));
    assertTrue(name.getMessage().startsWith("user name 'e:ve' must be"), name.getMessage());
    assertEquals(2, users("", "add", "--role", "admin", "eve"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--users FILE is required"));
    assertEquals(0, users("long enough", "add", "--users", f, "--role", "admin", "eve"));
    SQLException missing =
        assertThrows(SQLException.class, () -> users("", "remove", "--users", f, "nobody"));
    assertTrue(missing.getMessage().startsWith("user nobody is not in " + f), missing.getMessage());
  }

  @Test
  void aMalformedUsersFileStopsTheServerFromStartingAndNamesTheLine() throws Exception {
    Path file = folder.resolve("users");
    Files.writeString(file, "# users\nalice admin plain-text-password\n");
    SQLException e =
        assertThrows(
            SQLException.class,
            () ->
                QuiverServer.start(
                    ServerOptions.defaults("jdbc:quiver:mem:users-malformed")
                        .withPort(0)
                        .withAuthentication(Authentication.BASIC, file)));
    assertEquals("F0000", e.getSQLState());
    assertTrue(
        e.getMessage()
            .startsWith(
                "users file "
                    + file
                    + ", line 2: password hash 'plain-text-password' is not of the form"),
        e.getMessage());
  }
}
