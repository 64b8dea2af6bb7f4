package dev.quiver.cli;

import dev.quiver.server.UsersCommand;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import sqlline.SqlLine;
import sqlline.SqlLineOpts;

/**
 * The entry point of {@code quiver.jar}: dispatches the command line's subcommands.
 *
 * <p>The {@code ./quiver} launcher finds a suitable JDK, builds the jar and passes its arguments
 * here unchanged; {@code java -jar quiver.jar ...} works the same way.
 */
public final class Main {

  /** The database {@code quiver shell} opens when given no URL. */
  public static final String DEFAULT_SHELL_URL = "jdbc:quiver:file:./quiver-data";

  static final String DRIVER_CLASS = "dev.quiver.jdbc.QuiverDriver";

  private static final int SCRIPT_OUTPUT_WIDTH = 10_000;
  private static final String JLINE_DUMB_TERMINAL = "org.jline.terminal.dumb";

  private static final String USAGE =
      """
      Usage: quiver <command> [arguments]

        shell [URL] [sqlline options]  SQL shell on URL (default %s)
        demo [URL]                     load a few hundred short texts and run vector searches
                                       (default %s)
        bench insert [--rows N] [--dims 128,768] [--batches 1,100,1000,5000] [--threads T]
                                       durable JDBC insert rate into a file database
        bench recovery [--rows N] [--dim D] [--batch B] [--index]
                                       log replay and reopen time of a loaded database
        bench query [--rows N] [--dim D] [--queries Q]
                                       prepare and execute time of a top-10 statement
        bench consistency [--rows N] [--dim D] [--rate R] [--batch B] [--queries Q]
                                       top-10 latency per consistency level while a writer
                                       inserts R rows/s
        bench suite [--quick] [--out DIR] [--rows N] [--queries Q]
                                       Quiver against raw Lucene, FAISS and hnswlib, with plots
        bench remote [--rows N] [--dim D] [--seconds S] [--clients 1,4,16]
                                       top-10 latency embedded and through quiver serve, and
                                       remote QPS with 1, 4 and 16 clients
        bench compaction [--rows N] [--dim D] [--rounds R] [--queries Q]
                                       the daily-update scenario: rounds of deleting 30%% and
                                       inserting 10%%, then MINOR, MAJOR and FULL compaction
      %s%s  version                        print the version
        help                           print this message
      """
          .formatted(
              DEFAULT_SHELL_URL, DemoCommand.DEFAULT_URL, ServeCommand.USAGE, UsersCommand.USAGE);

  private Main() {}

  /**
   * Lucene announces its SIMD setup at INFO on first use, which would land in the middle of the
   * shell's or demo's output; the command line shows warnings only. Held in a field because
   * java.util.logging keeps loggers weakly and would drop the level with the logger.
   */
  private static final Logger LUCENE_VECTORIZATION =
      Logger.getLogger("org.apache.lucene.internal.vectorization");

  /**
   * Jetty and Avatica log every start and stop at INFO, and Avatica's client logs a failed
   * connection before the driver reports it in words; the command line says what matters itself.
   */
  private static final List<Logger> SERVER_LOGGERS =
      List.of(
          Logger.getLogger("org.eclipse.jetty"), Logger.getLogger("org.apache.calcite.avatica"));

  /** Runs one command and exits with its status: 0 success, 1 failure, 2 bad usage. */
  public static void main(String[] args) {
    LUCENE_VECTORIZATION.setLevel(Level.WARNING);
    SERVER_LOGGERS.forEach(logger -> logger.setLevel(Level.OFF));
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String command = args.length == 0 ? "help" : args[0];
    List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
    try {
      return switch (command) {
        case "shell" -> shell(rest);
        case "demo" -> demo(rest, out, err);
        case "bench" -> bench(rest, out, err);
        case "serve" -> ServeCommand.run(rest, out, err);
        case "users" -> UsersCommand.run(rest, System.in, interactiveConsole(), out, err);
        case "version", "--version" -> version(out);
        case "help", "--help", "-h" -> {
          out.print(USAGE);
          yield 0;
        }
        default -> {
          err.println("quiver: unknown command '" + command + "'");
          err.print(USAGE);
          yield 2;
        }
      };
    } catch (SQLException e) {
      err.println(
          "quiver " + command + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ")");
      return 1;
    } catch (IOException e) {
      err.println("quiver " + command + ": " + e);
      return 1;
    } catch (IllegalArgumentException e) {
      // A mistyped option or value: the message names it, a stack trace would only hide it.
      err.println("quiver " + command + ": " + e.getMessage());
      return 2;
    }
  }

