package dev.quiver.jdbc;

import dev.quiver.server.QuiverServer;
import dev.quiver.server.ServerOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code quiver serve} server on 127.0.0.1 (a free port) over a fresh in-memory database for
 * each test, so that a test written against {@link #connect()} runs through the thin driver, HTTP
 * and Avatica's protobuf protocol. It stops after the test's own {@code @AfterEach} methods, which
 * may still close their remote connections.
 *
 * <p>In memory because the suites that use it are about SQL over the wire and run a server per
 * test; serving a database folder (durability, shutdown, reopening) is tested in {@code
 * dev.quiver.server}.
 */
final class RemoteServerExtension implements BeforeEachCallback, AfterEachCallback {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private QuiverServer server;
  private String databaseUrl;

  @Override
  public void beforeEach(ExtensionContext context) throws SQLException {
    databaseUrl = "jdbc:quiver:mem:remote-test-" + DATABASES.incrementAndGet();
    server = QuiverServer.start(ServerOptions.defaults(databaseUrl).withPort(0));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    server.close();
  }

  QuiverServer server() {
    return server;
  }

  /** A new embedded connection to the database the server serves, in this JVM. */
  Connection connectEmbedded() throws SQLException {
    return DriverManager.getConnection(databaseUrl);
  }

  /** A new remote connection to this test's server. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl());
  }
}
