package dev.quiver.jdbc;

import java.sql.Connection;
import java.sql.Statement;

/** What a Quiver {@link Statement} changes: it reports its Quiver connection. */
public class StatementOverrides {
  private final Connection connection;

  StatementOverrides(Connection connection) {
    this.connection = connection;
  }

  static Statement wrap(Statement calcite, Connection connection) {
    return JdbcProxy.create(Statement.class, calcite, new StatementOverrides(connection));
  }

  public Connection getConnection() {
    return connection;
  }
}
