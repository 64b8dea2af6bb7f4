package dev.quiver.storage.catalog.store;

import java.util.Objects;

/**
 * A segment's entry in the catalog: its id, table, state, sizes, the range of insert timestamps it
 * holds and the state of its vector index.
 *
 * @param id the segment's id, from {@link CatalogStore#nextSegmentId()}
 * @param table the name of the table the segment belongs to
 * @param state where the segment is in its life cycle
 * @param rowCount rows written to the segment, deleted ones included
 * @param deletedRows rows of the segment deleted so far
 * @param sizeBytes the size of the segment's files, 0 while it has none
 * @param minTs the smallest insert timestamp of its rows
 * @param maxTs the largest insert timestamp of its rows
 * @param createdAtMillis wall-clock time of creation, milliseconds since 1970
 * @param sealedAtMillis wall-clock time of sealing, 0 while it grows
 * @param indexName the vector index built in the segment, or null
 * @param indexState that index's build state as the engine names it, or null
 */
public record SegmentMeta(
    long id,
    String table,
    SegmentState state,
    long rowCount,
    long deletedRows,
    long sizeBytes,
    long minTs,
    long maxTs,
    long createdAtMillis,
    long sealedAtMillis,
    String indexName,
    String indexState) {

  public SegmentMeta {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(state, "state");
  }

  /** This segment in another state. */
  public SegmentMeta withState(SegmentState newState) {
    return new SegmentMeta(
        id,
        table,
        newState,
        rowCount,
        deletedRows,
        sizeBytes,
        minTs,
        maxTs,
        createdAtMillis,
        sealedAtMillis,
        indexName,
        indexState);
  }
}
