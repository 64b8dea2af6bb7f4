package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.server.QuiverServer;
import dev.quiver.server.ServerOptions;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The self-contained jar as a SQL tool uses it: loaded alone in its own class loader (DBeaver's
 * "add driver file"), it offers the Quiver driver through {@code java.sql.Driver}'s service file,
 * and that driver works embedded and against a server, metadata included.
 */
class DriverJarIT {
  private static final Path JAR = Path.of("target", "quiver.jar");

  private static Driver quiverDriverFromTheJarAlone(URLClassLoader loader) {
    for (Driver driver : ServiceLoader.load(Driver.class, loader)) {
      if (driver.getClass().getName().equals("dev.quiver.jdbc.QuiverDriver")) {
        assertTrue(driver.getClass().getClassLoader() == loader, "loaded from the jar");
        return driver;
      }
    }
    throw new AssertionError(JAR + " does not register dev.quiver.jdbc.QuiverDriver");
  }

  @Test
  void theJarAloneRegistersTheDriverWhichWorksEmbeddedAndRemote() throws Exception {
    assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " was not built");
    try (URLClassLoader loader =
            new URLClassLoader(
                new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        QuiverServer server =
            QuiverServer.start(ServerOptions.defaults("jdbc:quiver:mem:driver-jar").withPort(0))) {
      Driver driver = quiverDriverFromTheJarAlone(loader);
      assertTrue(driver.acceptsURL("jdbc:quiver:remote:url=http://127.0.0.1:8765"));
      for (String url : new String[] {"jdbc:quiver:mem:", server.jdbcUrl()}) {
        try (Connection c = driver.connect(url, new Properties())) {
          assertWorks(c);
        }
      }
    }
  }

  private static void assertWorks(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE docs (id BIGINT PRIMARY KEY, embedding VECTOR(3))");
      s.execute("CREATE INDEX docs_hnsw ON docs USING HNSW (embedding)");
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO docs VALUES (?, ?)")) {
      ps.setLong(1, 1);
      ps.setObject(2, new float[] {0.5f, 0, 1});
      assertEquals(1, ps.executeUpdate());
    }
    try (ResultSet rs = c.createStatement().executeQuery("SELECT embedding FROM docs")) {
      assertTrue(rs.next());
      assertArrayEquals(new float[] {0.5f, 0, 1}, (float[]) rs.getObject(1));
    }
    DatabaseMetaData meta = c.getMetaData();
    assertEquals("Quiver", meta.getDatabaseProductName());
    List<String> found = new ArrayList<>();
    try (ResultSet rs = meta.getTables(null, "public", "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        found.add(rs.getString("TABLE_NAME"));
      }
    }
    try (ResultSet rs = meta.getColumns(null, "public", "docs", "embedding")) {
      assertTrue(rs.next());
      found.add(rs.getString("TYPE_NAME"));
    }
    try (ResultSet rs = meta.getIndexInfo(null, "public", "docs", false, true)) {
      while (rs.next()) {
        found.add(rs.getString("INDEX_NAME"));
      }
    }
    assertEquals(List.of("docs", "VECTOR(3)", "docs_pkey", "docs_hnsw"), found);
  }
}
