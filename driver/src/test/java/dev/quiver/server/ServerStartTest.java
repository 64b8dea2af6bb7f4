package dev.quiver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.server.ServerOptions.Authentication;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Options a server cannot start with are refused with the value and the fix. */
class ServerStartTest {
  private static ServerOptions memory() {
    return ServerOptions.defaults("jdbc:quiver:mem:server-start").withPort(0);
  }

  private static SQLException refused(ServerOptions options) {
    return assertThrows(SQLException.class, () -> QuiverServer.start(options).close());
  }

  @Test
  void aPortInUseIsRefusedAndNamed() throws SQLException {
    try (QuiverServer first = QuiverServer.start(memory())) {
      SQLException e = refused(memory().withPort(first.port()));
      assertEquals("58030", e.getSQLState());
      assertTrue(
          e.getMessage().startsWith("cannot listen on 127.0.0.1:" + first.port()), e.getMessage());
      assertTrue(e.getMessage().contains("choose another with --port"), e.getMessage());
    }
  }

  @Test
  void impossibleOptionsAreRefusedBeforeTheDatabaseOpens() {
    SQLException remote =
        refused(ServerOptions.defaults("jdbc:quiver:remote:url=http://elsewhere:8765"));
    assertEquals("22023", remote.getSQLState());
    assertTrue(remote.getMessage().contains("not 'jdbc:quiver:remote:url="), remote.getMessage());
    SQLException connections = refused(memory().withMaxConnections(0));
    assertEquals("--max-connections 0 is invalid; expected at least 1", connections.getMessage());
    SQLException idle = refused(memory().withIdleTimeout(Duration.ZERO));
    assertEquals("--idle-timeout-s 0 is invalid; expected at least 1 second", idle.getMessage());
    SQLException users = refused(memory().withAuthentication(Authentication.BASIC, null));
    assertTrue(
        users.getMessage().startsWith("--auth basic needs --users FILE"), users.getMessage());
    SQLException bind = refused(memory().withBind("no-such-host.invalid"));
    assertEquals("22023", bind.getSQLState());
    assertTrue(bind.getMessage().startsWith("--bind no-such-host.invalid is not an address"));
    SQLException missingUsers =
        refused(memory().withAuthentication(Authentication.BASIC, Path.of("/nonexistent/users")));
    assertEquals("F0000", missingUsers.getSQLState());
    assertTrue(missingUsers.getMessage().contains("quiver users add"), missingUsers.getMessage());
  }
}
