package dev.quiver.server;

import dev.quiver.server.ServerOptions.Authentication;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.avatica.remote.LocalService;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Quiver's network server: the embedded engine behind Avatica's HTTP protocol (protobuf), so that
 * {@code jdbc:quiver:remote:url=http://HOST:PORT} connections run the same SQL as embedded ones.
 *
 * <p>Safe by default: it listens on 127.0.0.1; on any other address it refuses to start without
 * authentication and TLS. Each remote connection owns one embedded connection; each user's role
 * limits the statements it may run ({@link Role}). Closing it (or SIGTERM through {@code quiver
 * serve}) refuses new requests, waits for running ones, closes every connection, checkpoints a file
 * database and releases it.
 */
public final class QuiverServer implements AutoCloseable {
  private static final long DRAIN_POLL_MS = 20;

  private final ServerOptions options;
  private final PrintStream log;
  private final Connection anchor;
  private final QuiverMeta meta;
  private final RequestGate gate;
  private final QuiverHttpServer http;
  private final ScheduledExecutorService sweeper;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);

  private QuiverServer(
      ServerOptions options,
      PrintStream log,
      Connection anchor,
      QuiverMeta meta,
      RequestGate gate,
      QuiverHttpServer http,
      ScheduledExecutorService sweeper) {
    this.options = options;
    this.log = log;
    this.anchor = anchor;
    this.meta = meta;
    this.gate = gate;
    this.http = http;
    this.sweeper = sweeper;
  }

  /** Starts a server that logs nothing. */
  public static QuiverServer start(ServerOptions options) throws SQLException {
    return start(options, new PrintStream(OutputStream.nullOutputStream()));
  }

  /**
   * Checks the options, opens the database and starts listening.
   *
   * @param log where shutdown progress is written
   * @throws SQLException for options that cannot work or would be unsafe, a database that cannot be
   *     opened, or a port that cannot be used; the message says which and how to fix it
   */
  public static QuiverServer start(ServerOptions options, PrintStream log) throws SQLException {
    checkDatabaseUrl(options.databaseUrl());
    checkLimits(options);
    boolean loopback = isLoopback(options.bind());
    if (!loopback
        && (options.authentication() == Authentication.NONE || options.tlsKeystore() == null)) {
      throw new SQLException(
          "refusing to listen on "
              + options.bind()
              + " without "
              + (options.authentication() == Authentication.NONE
                  ? options.tlsKeystore() == null ? "authentication and TLS" : "authentication"
                  : "TLS")
              + ": it is not a loopback address, so anyone who can reach the port could read"
              + " and change the database (and, without TLS, read passwords and rows on the"
              + " way). Add --auth basic --users FILE and --tls-keystore FILE, or listen on"
              + " 127.0.0.1 (the default)",
          ServerErrors.INSECURE_SETUP);
    }
    Map<String, UserAccount> users = users(options);
    SslContextFactory.Server tls = tls(options);
    Connection anchor = DriverManager.getConnection(options.databaseUrl());
    QuiverMeta meta = null;
    try {
      meta = new QuiverMeta(options.databaseUrl());
      MetaGuard guard = new MetaGuard(meta, users, options.maxConnections(), options.idleTimeout());
      RequestGate gate =
          new RequestGate(new LocalService(guard.proxy()), options.maxRequestBytes());
      QuiverHttpServer http =
          new QuiverHttpServer(
              options.bind(),
              options.port(),
              gate,
              users == null
                  ? null
                  : new QuiverLoginService(
                      users, options.authentication() == Authentication.DIGEST),
              options.authentication() == Authentication.DIGEST,
              tls);
      try {
        http.start();
      } catch (RuntimeException e) {
        try {
          http.stop();
        } catch (RuntimeException stopFailure) {
          // Jetty may have started its threads before the port failed; stopping them is all that
          // is wanted, and the start's failure is the one to report.
          e.addSuppressed(stopFailure);
        }
        throw startFailure(options, e);
      }
      ScheduledExecutorService sweeper =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "quiver-server-idle-sweeper");
                t.setDaemon(true);
                return t;
              });
      long period = Math.clamp(options.idleTimeout().toMillis() / 4, 1_000, 30_000);
      sweeper.scheduleWithFixedDelay(guard::closeIdle, period, period, TimeUnit.MILLISECONDS);
      return new QuiverServer(options, log, anchor, meta, gate, http, sweeper);
    } catch (SQLException | RuntimeException e) {
      if (meta != null) {
        meta.closeAll();
      }
      anchor.close();
      throw e;
    }
  }

  /** The port listened on (the chosen one when the options asked for port 0). */
  public int port() {
    return http.getPort();
  }

  /** The server's address as clients write it, e.g. {@code http://127.0.0.1:8765}. */
  public String url() {
    String host = options.bind();
    try {
      if (InetAddress.getByName(host) instanceof Inet6Address && !host.startsWith("[")) {
        host = "[" + host + "]";
      }
    } catch (UnknownHostException e) {
      // Resolved when the server started; keep the name as given.
    }
    return (options.tlsKeystore() != null ? "https" : "http") + "://" + host + ":" + port();
  }

  /** The JDBC URL of this server, {@code jdbc:quiver:remote:url=...}. */
  public String jdbcUrl() {
    return "jdbc:quiver:remote:url=" + url();
  }

  /** Waits until the server has been closed. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /**
   * Shuts down: refuses new requests, waits up to the shutdown timeout for running ones, stops
   * listening, closes every remote connection, checkpoints a file database and releases it. Calling
   * it again waits for the first call to finish.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      gate.drain();
      waitForRunningRequests();
      try {
        http.stop();
      } catch (RuntimeException e) {
        log.println("quiver serve: stopping the HTTP server failed: " + e);
      }
      sweeper.shutdownNow();
      meta.closeAll();
      checkpoint();
      try {
        anchor.close();
      } catch (SQLException e) {
        log.println("quiver serve: closing the database failed: " + e.getMessage());
      }
      log.println("quiver serve: stopped; the database is closed");
    } finally {
      closed.countDown();
    }
  }

  private void waitForRunningRequests() {
    long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
    int running = gate.running();
    if (running > 0) {
      log.println(
          "quiver serve: shutting down; waiting up to "
              + options.shutdownTimeout().toSeconds()
              + " s for "
              + running
              + " running request(s)");
    }
    while (gate.running() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(DRAIN_POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (gate.running() > 0) {
      log.println(
          "quiver serve: "
              + gate.running()
              + " request(s) still running after the shutdown timeout; closing anyway");
    }
  }

  /** Writes the rows still in memory to segments, so that the next start replays no log. */
  private void checkpoint() {
    if (!options.databaseUrl().startsWith("jdbc:quiver:file:")) {
      return;
    }
    try (Statement s = anchor.createStatement();
        ResultSet rs = s.executeQuery("SELECT table_name FROM sys.tables LIMIT 1")) {
      if (rs.next()) {
        // FLUSH TABLE checkpoints every table of the database; it needs one to name.
        try (Statement flush = anchor.createStatement()) {
          flush.execute("FLUSH TABLE \"" + rs.getString(1).replace("\"", "\"\"") + "\"");
        }
        log.println("quiver serve: flushed");
      }
    } catch (SQLException e) {
      log.println(
          "quiver serve: flushing at shutdown failed ("
              + e.getMessage()
              + "); every acknowledged write is still in the write-ahead log");
    }
  }

  private static void checkDatabaseUrl(String url) throws SQLException {
    if (url == null
        || !(url.startsWith("jdbc:quiver:file:") || url.startsWith("jdbc:quiver:mem:"))) {
      throw new SQLException(
          "a server serves an embedded database (jdbc:quiver:file:PATH or jdbc:quiver:mem:NAME),"
              + " not '"
              + url
              + "'",
          ServerErrors.INVALID_PARAMETER);
    }
  }

  private static void checkLimits(ServerOptions o) throws SQLException {
    if (o.port() < 0 || o.port() > 65535) {
      throw invalid("--port", o.port(), "a TCP port, 0 to 65535 (0 picks a free one)");
    }
    if (o.maxRequestBytes() < 1024) {
      throw invalid("the request size limit", o.maxRequestBytes() + " bytes", "at least 1 KiB");
    }
    if (o.maxConnections() < 1) {
      throw invalid("--max-connections", o.maxConnections(), "at least 1");
    }
    if (o.idleTimeout().compareTo(Duration.ofSeconds(1)) < 0) {
      throw invalid("--idle-timeout-s", o.idleTimeout().toSeconds(), "at least 1 second");
    }
    if (o.shutdownTimeout().isNegative()) {
      throw invalid("--shutdown-timeout-s", o.shutdownTimeout().toSeconds(), "0 or more seconds");
    }
    if (o.authentication() != Authentication.NONE && o.usersFile() == null) {
      throw new SQLException(
          "--auth "
              + o.authentication().name().toLowerCase(java.util.Locale.ROOT)
              + " needs --users FILE; create one with: quiver users add --users FILE --role admin"
              + " NAME",
          ServerErrors.INVALID_PARAMETER);
    }
  }

  private static SQLException invalid(String what, Object value, String expected) {
    return new SQLException(
        what + " " + value + " is invalid; expected " + expected, ServerErrors.INVALID_PARAMETER);
  }

  private static boolean isLoopback(String bind) throws SQLException {
    try {
      InetAddress[] addresses = InetAddress.getAllByName(bind);
      for (InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new SQLException(
          "--bind " + bind + " is not an address of this machine: " + e.getMessage(),
          ServerErrors.INVALID_PARAMETER,
          e);
    }
  }

  private static Map<String, UserAccount> users(ServerOptions options) throws SQLException {
    if (options.authentication() == Authentication.NONE) {
      return null;
    }
    Map<String, UserAccount> users = UsersFile.read(options.usersFile());
    if (users.isEmpty()) {
      throw new SQLException(
          "users file "
              + options.usersFile()
              + " has no users; add one with: quiver users add --users "
              + options.usersFile()
              + " --role admin NAME",
          ServerErrors.CONFIG_FILE);
    }
    if (options.authentication() == Authentication.DIGEST) {
      List<String> withoutDigest =
          users.values().stream()
              .filter(u -> u.digestHa1() == null)
              .map(UserAccount::name)
              .toList();
      if (!withoutDigest.isEmpty()) {
        throw new SQLException(
            "--auth digest needs a digest credential for every user, and "
                + String.join(", ", withoutDigest)
                + " in "
                + options.usersFile()
                + " have none; add them again with: quiver users add --digest ..., or use"
                + " --auth basic",
            ServerErrors.CONFIG_FILE);
      }
    }
    return Collections.unmodifiableMap(users);
  }

  private static SslContextFactory.Server tls(ServerOptions options) throws SQLException {
    if (options.tlsKeystore() == null) {
      return null;
    }
    String password = options.tlsKeystorePassword() == null ? "" : options.tlsKeystorePassword();
    // Loaded here first so that a wrong path, type or password is an error at start, in words.
    try (InputStream in = Files.newInputStream(options.tlsKeystore())) {
      KeyStore keyStore = KeyStore.getInstance(options.tlsKeystoreType());
      keyStore.load(in, password.toCharArray());
      boolean hasKey = false;
      for (String alias : Collections.list(keyStore.aliases())) {
        hasKey |= keyStore.isKeyEntry(alias);
      }
      if (!hasKey) {
        throw new SQLException(
            "TLS keystore "
                + options.tlsKeystore()
                + " holds no private key; create one with: keytool -genkeypair -alias quiver"
                + " -keyalg RSA -keystore FILE (see docs/clients.md)",
            ServerErrors.CONFIG_FILE);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new SQLException(
          "TLS keystore "
              + options.tlsKeystore()
              + " (type "
              + options.tlsKeystoreType()
              + ") cannot be read: "
              + e.getMessage()
              + "; check the path, --tls-keystore-type and the password"
              + " (QUIVER_TLS_KEYSTORE_PASSWORD or --tls-keystore-password-file)",
          ServerErrors.CONFIG_FILE,
          e);
    }
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStorePath(options.tlsKeystore().toAbsolutePath().toString());
    factory.setKeyStorePassword(password);
    factory.setKeyStoreType(options.tlsKeystoreType());
    return factory;
  }

  private static SQLException startFailure(ServerOptions options, RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || t instanceof IOException
              && t.getMessage() != null
              && t.getMessage().contains("bind")) {
        return new SQLException(
            "cannot listen on "
                + options.bind()
                + ":"
                + options.port()
                + " ("
                + t.getMessage()
                + "); another program (another quiver serve?) may use the port: choose another"
                + " with --port",
            ServerErrors.IO_ERROR,
            e);
      }
    }
    return new SQLException("the HTTP server failed to start: " + e, ServerErrors.IO_ERROR, e);
  }
}
