package dev.quiver.server;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.jdbc.JdbcMeta;

/**
 * Avatica's {@link JdbcMeta} over Quiver's embedded driver: each remote connection owns one
 * embedded connection (so SET statements, consistency level and prepared statements are per remote
 * connection, as they are embedded). Connections and statements idle for longer than the idle
 * timeout are closed.
 *
 * <p>The connection cache's size bound is set out of reach: Guava would evict (close) live
 * connections well before reaching it, and the limit on connections is enforced, with an error, by
 * {@link MetaGuard}.
 */
final class QuiverMeta extends JdbcMeta {
  QuiverMeta(String databaseUrl, Duration idleTimeout) throws SQLException {
    super(databaseUrl, cacheSettings(idleTimeout));
  }

  private static Properties cacheSettings(Duration idleTimeout) {
    String seconds = Long.toString(Math.max(1, idleTimeout.toSeconds()));
    String unbounded = Long.toString(Integer.MAX_VALUE);
    Properties p = new Properties();
    p.setProperty(ConnectionCacheSettings.MAX_CAPACITY.key(), unbounded);
    p.setProperty(ConnectionCacheSettings.EXPIRY_DURATION.key(), seconds);
    p.setProperty(ConnectionCacheSettings.EXPIRY_UNIT.key(), TimeUnit.SECONDS.name());
    p.setProperty(StatementCacheSettings.MAX_CAPACITY.key(), unbounded);
    p.setProperty(StatementCacheSettings.EXPIRY_DURATION.key(), seconds);
    p.setProperty(StatementCacheSettings.EXPIRY_UNIT.key(), TimeUnit.SECONDS.name());
    return p;
  }

  /**
   * Marks a connection as used now, so that one whose client only runs prepared statements (which
   * Avatica looks up without their connection) does not expire while busy. False if it is gone.
   */
  boolean touch(String connectionId) {
    return getConnectionCache().getIfPresent(connectionId) != null;
  }

  /** Whether a connection is still open, without marking it as used. */
  boolean isOpen(String connectionId) {
    return getConnectionCache().asMap().containsKey(connectionId);
  }

  /** Whether a statement is still open. */
  boolean hasStatement(int statementId) {
    return getStatementCache().asMap().containsKey(statementId);
  }

  /** Closes what has been idle too long, now rather than at the next cache access. */
  void expireIdle() {
    getStatementCache().cleanUp();
    getConnectionCache().cleanUp();
  }

  /** The number of open remote connections. */
  long openConnections() {
    expireIdle();
    return getConnectionCache().size();
  }

  /** Closes every statement and connection (each embedded connection's close runs). */
  void closeAll() {
    getStatementCache().invalidateAll();
    getConnectionCache().invalidateAll();
    expireIdle();
  }
}
