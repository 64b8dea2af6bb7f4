package dev.quiver.server;

import dev.quiver.jdbc.RemoteErrors;
import dev.quiver.sql.StatementAccess;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.QueryState.StateType;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufMeta;

/**
 * The server's checks around every Avatica call, in front of {@link QuiverMeta}:
 *
 * <ul>
 *   <li>a connection belongs to the user who opened it, and a statement to its connection; a
 *       request naming someone else's is refused (Avatica itself finds statements by number alone,
 *       and numbers are sequential);
 *   <li>a statement runs only if the user's {@link Role} allows its {@link StatementAccess} (42501
 *       otherwise);
 *   <li>no more than {@code --max-connections} connections are open (53300);
 *   <li>a connection or statement without a request for longer than the idle timeout is closed,
 *       never one with a request running;
 *   <li>an error leaves with its SQLState and message ({@link RemoteErrors}): Avatica would send a
 *       wrapped exception's class chain with the state 00000.
 * </ul>
 */
final class MetaGuard implements InvocationHandler {
  /** The user of the HTTP request being handled; null when the server has no authentication. */
  static final ThreadLocal<String> REQUEST_USER = new ThreadLocal<>();

  private static final String ANONYMOUS = "";

  private final QuiverMeta meta;
  private final Map<String, UserAccount> users;
  private final int maxConnections;
  private final long idleNanos;
  private final ConcurrentMap<String, Use> connections = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, Use> statements = new ConcurrentHashMap<>();

  /**
   * The use of one connection or statement: whose it is, whether a request is running on it, and
   * when the last one ended.
   */
  private static final class Use {
    /** The user who opened a connection; the connection id of a statement. */
    final String owner;

    private int running;
    private long lastUsed = System.nanoTime();
    private boolean closed;

    Use(String owner) {
      this.owner = owner;
    }

    /** Marks a request as running; false if the sweeper has already closed it. */
    synchronized boolean begin() {
      if (closed) {
        return false;
      }
      running++;
      return true;
    }

    synchronized void end() {
      running--;
      lastUsed = System.nanoTime();
    }

    /** Marks it closed if no request has run on it for {@code idleNanos}. */
    synchronized boolean closeIfIdle(long now, long idleNanos) {
      if (running == 0 && now - lastUsed > idleNanos) {
        closed = true;
      }
      return closed;
    }
  }

  /**
   * @param users the users by name, or null when the server has no authentication (every client is
   *     then an administrator)
   */
  MetaGuard(QuiverMeta meta, Map<String, UserAccount> users, int maxConnections, Duration idle) {
    this.meta = meta;
    this.users = users;
    this.maxConnections = maxConnections;
    this.idleNanos = idle.toNanos();
  }

  /** The guarded Meta that Avatica's service calls. */
  ProtobufMeta proxy() {
    return (ProtobufMeta)
        Proxy.newProxyInstance(
            MetaGuard.class.getClassLoader(), new Class<?>[] {ProtobufMeta.class}, this);
  }

  /** Closes the connections and statements idle for longer than the idle timeout. */
  void closeIdle() {
    long now = System.nanoTime();
    statements.forEach(
        (id, use) -> {
          if (use.closeIfIdle(now, idleNanos)) {
            closeStatement(new Meta.StatementHandle(use.owner, id, null));
          }
        });
    connections.forEach(
        (id, use) -> {
          if (use.closeIfIdle(now, idleNanos)) {
            closeConnection(id);
          }
        });
  }

  private void closeStatement(Meta.StatementHandle h) {
    statements.remove(h.id);
    try {
      meta.closeStatement(h);
    } catch (RuntimeException e) {
      // Already closed with its connection; nothing left to release.
    }
  }

  private void closeConnection(String connectionId) {
    forget(connectionId);
    try {
      meta.closeConnection(new Meta.ConnectionHandle(connectionId));
    } catch (RuntimeException e) {
      // Its embedded connection failed to close; it is forgotten either way.
    }
  }

