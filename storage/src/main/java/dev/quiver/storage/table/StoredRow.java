package dev.quiver.storage.table;

/**
 * One version of a row: its values, the timestamp of the batch that wrote it, and the timestamp of
 * the batch that deleted or replaced it ({@link Long#MAX_VALUE} while it is live).
 */
final class StoredRow {
  final long rowId;
  final long insertTs;
  final Object[] values;
  volatile long deleteTs = Long.MAX_VALUE;

  StoredRow(long rowId, long insertTs, Object[] values) {
    this.rowId = rowId;
    this.insertTs = insertTs;
    this.values = values;
  }

  boolean visibleAt(long timestamp) {
    return insertTs <= timestamp && deleteTs > timestamp;
  }

  boolean isLive() {
    return deleteTs == Long.MAX_VALUE;
  }
}