  private static int bench(List<String> args, PrintStream out, PrintStream err)
      throws SQLException, IOException {
    String benchmark = args.isEmpty() ? "" : args.get(0);
    List<String> options = args.isEmpty() ? args : args.subList(1, args.size());
    return switch (benchmark) {
      case "insert" -> InsertBenchmark.run(options, out);
      case "recovery" -> RecoveryBenchmark.run(options, out);
      case "query" -> QueryBenchmark.run(options, out);
      case "remote" -> RemoteBenchmark.run(options, out);
      case "consistency" -> ConsistencyBenchmark.run(options, out);
      case "compaction" -> CompactionBenchmark.run(options, out);
      default -> {
        err.println(
            "quiver bench: name a benchmark: insert, recovery, query, remote, consistency or"
                + " compaction");
        yield 2;
      }
    };
  }

  private static int shell(List<String> args) throws IOException {
    String url = DEFAULT_SHELL_URL;
    List<String> options = args;
    if (!args.isEmpty() && !args.get(0).startsWith("-")) {
      url = args.get(0);
      options = args.subList(1, args.size());
    }
    // Credentials are not prompted for (embedded databases have none; give -n/-p for a server),
    // and SqlLine's default REPEATABLE_READ is not requested: Quiver's reads follow consistency
    // levels, not JDBC isolation levels.
    List<String> sqllineArgs =
        new ArrayList<>(
            List.of(
                "-u",
                url,
                "-n",
                "",
                "-p",
                "",
                "--connectInteractionMode=notAskCredentials",
                "--isolation=TRANSACTION_NONE"));
    if (url.startsWith("jdbc:quiver:")) {
      sqllineArgs.addAll(List.of("-d", DRIVER_CLASS));
    }
    boolean interactive = isTerminal();
    if (!interactive) {
      // Statements come from a pipe or file: JLine then falls back to a "dumb" terminal of width
      // 0, warning about it, and SqlLine would cut every table to that width.
      System.setProperty(JLINE_DUMB_TERMINAL, "true");
      sqllineArgs.add("--maxWidth=" + SCRIPT_OUTPUT_WIDTH);
    }
    sqllineArgs.addAll(options);
    // Without this property SqlLine calls System.exit itself, before the exit status is known here.
    System.setProperty(SqlLineOpts.PROPERTY_NAME_EXIT, "true");
    SqlLine.Status status = SqlLine.start(sqllineArgs.toArray(String[]::new), null, interactive);
    return status == SqlLine.Status.OK ? 0 : 1;
  }

  private static Console interactiveConsole() {
    return isTerminal() ? System.console() : null;
  }

  private static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // From JDK 22 on, System.console() exists even when redirected; isTerminal() tells them apart.
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  private static int demo(List<String> args, PrintStream out, PrintStream err) throws SQLException {
    if (args.size() > 1) {
      err.println("quiver demo: expected at most one argument, the JDBC URL; got " + args);
      err.print(USAGE);
      return 2;
    }
    String url = args.isEmpty() ? DemoCommand.DEFAULT_URL : args.get(0);
    new DemoCommand(out).run(url);
    return 0;
  }

  private static int version(PrintStream out) {
    String version = Main.class.getPackage().getImplementationVersion();
    String shown = version == null ? "(development build, not run from quiver.jar)" : version;
    out.println(
        "Quiver "
            + shown
            + " on Java "
            + Runtime.version()
            + " ("
            + System.getProperty("java.home")
            + ")");
    return 0;
  }
}
