package dev.quiver.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@link QuiverServer} serves a database: where it listens, who may connect, and its limits.
 * {@link #defaults(String)} gives the values {@code quiver serve} uses when an option is left out.
 *
 * @param databaseUrl the embedded database served, e.g. {@code jdbc:quiver:file:/data}
 * @param bind the address to listen on; anything but a loopback address needs authentication and
 *     TLS
 * @param port the TCP port, 0 for any free one
 * @param usersFile the users file for basic or digest authentication (see {@link UsersFile})
 * @param tlsKeystore a keystore holding the server's key and certificate, or null for plain HTTP
 * @param tlsKeystoreType the keystore's type, PKCS12 (what keytool writes) or JKS
 * @param maxRequestBytes the largest HTTP request body accepted (a batch is one request)
 * @param maxConnections the most remote JDBC connections open at once
 * @param idleTimeout how long a remote connection may go without a request before the server closes
 *     it
 * @param shutdownTimeout how long shutting down waits for running statements
 */
public record ServerOptions(
    String databaseUrl,
    String bind,
    int port,
    Authentication authentication,
    Path usersFile,
    Path tlsKeystore,
    String tlsKeystorePassword,
    String tlsKeystoreType,
    long maxRequestBytes,
    int maxConnections,
    Duration idleTimeout,
    Duration shutdownTimeout) {

  public static final int DEFAULT_PORT = 8765;
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final long DEFAULT_MAX_REQUEST_BYTES = 64L << 20;
  public static final int DEFAULT_MAX_CONNECTIONS = 100;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /** How clients prove who they are. */
  public enum Authentication {
    /** Everyone may connect, as an administrator: for a server on a loopback address only. */
    NONE,
    /** HTTP basic: the password travels with each request (so use TLS); checked against PBKDF2. */
    BASIC,
    /** HTTP digest: the password never travels, but the server keeps a password equivalent. */
    DIGEST
  }

  /** The defaults for serving {@code databaseUrl}. */
  public static ServerOptions defaults(String databaseUrl) {
    return new ServerOptions(
        databaseUrl,
        DEFAULT_BIND,
        DEFAULT_PORT,
        Authentication.NONE,
        null,
        null,
        null,
        "PKCS12",
        DEFAULT_MAX_REQUEST_BYTES,
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_SHUTDOWN_TIMEOUT);
  }

  public ServerOptions withBind(String bind) {
    return new ServerOptions(
        databaseUrl,
        bind,
        port,
        authentication,
        usersFile,
        tlsKeystore,
        tlsKeystorePassword,
        tlsKeystoreType,
        maxRequestBytes,
        maxConnections,
        idleTimeout,
        shutdownTimeout);
  }

  public ServerOptions withPort(int port) {
    return new ServerOptions(
        databaseUrl,
        bind,
        port,
        authentication,
        usersFile,
        tlsKeystore,
        tlsKeystorePassword,
        tlsKeystoreType,
        maxRequestBytes,
        maxConnections,
        idleTimeout,
        shutdownTimeout);
  }

  public ServerOptions withAuthentication(Authentication authentication, Path usersFile) {
    return new ServerOptions(
        databaseUrl,
        bind,
        port,
        authentication,
        usersFile,
        tlsKeystore,
        tlsKeystorePassword,
        tlsKeystoreType,
        maxRequestBytes,
        maxConnections,
        idleTimeout,
        shutdownTimeout);
  }

  public ServerOptions withTls(Path keystore, String password, String type) {
    return new ServerOptions(
        databaseUrl,
        bind,
        port,
        authentication,
        usersFile,
        keystore,
        password,
        type,
        maxRequestBytes,
        maxConnections,
        idleTimeout,
        shutdownTimeout);
  }

  public ServerOptions withMaxRequestBytes(long maxRequestBytes) {
    return new ServerOptions(
        databaseUrl,
        bind,
        port,
        authentication,
        usersFile,
        tlsKeystore,
        tlsKeystorePassword,
        tlsKeystoreType,
        maxRequestBytes,
        maxConnections,
        idleTimeout,
        shutdownTimeout);
  }

  public ServerOptions withMaxConnections(int maxConnections) {
    return new ServerOptions(
        databaseUrl,
        bind,
        port,
        authentication,
        usersFile,
        tlsKeystore,
        tlsKeystorePassword,
        tlsKeystoreType,
        maxRequestBytes,
        maxConnections,
        idleTimeout,
        shutdownTimeout);
  }

  public ServerOptions withIdleTimeout(Duration idleTimeout) {
    return new ServerOptions(
        databaseUrl,
        bind,
        port,
        authentication,
        usersFile,
        tlsKeystore,
        tlsKeystorePassword,
        tlsKeystoreType,
        maxRequestBytes,
        maxConnections,
        idleTimeout,
        shutdownTimeout);
  }

  public ServerOptions withShutdownTimeout(Duration shutdownTimeout) {
    return new ServerOptions(
        databaseUrl,
        bind,
        port,
        authentication,
        usersFile,
        tlsKeystore,
        tlsKeystorePassword,
        tlsKeystoreType,
        maxRequestBytes,
        maxConnections,
        idleTimeout,
        shutdownTimeout);
  }
}