  /** Forgets a closed connection and closes its statements. */
  private void forget(String connectionId) {
    connections.remove(connectionId);
    statements.forEach(
        (id, use) -> {
          if (use.owner.equals(connectionId)) {
            closeStatement(new Meta.StatementHandle(connectionId, id, null));
          }
        });
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return method.invoke(this, args);
    }
    String user = REQUEST_USER.get();
    String owner = user == null ? ANONYMOUS : user;
    String name = method.getName();
    Object first = args == null || args.length == 0 ? null : args[0];
    Use connection = null;
    Use statement = null;
    try {
      if (first instanceof Meta.ConnectionHandle ch) {
        if (name.equals("openConnection")) {
          openConnection(ch, owner, method, args);
          return null;
        }
        connection = begin(ch.id, owner);
        if (name.equals("prepare")) {
          authorize(user, (String) args[1]);
        }
      } else if (first instanceof Meta.StatementHandle h) {
        connection = begin(h.connectionId, owner);
        statement = beginStatement(h);
        if (statement == null) {
          // Closed or never created (or closed by the sweeper): Avatica's client re-prepares on
          // NoSuchStatementException; a close has nothing left to do.
          if (List.of(method.getExceptionTypes()).contains(NoSuchStatementException.class)) {
            throw new NoSuchStatementException(h);
          }
          return null;
        }
        authorizeStatementCall(user, name, args);
      }
      Object result = method.invoke(meta, args);
      remember(result);
      if (name.equals("closeConnection")) {
        forget(((Meta.ConnectionHandle) first).id);
      } else if (name.equals("closeStatement")) {
        statements.remove(((Meta.StatementHandle) first).id);
      }
      return result;
    } catch (InvocationTargetException e) {
      throw translate(e.getCause());
    } catch (SQLException e) {
      throw translate(e);
    } finally {
      if (statement != null) {
        statement.end();
      }
      if (connection != null) {
        connection.end();
      }
    }
  }

  private void openConnection(Meta.ConnectionHandle ch, String owner, Method method, Object[] args)
      throws Throwable {
    // One at a time, so that two clients cannot both take the last free connection.
    synchronized (connections) {
      if (connections.size() >= maxConnections) {
        throw new SQLException(
            "the server has "
                + connections.size()
                + " open connections, its limit (quiver serve --max-connections "
                + maxConnections
                + "); close connections you no longer use, or raise the limit",
            ServerErrors.TOO_MANY_CONNECTIONS);
      }
      method.invoke(meta, args);
      connections.put(ch.id, new Use(owner));
    }
  }

  /** The connection a request names, marked as in use; checked to belong to the user. */
  private Use begin(String connectionId, String owner) throws SQLException {
    Use use = connections.get(connectionId);
    if (use == null || !use.owner.equals(owner) || !use.begin()) {
      if (use != null && !use.owner.equals(owner)) {
        throw new SQLException(
            "connection " + connectionId + " belongs to another user",
            ServerErrors.INSUFFICIENT_PRIVILEGE);
      }
      // Closed, expired or never opened: said in Avatica's own terms, which its client knows.
      throw new NoSuchConnectionException(
          "connection "
              + connectionId
              + " is not open on this server: it was closed, or idle for longer than the"
              + " server's idle timeout (quiver serve --idle-timeout-s); open a new connection");
    }
    return use;
  }

  /** The statement a request names, marked as in use, or null if it is not open. */
  private Use beginStatement(Meta.StatementHandle h) throws SQLException {
    Use use = statements.get(h.id);
    if (use == null) {
      return null;
    }
    if (!use.owner.equals(h.connectionId)) {
      throw new SQLException(
          "statement " + h.id + " belongs to another connection",
          ServerErrors.INSUFFICIENT_PRIVILEGE);
    }
    return use.begin() ? use : null;
  }

  /** Checks the SQL that a call on a statement is about to run. */
  private void authorizeStatementCall(String user, String name, Object[] args) throws SQLException {
    switch (name) {
      case "prepareAndExecute" -> authorize(user, (String) args[1]);
      case "prepareAndExecuteBatch" -> {
        for (Object sql : (List<?>) args[1]) {
          authorize(user, (String) sql);
        }
      }
      case "syncResults" -> {
        // A client re-creating a lost result set sends the statement's SQL again.
        QueryState state = (QueryState) args[1];
        if (state.type == StateType.SQL) {
          authorize(user, state.sql);
        }
      }
      default -> {
        // Other calls run a statement prepared (and checked) before, or read metadata.
      }
    }
  }

  private void authorize(String user, String sql) throws SQLException {
    if (users == null) {
      return;
    }
    UserAccount account = users.get(user);
    Role role = account == null ? null : account.role();
    if (role == Role.ADMIN) {
      return;
    }
    StatementAccess.Classified statement = StatementAccess.classify(sql);
    if (role == null || !role.allows(statement.access())) {
      Role needed = Role.leastFor(statement.access());
      throw new SQLException(
          "user "
              + user
              + " (role "
              + (role == null ? "none" : role.label())
              + ") may not run "
              + statement.kind()
              + " statements; that needs the role "
              + needed.label()
              + (needed == Role.ADMIN ? "" : " or admin")
              + " in the server's users file",
          ServerErrors.INSUFFICIENT_PRIVILEGE);
    }
  }

  /** Notes the statements a call created and the connection each belongs to. */
  private void remember(Object result) {
    if (result instanceof Meta.StatementHandle h) {
      statements.put(h.id, new Use(h.connectionId));
    } else if (result instanceof Meta.MetaResultSet rs) {
      statements.put(rs.statementId, new Use(rs.connectionId));
    }
  }

  /**
   * The exception Avatica should send: its own kinds as they are (the client acts on them), an
   * SQLException anywhere in the chain as its state and message.
   */
  static Throwable translate(Throwable failure) {
    if (failure instanceof NoSuchStatementException
        || failure instanceof MissingResultsException
        || failure instanceof NoSuchConnectionException
        || failure instanceof AvaticaRuntimeException
        || failure instanceof Error) {
      return failure;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException e) {
        // The client rebuilds a failed batch's BatchUpdateException around the cause.
        if (e instanceof BatchUpdateException && e.getCause() instanceof SQLException cause) {
          e = cause;
        }
        String state = e.getSQLState() != null ? e.getSQLState() : "XX000";
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        return new RemoteErrors.ServerError(message, state);
      }
    }
    return new RemoteErrors.ServerError("internal error: " + failure, "XX000");
  }
}
