package dev.quiver.storage.catalog.store;

import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.TableDef;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * The engine's catalog: table and index definitions, segments with their persisted deletes, the
 * checkpoint timestamp and the segment id counter.
 *
 * <p>Every mutating method is one atomic transaction: once it returns the change is durable (for a
 * store backed by a file), and a crash leaves either all of it or none of it. Mutations run one at
 * a time; reads may run at any time and see the state after the last completed mutation. A failed
 * mutation changes nothing. Reads return immutable copies.
 *
 * <p>Misuse by the engine (a segment id that was never allocated, a checkpoint moving backwards)
 * throws {@link IllegalArgumentException}; what a user can cause (a duplicate table) throws {@link
 * dev.quiver.storage.QuiverException}.
 */
public interface CatalogStore extends AutoCloseable {

  /**
   * The checkpoint argument of {@link #applySegmentChanges} that leaves the checkpoint as it is.
   */
  long KEEP_CHECKPOINT = -1;

  /**
   * Adds a table.
   *
   * @throws dev.quiver.storage.QuiverException DUPLICATE_OBJECT when a table of that name exists
   */
  void createTable(TableDef table);

  /**
   * Removes a table and, in the same transaction, its indexes, and marks its segments DROPPED so
   * that their files can be collected.
   *
   * @throws dev.quiver.storage.QuiverException TABLE_NOT_FOUND when there is no such table
   */
  void dropTable(String table);

  /**
   * Adds a vector index.
   *
   * @throws dev.quiver.storage.QuiverException DUPLICATE_OBJECT when an index of that name exists,
   *     TABLE_NOT_FOUND when its table does not, COLUMN_NOT_FOUND when the table lacks its column
   */
  void createIndex(IndexDef index);

  /**
   * Removes an index.
   *
   * @throws dev.quiver.storage.QuiverException INDEX_NOT_FOUND when there is no such index
   */
  void dropIndex(String index);

  /**
   * Adds a segment or replaces the entry of the segment with its id.
   *
   * @throws dev.quiver.storage.QuiverException TABLE_NOT_FOUND when the segment is not DROPPED and
   *     its table does not exist
   * @throws IllegalArgumentException when its id was never allocated, it moves to another table or
   *     it leaves the DROPPED state
   */
  void putSegment(SegmentMeta segment);

  /**
   * Applies a checkpoint or a compaction swap in one transaction: segment entries added or
   * replaced, delete records merged, and the checkpoint timestamp moved forward. A flush, for
   * example, is its segment turning FLUSHED or INDEXED, the deletes of sealed segments, and the new
   * checkpoint; a compaction is its new segment plus its inputs turning DROPPED.
   *
   * @param upserts segment entries, checked as by {@link #putSegment}; at most one per id
   * @param deletes per segment id, row id to delete timestamp, merged as by {@link #putDeletes};
   *     each segment must exist or be among the upserts
   * @param checkpointTs the new checkpoint, not below the current one, or {@link #KEEP_CHECKPOINT}
   */
  void applySegmentChanges(
      List<SegmentMeta> upserts, Map<Long, Map<Long, Long>> deletes, long checkpointTs);

  /** {@link #applySegmentChanges(List, Map, long)} without delete records. */
  default void applySegmentChanges(List<SegmentMeta> upserts, long checkpointTs) {
    applySegmentChanges(upserts, Map.of(), checkpointTs);
  }

  /**
   * Records a checkpoint in one transaction: the catalog's tables and indexes become exactly the
   * given ones (as of the checkpoint's cut), segment entries are added or replaced, delete records
   * merged, and the checkpoint timestamp moved forward. A crash leaves the catalog before or after
   * all of it.
   *
   * @param tables every table at the cut
   * @param indexes every index at the cut, each on one of {@code tables}
   * @param upserts segment entries, checked as by {@link #putSegment} against {@code tables}
   * @param deletes per segment id, row id to delete timestamp
   * @param checkpointTs the new checkpoint, not below the current one
   */
  void applyCheckpoint(
      Collection<TableDef> tables,
      Collection<IndexDef> indexes,
      List<SegmentMeta> upserts,
      Map<Long, Map<Long, Long>> deletes,
      long checkpointTs);

  /**
   * Segment changes, their delete records and a compaction job's progress in one transaction: the
   * swap of a compaction plan and the job's count of plans done become durable together.
   */
  void applySegmentChanges(
      List<SegmentMeta> upserts, Map<Long, Map<Long, Long>> deletes, CompactionMeta job);

  /**
   * Records a compaction job's state, dropping the oldest finished jobs beyond {@link
   * #COMPACTIONS_KEPT}.
   */
  void putCompaction(CompactionMeta job);

  /** How many compaction jobs the catalog remembers. */
  int COMPACTIONS_KEPT = 1000;

  /** The compaction jobs remembered, oldest first. */
  List<CompactionMeta> compactions();

  /**
   * Removes a DROPPED segment and its delete records, once its files are gone.
   *
   * @return whether there was such a segment
   * @throws IllegalArgumentException when the segment is not DROPPED
   */
  boolean removeSegment(long segmentId);

  /**
   * Merges delete records into a segment's: a row deleted twice keeps the earlier timestamp, which
   * is the one visibility depends on.
   *
   * @throws IllegalArgumentException when there is no such segment
   */
  void putDeletes(long segmentId, Map<Long, Long> rowIdToDeleteTs);

  /** Allocates a segment id, durably: no id is ever handed out twice. Ids start at 1. */
  long nextSegmentId();

  /** The tables by name. */
  Map<String, TableDef> tables();

  /** The indexes by name. */
  Map<String, IndexDef> indexes();

  /** Every segment, in id order. */
  List<SegmentMeta> segments();

  /** A table's segments in id order, DROPPED ones included (those of dropped tables too). */
  List<SegmentMeta> segments(String table);

  /** A segment's entry. */
  Optional<SegmentMeta> segment(long segmentId);

  /** A segment's delete records, row id to delete timestamp; empty for an unknown segment. */
  NavigableMap<Long, Long> deletes(long segmentId);

  /**
   * The checkpoint timestamp: every write at or below it is in flushed segments or in this catalog,
   * so the WAL below it may be truncated. 0 before the first checkpoint.
   */
  long checkpointTs();

  /** Closes the store; further calls fail with ENGINE_CLOSED. Closing twice is harmless. */
  @Override
  void close();
}
