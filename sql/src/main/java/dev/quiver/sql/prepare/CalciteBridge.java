package dev.quiver.sql.prepare;

import dev.quiver.sql.type.QuiverTypeFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.jdbc.CalciteFactory;
import org.apache.calcite.jdbc.Driver;

/**
 * Calcite's JDBC driver configured for Quiver: each connection gets Quiver's statement preparation
 * and its own {@link QuiverTypeFactory}. It is not registered with {@code DriverManager}; Quiver's
 * {@code jdbc:quiver:} driver opens connections through it.
 */
public final class CalciteBridge extends Driver {
  private static final String PREFIX = "jdbc:quiver-calcite:";

  public CalciteBridge() {
    super(QuiverPrepare::new);
  }

  @Override
  protected String getConnectStringPrefix() {
    return PREFIX;
  }

  /** Opens a Calcite connection with the given Calcite connection properties. */
  public Connection open(Properties properties) throws SQLException {
    AvaticaConnection connection =
        ((CalciteFactory) factory)
            .newConnection(this, factory, PREFIX, properties, null, new QuiverTypeFactory());
    handler.onConnectionInit(connection);
    return connection;
  }
}
