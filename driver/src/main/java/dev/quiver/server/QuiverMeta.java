package dev.quiver.server;

import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.jdbc.JdbcMeta;

/**
 * Avatica's {@link JdbcMeta} over Quiver's embedded driver: each remote connection owns one
 * embedded connection (so SET statements, consistency level and prepared statements are per remote
 * connection, as they are embedded).
 *
 * <p>Avatica's own expiry of idle connections and statements is turned off, and its cache bounds
 * set out of reach: Guava's caches behind them would close a connection or statement in the middle
 * of a long statement (it counts only the start of a request as use) or evict live ones well before
 * the bound. {@link MetaGuard} enforces the connection limit and the idle timeout instead.
 */
final class QuiverMeta extends JdbcMeta {
  QuiverMeta(String databaseUrl) throws SQLException {
    super(databaseUrl, cacheSettings());
  }

  private static Properties cacheSettings() {
    String unbounded = Long.toString(Integer.MAX_VALUE);
    String never = Long.toString(TimeUnit.DAYS.toSeconds(365 * 100));
    Properties p = new Properties();
    p.setProperty(ConnectionCacheSettings.MAX_CAPACITY.key(), unbounded);
    p.setProperty(ConnectionCacheSettings.EXPIRY_DURATION.key(), never);
    p.setProperty(ConnectionCacheSettings.EXPIRY_UNIT.key(), TimeUnit.SECONDS.name());
    p.setProperty(StatementCacheSettings.MAX_CAPACITY.key(), unbounded);
    p.setProperty(StatementCacheSettings.EXPIRY_DURATION.key(), never);
    p.setProperty(StatementCacheSettings.EXPIRY_UNIT.key(), TimeUnit.SECONDS.name());
    return p;
  }

  /** Closes every statement and connection (each embedded connection's close runs). */
  void closeAll() {
    getStatementCache().invalidateAll();
    getConnectionCache().invalidateAll();
    getStatementCache().cleanUp();
    getConnectionCache().cleanUp();
  }
}
