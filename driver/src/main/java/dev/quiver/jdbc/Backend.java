package dev.quiver.jdbc;

import dev.quiver.sql.QuiverSqlSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Where a Quiver connection's statements run, and what differs because of it: the embedded engine
 * in this JVM (a Calcite connection over a {@link QuiverSqlSession}) or a {@code quiver serve}
 * server (an Avatica remote connection). The JDBC objects users see are the same for both.
 */
abstract sealed class Backend permits Backend.Embedded, Backend.Remote {
  /** The connection the JDBC objects delegate to. */
  abstract Connection connection();

  /**
   * Binds a vector parameter given as a {@code float[]}, {@code double[]}, list, {@link
   * java.sql.Array} or {@code '[...]'} text; the vector is checked (finite, not empty) and copied.
   */
  abstract void setVector(PreparedStatement statement, int index, Object value) throws SQLException;

  /** Runs a PreparedStatement batch so that it commits as one engine batch. */
  abstract <T> T inOneBatch(QuiverSqlSession.BatchAction<T> batch) throws SQLException;

  /** Closes the connection and what it holds. */
  abstract void close() throws SQLException;

  /** The SQLException a caller sees for a failure. */
  abstract SQLException translate(Throwable failure);

  /**
   * Whether a failure to close an object means that it is already gone: closing a remote
   * connection, statement or result set after the server stopped or dropped the connection
   * succeeds, as it does with other network drivers, since there is nothing left to close.
   */
  boolean goneWithTheServer(SQLException failure) {
    return false;
  }

  /** A vector parameter checked and copied, as the {@code List<Float>} Calcite's code takes. */
  static Object checkedVector(int index, Object value) throws SQLException {
    return QuiverSqlSession.vectorParameter(
        value instanceof List<?> list ? list.toArray() : value, "parameter " + index);
  }

  /** A connection to the embedded engine. */
  static final class Embedded extends Backend {
    private final QuiverSqlSession session;

    Embedded(QuiverSqlSession session) {
      this.session = session;
    }

    @Override
    Connection connection() {
      return session.connection();
    }

    @Override
    void setVector(PreparedStatement statement, int index, Object value) throws SQLException {
      statement.setObject(index, checkedVector(index, value));
    }

    @Override
    <T> T inOneBatch(QuiverSqlSession.BatchAction<T> batch) throws SQLException {
      return session.inOneBatch(batch);
    }

    @Override
    void close() throws SQLException {
      if (!session.connection().isClosed()) {
        session.close();
      }
    }

    @Override
    SQLException translate(Throwable failure) {
      if (failure instanceof SQLException e && e.getSQLState() != null) {
        return e;
      }
      return QuiverSqlSession.translate(failure);
    }
  }

  /**
   * A connection to a server. Vectors travel as Avatica arrays of REAL, which the server's embedded
   * statement reads back as vectors; a batch is one request, which the server commits as one engine
   * batch.
   */
  static final class Remote extends Backend {
    private final Connection avatica;
    private final String serverUrl;

    Remote(Connection avatica, String serverUrl) {
      this.avatica = avatica;
      this.serverUrl = serverUrl;
    }

    @Override
    Connection connection() {
      return avatica;
    }

    @Override
    void setVector(PreparedStatement statement, int index, Object value) throws SQLException {
      Object vector = checkedVector(index, value);
      if (vector == null) {
        statement.setNull(index, Types.ARRAY);
      } else {
        statement.setArray(index, avatica.createArrayOf("REAL", ((List<?>) vector).toArray()));
      }
    }

    @Override
    <T> T inOneBatch(QuiverSqlSession.BatchAction<T> batch) throws SQLException {
      return batch.run();
    }

    @Override
    void close() throws SQLException {
      avatica.close();
    }

    @Override
    SQLException translate(Throwable failure) {
      return RemoteErrors.translate(failure, serverUrl);
    }

    @Override
    boolean goneWithTheServer(SQLException failure) {
      // Class 08: connection exceptions (unreachable, closed by the server, expired); 57P01: the
      // server is shutting down and closes everything itself.
      String state = failure.getSQLState();
      return state != null && (state.startsWith("08") || state.equals("57P01"));
    }
  }
}
