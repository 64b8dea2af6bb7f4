package dev.quiver.jdbc;

import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * What a Quiver {@link PreparedStatement} changes: batches and vector parameters. A batch of INSERT
 * or UPSERT commits as one engine batch (one timestamp, one fsync, all or nothing) rather than one
 * commit per entry; a batch of UPDATE or DELETE commits entry by entry.
 *
 * <p>Vector parameters: A {@code float[]} (or {@code double[]}) is always a vector; for a parameter
 * whose type is VECTOR, text {@code "[...]"}, lists and {@link Array}s are read as vectors too.
 */
public final class PreparedStatementOverrides extends StatementOverrides {
  private final PreparedStatement calcite;
  private final Backend backend;

  private PreparedStatementOverrides(
      PreparedStatement calcite, Connection connection, Backend backend) {
    super(connection);
    this.calcite = calcite;
    this.backend = backend;
  }

  static PreparedStatement wrap(PreparedStatement calcite, Connection connection, Backend backend) {
    return JdbcProxy.create(
        PreparedStatement.class,
        calcite,
        new PreparedStatementOverrides(calcite, connection, backend),
        backend);
  }

  public void setObject(int index, Object value) throws SQLException {
    if (isVectorValue(value)
        || (value != null && isVectorParameter(index) && !(value instanceof Number))) {
      backend.setVector(calcite, index, value);
    } else {
      calcite.setObject(index, value);
    }
  }

  public void setObject(int index, Object value, int targetSqlType) throws SQLException {
    if (value != null && (targetSqlType == Types.ARRAY || isVectorValue(value))) {
      backend.setVector(calcite, index, value);
    } else {
      calcite.setObject(index, value, targetSqlType);
    }
  }

  public void setObject(int index, Object value, int targetSqlType, int scaleOrLength)
      throws SQLException {
    if (value != null && (targetSqlType == Types.ARRAY || isVectorValue(value))) {
      backend.setVector(calcite, index, value);
    } else {
      calcite.setObject(index, value, targetSqlType, scaleOrLength);
    }
  }

  public void setString(int index, String value) throws SQLException {
    if (value != null && isVectorParameter(index)) {
      backend.setVector(calcite, index, value);
    } else {
      calcite.setString(index, value);
    }
  }

  public void setArray(int index, Array value) throws SQLException {
    if (value != null && isVectorParameter(index)) {
      backend.setVector(calcite, index, value);
    } else {
      calcite.setArray(index, value);
    }
  }

  private static boolean isVectorValue(Object value) {
    return value instanceof float[] || value instanceof double[];
  }

  private boolean isVectorParameter(int index) throws SQLException {
    return calcite.getParameterMetaData().getParameterType(index) == Types.ARRAY;
  }

  /**
   * Runs the batch's entries and commits their rows together (one timestamp, one fsync). If an
   * entry or the commit fails, nothing of the batch is applied, and the exception is a {@link
   * BatchUpdateException} with no update counts.
   */
  public int[] executeBatch() throws SQLException {
    try {
      return backend.inOneBatch(calcite::executeBatch);
    } catch (SQLException e) {
      throw failedBatch(e);
    }
  }

  /** As {@link #executeBatch()}, with long counts. */
  public long[] executeLargeBatch() throws SQLException {
    try {
      return backend.inOneBatch(calcite::executeLargeBatch);
    } catch (SQLException e) {
      throw failedBatch(e);
    }
  }

  private BatchUpdateException failedBatch(SQLException e) {
    SQLException cause = backend.translate(e);
    return new BatchUpdateException(
        "batch not applied: " + cause.getMessage(),
        cause.getSQLState(),
        cause.getErrorCode(),
        new int[0],
        cause);
  }
}
