package dev.quiver.jdbc;

import dev.quiver.sql.QuiverSqlSession;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The JDBC driver for {@code jdbc:quiver:} URLs, registered with {@link DriverManager} through
 * {@code META-INF/services/java.sql.Driver}: {@code mem:} and {@code mem:NAME} open an in-memory
 * database, {@code file:PATH} the embedded database in folder PATH, {@code remote:url=URL} a
 * connection to a {@code quiver serve} server.
 */
public final class QuiverDriver implements Driver {
  static {
    try {
      DriverManager.registerDriver(new QuiverDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    QuiverUrl parsed = QuiverUrl.parse(url, info);
    if (parsed == null) {
      return null;
    }
    Backend backend =
        switch (parsed.kind()) {
          case MEMORY ->
              new Backend.Embedded(QuiverSqlSession.memory(parsed.location(), parsed.properties()));
          case FILE ->
              new Backend.Embedded(
                  QuiverSqlSession.file(Path.of(parsed.location()), parsed.properties()));
          case REMOTE -> RemoteConnector.connect(parsed.location(), parsed.properties());
        };
    return ConnectionOverrides.wrap(backend, url, parsed.properties());
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(QuiverUrl.PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return QuiverUrl.KNOWN_PROPERTIES.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(
            e -> {
              DriverPropertyInfo p =
                  new DriverPropertyInfo(
                      e.getKey(), info == null ? null : info.getProperty(e.getKey()));
              p.description = e.getValue();
              return p;
            })
        .toArray(DriverPropertyInfo[]::new);
  }

  @Override
  public int getMajorVersion() {
    return QuiverVersion.major();
  }

  @Override
  public int getMinorVersion() {
    return QuiverVersion.minor();
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("dev.quiver");
  }
}
