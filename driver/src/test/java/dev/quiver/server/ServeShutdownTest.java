package dev.quiver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quiver serve} in its own process, stopped with SIGTERM while a request is running: the
 * request completes and is acknowledged, new ones are refused, the database is flushed and closed,
 * the process exits 0, and the folder opens again with every acknowledged row.
 */
class ServeShutdownTest {
  private static final Pattern URL = Pattern.compile("Connect with (jdbc:quiver:remote:url=\\S+);");

  @TempDir Path folder;

  @Test
  void sigtermFinishesTheRunningRequestThenFlushesAndClosesTheDatabase() throws Exception {
    Path data = folder.resolve("db");
    Path out = folder.resolve("serve.out");
    Path err = folder.resolve("serve.err");
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(
        List.of(
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.quiver.cli.Main",
            "serve",
            "--data",
            data.toString(),
            "--port",
            "0"));
    Process server =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      String url = awaitUrl(server, out, err);
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v VECTOR(2))");
        StringBuilder rows = new StringBuilder("INSERT INTO t VALUES (0, '[0, 1]')");
        for (int i = 1; i < 100; i++) {
          rows.append(", (").append(i).append(", '[").append(i).append(", 1]')");
        }
        assertEquals(100, s.executeUpdate(rows.toString()));
        try (SlowRequest running =
            new SlowRequest(
                url.substring("jdbc:quiver:remote:url=".length()),
                new Service.PrepareAndExecuteRequest(
                    c.unwrap(AvaticaConnection.class).handle.id,
                    s.unwrap(AvaticaStatement.class).handle.id,
                    "INSERT INTO t VALUES (1000, '[1000, 1]')",
                    -1))) {
          // Jetty hands a request to the handler once its headers are in; give it the time.
          Thread.sleep(300);
          server.destroy();
          waitFor(err, "shutting down; waiting up to 30 s for 1 running request(s)", server);
          SQLException refused =
              assertThrows(
                  SQLException.class,
                  () -> s.executeQuery("SELECT COUNT(*) FROM t").next(),
                  "a new request while draining");
          assertEquals("57P01", refused.getSQLState(), refused.getMessage());
          assertTrue(server.isAlive(), "the server waits for the running request");
          Service.ExecuteResponse response = (Service.ExecuteResponse) running.finish();
          assertEquals(1, response.results.get(0).updateCount, "the running INSERT completed");
        }
      }
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stopped");
      assertEquals(0, server.exitValue(), Files.readString(err));
      String log = Files.readString(err);
      assertTrue(log.contains("quiver serve: flushed"), log);
      assertTrue(log.contains("quiver serve: stopped; the database is closed"), log);
    } finally {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    try (Connection c = DriverManager.getConnection("jdbc:quiver:file:" + data);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(id) FROM t")) {
        assertTrue(rs.next());
        assertEquals(101, rs.getLong(1));
        assertEquals(1000, rs.getInt(2));
      }
      try (ResultSet rs =
          s.executeQuery("SELECT SUM(row_count) FROM sys.segments WHERE state <> 'GROWING'")) {
        assertTrue(rs.next());
        assertEquals(101, rs.getLong(1), "the shutdown flushed every row into a segment");
      }
    }
  }

  private static String awaitUrl(Process server, Path out, Path err)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && server.isAlive()) {
      Matcher m = URL.matcher(Files.readString(out));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "quiver serve did not start: " + Files.readString(out) + Files.readString(err));
  }

  private static void waitFor(Path log, String text, Process server)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(log).contains(text)) {
      if (System.nanoTime() > deadline || !server.isAlive()) {
        throw new AssertionError("no '" + text + "' in the server's log: " + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }
}
