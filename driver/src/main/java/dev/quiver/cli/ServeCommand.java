package dev.quiver.cli;

import dev.quiver.jdbc.QuiverVersion;
import dev.quiver.server.QuiverServer;
import dev.quiver.server.ServerOptions;
import dev.quiver.server.ServerOptions.Authentication;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sun.misc.Signal;

/**
 * {@code quiver serve}: serves a database folder to remote clients until SIGTERM or Ctrl-C, then
 * shuts down cleanly (running statements finish, the database is flushed and closed).
 *
 * <p>The signals are taken over rather than left to shutdown hooks because the JVM runs hooks in
 * parallel: the engine's own hook would close the database under statements still running.
 */
final class ServeCommand {
  static final String USAGE =
      """
        serve --data PATH [--port 8765] [--bind 127.0.0.1]
              [--auth none|basic|digest --users FILE]
              [--tls-keystore FILE [--tls-keystore-type PKCS12]
               [--tls-keystore-password-file FILE]]
              [--max-request-mb 64] [--max-connections 100] [--idle-timeout-s 600]
              [--shutdown-timeout-s 30]
                                       serve the database in PATH over the network (Avatica,
                                       protobuf) to jdbc:quiver:remote:url=http://HOST:PORT
      """;

  /** Where {@code --tls-keystore-password-file} is not given, the keystore password comes from. */
  static final String KEYSTORE_PASSWORD_VARIABLE = "QUIVER_TLS_KEYSTORE_PASSWORD";

  private ServeCommand() {}

  /** Parses the options; null after printing the problem to {@code err}. */
  static ServerOptions options(List<String> args, Map<String, String> environment, PrintStream err)
      throws IOException {
    Path data = null;
    String bind = ServerOptions.DEFAULT_BIND;
    int port = ServerOptions.DEFAULT_PORT;
    Authentication auth = Authentication.NONE;
    Path users = null;
    Path keystore = null;
    String keystoreType = "PKCS12";
    Path passwordFile = null;
    long maxRequestMb = ServerOptions.DEFAULT_MAX_REQUEST_BYTES >> 20;
    int maxConnections = ServerOptions.DEFAULT_MAX_CONNECTIONS;
    long idleSeconds = ServerOptions.DEFAULT_IDLE_TIMEOUT.toSeconds();
    long shutdownSeconds = ServerOptions.DEFAULT_SHUTDOWN_TIMEOUT.toSeconds();
    for (int i = 0; i < args.size(); i++) {
      String option = args.get(i);
      if (i + 1 >= args.size()) {
        err.println("quiver serve: " + option + " needs a value");
        return null;
      }
      String value = args.get(++i);
      try {
        switch (option) {
          case "--data" -> data = Path.of(value);
          case "--port" -> port = Integer.parseInt(value);
          case "--bind" -> bind = value;
          case "--auth" -> auth = Authentication.valueOf(value.toUpperCase(Locale.ROOT));
          case "--users" -> users = Path.of(value);
          case "--tls-keystore" -> keystore = Path.of(value);
          case "--tls-keystore-type" -> keystoreType = value;
          case "--tls-keystore-password-file" -> passwordFile = Path.of(value);
          case "--max-request-mb" -> maxRequestMb = Long.parseLong(value);
          case "--max-connections" -> maxConnections = Integer.parseInt(value);
          case "--idle-timeout-s" -> idleSeconds = Long.parseLong(value);
          case "--shutdown-timeout-s" -> shutdownSeconds = Long.parseLong(value);
          default -> {
            err.println("quiver serve: unknown option " + option);
            err.print(USAGE);
            return null;
          }
        }
      } catch (IllegalArgumentException e) {
        err.println(
            "quiver serve: "
                + option
                + " "
                + value
                + " is invalid"
                + (option.equals("--auth")
                    ? "; use none, basic or digest"
                    : "; expected a number"));
        return null;
      }
    }
    if (data == null) {
      err.println("quiver serve: --data PATH is required: the database folder to serve");
      err.print(USAGE);
      return null;
    }
    String keystorePassword = null;
    if (keystore != null) {
      keystorePassword =
          passwordFile != null
              ? Files.readString(passwordFile, StandardCharsets.UTF_8).strip()
              : environment.get(KEYSTORE_PASSWORD_VARIABLE);
      if (keystorePassword == null) {
        err.println(
            "quiver serve: --tls-keystore needs the keystore's password: set "
                + KEYSTORE_PASSWORD_VARIABLE
                + " or give --tls-keystore-password-file FILE");
        return null;
      }
    }
    return ServerOptions.defaults("jdbc:quiver:file:" + data)
        .withBind(bind)
        .withPort(port)
        .withAuthentication(auth, users)
        .withTls(keystore, keystorePassword, keystoreType)
        .withMaxRequestBytes(maxRequestMb << 20)
        .withMaxConnections(maxConnections)
        .withIdleTimeout(Duration.ofSeconds(idleSeconds))
        .withShutdownTimeout(Duration.ofSeconds(shutdownSeconds));
  }

  static int run(List<String> args, PrintStream out, PrintStream err)
      throws SQLException, IOException {
    ServerOptions options = options(args, System.getenv(), err);
    if (options == null) {
      return 2;
    }
    QuiverServer server = QuiverServer.start(options, err);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          signal -> {
            err.println("quiver serve: SIG" + name + " received, shutting down");
            new Thread(server::close, "quiver-serve-shutdown").start();
          });
    }
    out.println(
        "Quiver "
            + QuiverVersion.version()
            + " serving "
            + options.databaseUrl().substring("jdbc:quiver:file:".length())
            + " at "
            + server.url()
            + " ("
            + (options.authentication() == Authentication.NONE
                ? "no authentication"
                : options.authentication().name().toLowerCase(Locale.ROOT) + " authentication")
            + (options.tlsKeystore() == null ? ", no TLS" : ", TLS")
            + ")");
    out.println("Connect with " + server.jdbcUrl() + "; stop with Ctrl-C or SIGTERM.");
    out.flush();
    try {
      server.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }
}
