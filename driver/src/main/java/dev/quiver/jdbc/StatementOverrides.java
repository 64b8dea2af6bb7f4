package dev.quiver.jdbc;

import dev.quiver.sql.QuiverSqlSession;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a Quiver {@link Statement} changes: it reports its Quiver connection, and a batch ({@code
 * executeBatch}) commits as one engine batch, all or nothing, instead of one commit per entry.
 */
public class StatementOverrides {
  private final Statement calcite;
  private final Connection connection;
  private final QuiverSqlSession session;

  StatementOverrides(Statement calcite, Connection connection, QuiverSqlSession session) {
    this.calcite = calcite;
    this.connection = connection;
    this.session = session;
  }

  static Statement wrap(Statement calcite, Connection connection, QuiverSqlSession session) {
    return JdbcProxy.create(
        Statement.class, calcite, new StatementOverrides(calcite, connection, session));
  }

  public Connection getConnection() {
    return connection;
  }

  /**
   * Runs the batch's entries and commits their rows together (one timestamp, one fsync). If an
   * entry or the commit fails, nothing of the batch is applied, and the exception is a {@link
   * BatchUpdateException} with no update counts.
   */
  public int[] executeBatch() throws SQLException {
    try {
      return session.inOneBatch(calcite::executeBatch);
    } catch (SQLException e) {
      throw failedBatch(e);
    }
  }

  /** As {@link #executeBatch()}, with long counts. */
  public long[] executeLargeBatch() throws SQLException {
    try {
      return session.inOneBatch(calcite::executeLargeBatch);
    } catch (SQLException e) {
      throw failedBatch(e);
    }
  }

  private static BatchUpdateException failedBatch(SQLException e) {
    SQLException cause = JdbcProxy.translate(e);
    return new BatchUpdateException(
        "batch not applied: " + cause.getMessage(),
        cause.getSQLState(),
        cause.getErrorCode(),
        new int[0],
        cause);
  }
}
