package dev.quiver.sql.schema;

import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.WriteBatch;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one connection's statements write: whether a write waits until it is on disk ({@code
 * sync=commit}) or not ({@code sync=none}), and, while a JDBC batch runs, the rows its INSERT and
 * UPSERT executions collect so that the whole batch commits as one engine batch (one timestamp, one
 * fsync) when {@code executeBatch} finishes; and the connection's {@link SessionSettings}. Used by
 * one thread at a time, as a JDBC connection is.
 */
public final class SessionWrites {
  private final boolean durable;
  private final SessionSettings settings = new SessionSettings();
  private final Map<Table, WriteBatch> pending = new LinkedHashMap<>();
  // The thread running the JDBC batch: statements of other threads on the same connection are
  // not collected into it.
  private volatile Thread collector;

  public SessionWrites(boolean durable) {
    this.durable = durable;
  }

  /** The connection's {@code SET} values. */
  public SessionSettings settings() {
    return settings;
  }

  /** Whether writes wait until they are on disk. */
  public boolean durable() {
    return durable;
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
          e.getKey().apply(e.getValue(), durable);
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
