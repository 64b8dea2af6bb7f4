package dev.quiver.storage;

/**
 * One row of {@code sys.segments}: a sealed segment on disk, or a table's rows in memory (growing,
 * or sealed and waiting for their segment), which have no id yet.
 *
 * @param segmentId the segment's id, null for rows in memory
 * @param table the table's name
 * @param state GROWING, SEALED, FLUSHED or INDEXED
 * @param rowCount rows held, deleted ones included
 * @param deletedRows rows of it deleted so far
 * @param sizeBytes file size on disk, or estimated bytes in memory
 * @param indexName the vector index built in the segment, or null
 * @param indexState BUILT when the index is built, or null
 * @param createdAtMillis when the segment started growing
 * @param sealedAtMillis when it was sealed and written, null while in memory
 */
public record SegmentStatus(
    Long segmentId,
    String table,
    String state,
    long rowCount,
    long deletedRows,
    long sizeBytes,
    String indexName,
    String indexState,
    long createdAtMillis,
    Long sealedAtMillis) {}
