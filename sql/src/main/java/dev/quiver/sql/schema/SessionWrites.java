package dev.quiver.sql.schema;

import dev.quiver.storage.Engine;
import dev.quiver.storage.Session;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.WriteBatch;
import dev.quiver.storage.table.WriteResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one connection's statements write: whether a write waits until it is on disk ({@code
 * sync=commit}) or not ({@code sync=none}), and, while a JDBC batch runs, the rows its INSERT and
 * UPSERT executions collect so that the whole batch commits as one engine batch (one timestamp, one
 * fsync) when {@code executeBatch} finishes. It also holds the connection's {@link SessionSettings}
 * and {@link QuerySnapshots}, and records each write in the connection's engine {@link Session}
 * (read-your-writes). Used by one thread at a time, as a JDBC connection is.
 */
public final class SessionWrites {
  private final boolean durable;
  private final SessionSettings settings;
  private final QuerySnapshots snapshots;
  private final Map<Table, WriteBatch> pending = new LinkedHashMap<>();
  // The thread running the JDBC batch: statements of other threads on the same connection are
  // not collected into it.
  private volatile Thread collector;

  /**
   * The writes of a connection with engine session {@code session}, opened with these connection
   * properties (by lower-case name).
   */
  public SessionWrites(Engine engine, Session session, Map<String, String> properties) {
    this.durable = !"none".equalsIgnoreCase(properties.getOrDefault("sync", "commit"));
    this.settings = new SessionSettings(session, properties);
    this.snapshots = new QuerySnapshots(engine, session);
  }

  /** The connection's {@code SET} values. */
  public SessionSettings settings() {
    return settings;
  }

  /** How the connection's queries choose their snapshot. */
  public QuerySnapshots snapshots() {
    return snapshots;
  }

  /** Commits a batch as the connection writes, and records it as the session's last write. */
  public WriteResult apply(Table table, WriteBatch batch) {
    WriteResult result = table.apply(batch, durable);
    settings.session().wrote(result.timestamp());
    return result;
  }

  /** Starts collecting INSERT and UPSERT rows instead of committing each execution. */
  public void beginBatch() {
    pending.clear();
    collector = Thread.currentThread();
  }

  /** Whether rows of this thread's statements are being collected for a JDBC batch. */
  public boolean collecting() {
    return collector == Thread.currentThread();
  }

  /** The batch collecting rows for a table. */
  public WriteBatch pendingFor(Table table) {
    return pending.computeIfAbsent(table, t -> new WriteBatch());
  }

  /**
   * Commits what was collected, one engine batch per table, and keeps collecting. Called before a
   * statement that must see the collected rows (UPDATE, DELETE) and at the end of the batch.
   */
  public void commitPending() {
    try {
      for (Map.Entry<Table, WriteBatch> e : pending.entrySet()) {
        if (!e.getValue().isEmpty()) {
          apply(e.getKey(), e.getValue());
        }
      }
    } finally {
      pending.clear();
    }
  }

  /** Commits what was collected and stops collecting. */
  public void finishBatch() {
    try {
      commitPending();
    } finally {
      collector = null;
    }
  }

  /** Drops what was collected and stops collecting (the batch failed). */
  public void abortBatch() {
    pending.clear();
    collector = null;
  }
}
