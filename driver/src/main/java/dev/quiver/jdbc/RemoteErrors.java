package dev.quiver.jdbc;

import dev.quiver.sql.QuiverSqlSession;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.List;
import javax.net.ssl.SSLException;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.Service.ErrorResponse;

/**
 * How an error crosses the wire between {@code quiver serve} and the thin driver, so that a remote
 * caller gets the SQLState and the message an embedded caller gets.
 *
 * <p>Avatica carries an error's state, but its client replaces the server's message by its own in
 * some paths ("while preparing SQL: ...") or prefixes it in others. The server therefore sends its
 * exception as a {@link ServerError}, whose text (which Avatica forwards as the first "server stack
 * trace") starts with a marker, the state and the exact message; the client reads them back from
 * there.
 */
public final class RemoteErrors {
  private static final String MARKER = "QuiverServerError ";

  private RemoteErrors() {}

  /** An error as the server sends it. */
  public static final class ServerError extends AvaticaRuntimeException {
    public ServerError(String message, String sqlState) {
      super(message, 0, sqlState, AvaticaSeverity.ERROR);
    }

    @Override
    public String toString() {
      return MARKER + getSqlState() + " " + getErrorMessage();
    }
  }

  /** The SQLException a thin-driver caller sees for a failure talking to {@code serverUrl}. */
  static SQLException translate(Throwable failure, String serverUrl) {
    // Quiver's own exceptions (a BatchUpdateException around a translated cause, say) are final.
    if (failure instanceof SQLException e
        && e.getSQLState() != null
        && !(failure instanceof AvaticaSqlException)) {
      return e;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AvaticaSqlException e) {
        return fromServer(
            e.getErrorMessage(), e.getSQLState(), e.getErrorCode(), e.getStackTraces(), e);
      }
      if (t instanceof AvaticaClientRuntimeException e) {
        return fromServer(
            e.getMessage(), e.getSqlState(), e.getErrorCode(), e.getServerExceptions(), e);
      }
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException) {
        return new SQLException(
            "cannot reach the Quiver server at "
                + serverUrl
                + " ("
                + t.getMessage()
                + "); is quiver serve running there, and is the address right?",
            "08001",
            failure);
      }
      if (t instanceof SocketException || t instanceof SocketTimeoutException) {
        return new SQLException(
            "the connection to the Quiver server at "
                + serverUrl
                + " broke ("
                + t.getMessage()
                + "); the server may have stopped or the network failed, so a statement sent"
                + " may or may not have run: check before repeating a write",
            "08006",
            failure);
      }
      if (t instanceof SSLException) {
        return new SQLException(
            "TLS with the Quiver server at "
                + serverUrl
                + " failed ("
                + t.getMessage()
                + "); if the server's certificate is self-signed, give it with"
                + " ;truststore=FILE;truststore_password=PASSWORD (see docs/clients.md)",
            "08001",
            failure);
      }
      String message = t.getMessage();
      if (message != null && message.startsWith("Failed to execute HTTP Request")) {
        return httpFailure(message.substring(message.lastIndexOf('/') + 1), serverUrl, failure);
      }
    }
    return QuiverSqlSession.translate(failure);
  }

  private static SQLException httpFailure(String status, String serverUrl, Throwable failure) {
    return switch (status) {
      case "401" ->
          new SQLException(
              "the Quiver server at "
                  + serverUrl
                  + " refused the user name or password (HTTP 401); a server started with"
                  + " --auth digest also needs ;authentication=digest in the URL",
              "28000",
              failure);
      case "403" ->
          new SQLException(
              "the Quiver server at " + serverUrl + " does not let this user in (HTTP 403)",
              "28000",
              failure);
      default ->
          new SQLException(
              "the server at "
                  + serverUrl
                  + " answered HTTP "
                  + status
                  + "; is that the address of a quiver serve server?",
              "08006",
              failure);
    };
  }

  private static SQLException fromServer(
      String message, String sqlState, int code, List<String> serverTraces, Exception cause) {
    if (serverTraces != null && !serverTraces.isEmpty()) {
      String trace = serverTraces.get(0);
      if (trace.startsWith(MARKER)) {
        int stateEnd = trace.indexOf(' ', MARKER.length());
        int messageEnd = trace.indexOf("\tat ");
        String text =
            trace.substring(stateEnd + 1, messageEnd < 0 ? trace.length() : messageEnd).strip();
        return new SQLException(text, trace.substring(MARKER.length(), stateEnd), cause);
      }
    }
    if (code == ErrorResponse.MISSING_CONNECTION_ERROR_CODE) {
      return new SQLException(
          "the server no longer has this connection: it was closed, or idle for longer than the"
              + " server's idle timeout; open a new connection",
          "08003",
          cause);
    }
    if (code == ErrorResponse.UNAUTHORIZED_ERROR_CODE) {
      return new SQLException(message, "28000", cause);
    }
    boolean known = sqlState != null && !sqlState.equals(ErrorResponse.UNKNOWN_SQL_STATE);
    return new SQLException(message, known ? sqlState : "XX000", cause);
  }
}
