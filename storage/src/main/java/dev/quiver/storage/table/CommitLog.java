package dev.quiver.storage.table;

import dev.quiver.storage.catalog.TableDef;

/**
 * Where a table's committed batches go before they are acknowledged: the engine's write-ahead log,
 * or nowhere for an in-memory database. Appends happen in timestamp order under the commit lock;
 * waiting for the disk does not.
 */
public interface CommitLog {
  /** A log that keeps nothing (in-memory databases). */
  CommitLog NONE =
      new CommitLog() {
        @Override
        public byte[] encodeWrite(String table, TableDef def, WriteBatch batch) {
          return null;
        }

        @Override
        public long append(long timestamp, byte[] record) {
          return 0;
        }

        @Override
        public void awaitDurable(long token) {}
      };

  /** The log record of a write to a table (done before the commit lock is taken). */
  byte[] encodeWrite(String table, TableDef def, WriteBatch batch);

  /** Appends a record; returns a token for {@link #awaitDurable}. */
  long append(long timestamp, byte[] record);

  /** Returns once the record behind the token is on disk. */
  void awaitDurable(long token);

  /**
   * Told after a record of {@code bytes} bytes was logged and applied, once the commit lock is
   * released: where the engine decides whether to checkpoint in the background.
   */
  default void committed(int bytes) {}
}
