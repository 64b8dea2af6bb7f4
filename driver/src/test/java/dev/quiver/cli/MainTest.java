package dev.quiver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void unknownCommandPrintsUsageOnStderrAndExitsWithTwo() {
    assertEquals(2, run("frobnicate"));
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertTrue(stderr.contains("unknown command 'frobnicate'"), stderr);
    assertTrue(stderr.contains("Usage: quiver"), stderr);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsUsageListingTheCommandsOnStdout() {
    for (String help : new String[] {"help", "--help", "-h"}) {
      out.reset();
      assertEquals(0, run(help));
      String stdout = out.toString(StandardCharsets.UTF_8);
      for (String command : new String[] {"shell", "demo", "serve", "users", "version", "help"}) {
        assertTrue(stdout.contains("  " + command), help + " lacks " + command + ":\n" + stdout);
      }
    }
  }

  @Test
  void noArgumentsMeansHelp() {
    assertEquals(0, run());
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: quiver"));
  }

  @Test
  void versionNamesQuiverAndTheJavaRuntime() {
    assertEquals(0, run("version"));
    String stdout = out.toString(StandardCharsets.UTF_8);
    assertTrue(stdout.startsWith("Quiver "), stdout);
    assertTrue(stdout.contains("Java " + Runtime.version().feature()), stdout);
  }

  @Test
  void demoWithTwoArgumentsIsAUsageError() {
    assertEquals(2, run("demo", "jdbc:quiver:mem:a", "jdbc:quiver:mem:b"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("at most one argument"));
  }

  @Test
  void demoOnAnUnknownUrlFailsWithTheDriverMessage() {
    assertEquals(1, run("demo", "jdbc:nosuchdb:x"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).startsWith("quiver demo: "),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void serveWithoutDataIsAUsageError() {
    assertEquals(2, run("serve", "--port", "9999"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("--data PATH is required"),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void serveOnAllInterfacesWithoutAuthenticationRefusesToStartAndSaysWhy() {
    assertEquals(1, run("serve", "--data", "/nonexistent/never-created", "--bind", "0.0.0.0"));
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertTrue(
        stderr.startsWith(
            "quiver serve: refusing to listen on 0.0.0.0 without authentication and TLS"),
        stderr);
    assertTrue(stderr.contains("(SQLState 28000)"), stderr);
  }

  @Test
  void serveOptionsWithBadValuesAreUsageErrors() {
    assertEquals(2, run("serve", "--data", "x", "--auth", "kerberos"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("use none, basic or digest"));
    err.reset();
    assertEquals(2, run("serve", "--data", "x", "--port", "http"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--port http is invalid"));
    err.reset();
    assertEquals(2, run("serve", "--data", "x", "--tls-keystore", "k.p12"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("QUIVER_TLS_KEYSTORE_PASSWORD"),
        err.toString(StandardCharsets.UTF_8));
  }
}
