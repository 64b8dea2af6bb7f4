/**
 * Immutable segment folders: each holds one Lucene segment of rows with their row ids, insert
 * timestamps, scalar columns and HNSW-indexed vectors. {@link
 * dev.quiver.index.segment.SegmentWriter} writes a folder once, crash-safely; {@link
 * dev.quiver.index.segment.SegmentReader} reads rows, looks up keys, filters, runs exact and
 * approximate k-NN search under an accept mask, and verifies checksums. The package knows nothing
 * of WALs, tables or SQL.
 */
package dev.quiver.index.segment;
