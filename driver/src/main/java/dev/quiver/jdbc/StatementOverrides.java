package dev.quiver.jdbc;

import java.sql.Connection;
import java.sql.Statement;

/**
 * What a Quiver {@link Statement} changes: it reports its Quiver connection. A batch of SQL strings
 * runs entry by entry, each its own commit, as JDBC drivers usually do; see {@link
 * PreparedStatementOverrides} for batches that commit as one.
 */
public class StatementOverrides {
  private final Connection connection;

  StatementOverrides(Connection connection) {
    this.connection = connection;
  }

  static Statement wrap(Statement calcite, Connection connection, Backend backend) {
    return JdbcProxy.create(Statement.class, calcite, new StatementOverrides(connection), backend);
  }

  public Connection getConnection() {
    return connection;
  }
}
