package dev.quiver.storage.catalog.store;

/**
 * A segment's place in its life cycle (SPEC section 4): {@code GROWING → SEALED → FLUSHED → INDEXED
 * → DROPPED}.
 */
public enum SegmentState {
  /** Accepting rows in memory; its rows are covered by the WAL only. */
  GROWING,
  /** Frozen, waiting for the background flusher; still covered by the WAL only. */
  SEALED,
  /** Written as a Lucene directory and synced; its vector index may still be building. */
  FLUSHED,
  /** Flushed with its vector index built. */
  INDEXED,
  /**
   * Replaced by compaction or belonging to a dropped table; its files go once no reader holds it.
   */
  DROPPED
}
