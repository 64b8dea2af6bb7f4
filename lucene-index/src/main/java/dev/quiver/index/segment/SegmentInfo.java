package dev.quiver.index.segment;

/**
 * The facts about a written segment that a catalog keeps: its size and the range of its insert
 * timestamps, which lets a snapshot older or newer than the whole segment skip per-row checks.
 *
 * @param rowCount the number of rows, which are the Lucene documents {@code 0..rowCount-1}
 * @param sizeBytes the total size of the segment's files
 * @param minInsertTs the smallest insert timestamp of any row
 * @param maxInsertTs the largest insert timestamp of any row
 */
public record SegmentInfo(int rowCount, long sizeBytes, long minInsertTs, long maxInsertTs) {}
