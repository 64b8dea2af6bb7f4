package dev.quiver.storage.catalog.store;

import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.TableDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writes of one catalog transaction, checked against the catalog and ready to be persisted and
 * then published as one unit.
 */
final class CatalogChange {
  /** A {@link #checkpointTs} or {@link #nextSegmentId} that stays as it is. */
  static final long UNCHANGED = -1;

  final List<TableDef> putTables = new ArrayList<>();
  final List<String> removeTables = new ArrayList<>();
  final List<IndexDef> putIndexes = new ArrayList<>();
  final List<String> removeIndexes = new ArrayList<>();
  final List<SegmentMeta> putSegments = new ArrayList<>();
  final List<CompactionMeta> putCompactions = new ArrayList<>();
  final List<Long> removeCompactions = new ArrayList<>();

  /** Segments to remove together with their delete records. */
  final List<Long> removeSegments = new ArrayList<>();

  /** Delete records to merge, by segment id, keeping the earlier timestamp of a row. */
  final Map<Long, Map<Long, Long>> deletes = new TreeMap<>();

  long checkpointTs = UNCHANGED;
  long nextSegmentId = UNCHANGED;
}
