package dev.quiver.storage.catalog.store;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.TableDef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The part of a {@link CatalogStore} every implementation shares: the checks that keep the catalog
 * consistent, the one-writer locking, and the in-memory copy of tables, indexes and segments that
 * reads are served from. An implementation only persists {@link CatalogChange}s and keeps delete
 * records.
 *
 * <p>A mutation holds the write lock while it plans its change against the current state, has it
 * persisted and publishes it, so readers (read lock) never see a change half made and a failed
 * persist leaves the published state as it was.
 */
abstract class AbstractCatalogStore implements CatalogStore {

  /** What an implementation loads when it opens. */
  record Contents(
      Collection<TableDef> tables,
      Collection<IndexDef> indexes,
      Collection<SegmentMeta> segments,
      Collection<CompactionMeta> compactions,
      long checkpointTs,
      long nextSegmentId) {}

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, TableDef> tables = new TreeMap<>();
  private final Map<String, IndexDef> indexes = new TreeMap<>();
  private final NavigableMap<Long, SegmentMeta> segments = new TreeMap<>();
  private final NavigableMap<Long, CompactionMeta> compactions = new TreeMap<>();
  private long checkpointTs;
  private long nextSegmentId;
  private boolean closed;

  AbstractCatalogStore(Contents contents) {
    contents.tables().forEach(t -> tables.put(t.name(), t));
    contents.indexes().forEach(i -> indexes.put(i.name(), i));
    contents.segments().forEach(s -> segments.put(s.id(), s));
    contents.compactions().forEach(c -> compactions.put(c.id(), c));
    checkpointTs = contents.checkpointTs();
    nextSegmentId = contents.nextSegmentId();
  }

  /**
   * Makes a change durable, all of it or none of it. Called with the write lock held, before the
   * change is published; when it throws, the change is not published, and an implementation that
   * cannot tell whether it became durable must refuse every later change.
   */
  abstract void persist(CatalogChange change);

  /** A segment's delete records; called with the read lock held. */
  abstract NavigableMap<Long, Long> readDeletes(long segmentId);

  /** Releases the implementation's resources; called once, with the write lock held. */
  abstract void closeStorage();

  @Override
  public void createTable(TableDef table) {
    mutate(
        change -> {
          if (tables.containsKey(table.name())) {
            throw new QuiverException(
                ErrorCode.DUPLICATE_OBJECT, "table " + table.name() + " already exists");
          }
          change.putTables.add(table);
          return null;
        });
  }

  @Override
  public void dropTable(String table) {
    mutate(
        change -> {
          requireTable(table);
          change.removeTables.add(table);
          for (IndexDef index : indexes.values()) {
            if (index.table().equals(table)) {
              change.removeIndexes.add(index.name());
            }
          }
          for (SegmentMeta segment : segments.values()) {
            if (segment.table().equals(table) && segment.state() != SegmentState.DROPPED) {
              change.putSegments.add(segment.withState(SegmentState.DROPPED));
            }
          }
          return null;
        });
  }

  @Override
  public void createIndex(IndexDef index) {
    mutate(
        change -> {
          if (indexes.containsKey(index.name())) {
            throw new QuiverException(
                ErrorCode.DUPLICATE_OBJECT, "index " + index.name() + " already exists");
          }
          TableDef table = requireTable(index.table());
          if (table.columnIndex(index.column()) < 0) {
            throw new QuiverException(
                ErrorCode.COLUMN_NOT_FOUND,
                "index "
                    + index.name()
                    + " names column "
                    + index.column()
                    + ", which table "
                    + table.name()
                    + " does not have");
          }
          change.putIndexes.add(index);
          return null;
        });
  }

  @Override
  public void dropIndex(String index) {
    mutate(
        change -> {
          if (!indexes.containsKey(index)) {
            throw new QuiverException(
                ErrorCode.INDEX_NOT_FOUND, "index " + index + " does not exist");
          }
          change.removeIndexes.add(index);
          return null;
        });
  }

  @Override
  public void putSegment(SegmentMeta segment) {
    mutate(
        change -> {
          checkSegment(segment);
          change.putSegments.add(segment);
          return null;
        });
  }

  @Override
  public void applySegmentChanges(
      List<SegmentMeta> upserts, Map<Long, Map<Long, Long>> deletes, long checkpointTs) {
    mutate(
        change -> {
          planSegments(change, upserts, deletes);
          if (checkpointTs != KEEP_CHECKPOINT) {
            checkForward(checkpointTs);
            change.checkpointTs = checkpointTs;
          }
          return null;
        });
  }

  @Override
  public void applySegmentChanges(
      List<SegmentMeta> upserts, Map<Long, Map<Long, Long>> deletes, CompactionMeta job) {
    mutate(
        change -> {
          planSegments(change, upserts, deletes);
          planCompaction(change, job);
          return null;
        });
  }

  @Override
  public void putCompaction(CompactionMeta job) {
    mutate(
        change -> {
          planCompaction(change, job);
          return null;
        });
  }

  @Override
  public List<CompactionMeta> compactions() {
    return read(() -> List.copyOf(compactions.values()));
  }

  /** Segment upserts and their delete records, checked, into a change. */
  private void planSegments(
      CatalogChange change, List<SegmentMeta> upserts, Map<Long, Map<Long, Long>> deletes) {
    Set<Long> ids = new HashSet<>();
    for (SegmentMeta segment : upserts) {
      if (!ids.add(segment.id())) {
        throw new IllegalArgumentException(
            "segment " + segment.id() + " appears twice among the upserts");
      }
      checkSegment(segment);
      change.putSegments.add(segment);
    }
    for (Map.Entry<Long, Map<Long, Long>> e : deletes.entrySet()) {
      if (!ids.contains(e.getKey())) {
        requireSegment(e.getKey());
      }
      change.deletes.put(e.getKey(), Map.copyOf(e.getValue()));
    }
  }

  private void planCompaction(CatalogChange change, CompactionMeta job) {
    change.putCompactions.add(job);
    int excess = compactions.size() + (compactions.containsKey(job.id()) ? 0 : 1);
    excess -= COMPACTIONS_KEPT;
    for (CompactionMeta old : compactions.values()) {
      if (excess <= 0) {
        break;
      }
      if (old.finished() && old.id() != job.id()) {
        change.removeCompactions.add(old.id());
        excess--;
      }
    }
  }

  @Override
  public void applyCheckpoint(
      Collection<TableDef> newTables,
      Collection<IndexDef> newIndexes,
      List<SegmentMeta> upserts,
      Map<Long, Map<Long, Long>> deletes,
      long checkpointTs) {
    mutate(
        change -> {
          Map<String, TableDef> tablesAfter = new TreeMap<>();
          newTables.forEach(t -> tablesAfter.put(t.name(), t));
          for (String name : tables.keySet()) {
            if (!tablesAfter.containsKey(name)) {
              change.removeTables.add(name);
            }
          }
          for (TableDef table : tablesAfter.values()) {
            if (!table.equals(tables.get(table.name()))) {
              change.putTables.add(table);
            }
          }
          Map<String, IndexDef> indexesAfter = new TreeMap<>();
          newIndexes.forEach(i -> indexesAfter.put(i.name(), i));
          for (String name : indexes.keySet()) {
            if (!indexesAfter.containsKey(name)) {
              change.removeIndexes.add(name);
            }
          }
          for (IndexDef index : indexesAfter.values()) {
            if (!tablesAfter.containsKey(index.table())) {
              throw new IllegalArgumentException(
                  "index " + index.name() + " names table " + index.table() + ", which is absent");
            }
            if (!index.equals(indexes.get(index.name()))) {
              change.putIndexes.add(index);
            }
          }
          Set<Long> ids = new HashSet<>();
          for (SegmentMeta segment : upserts) {
            if (!ids.add(segment.id())) {
              throw new IllegalArgumentException(
                  "segment " + segment.id() + " appears twice among the upserts");
            }
            checkSegment(segment, tablesAfter.keySet());
            change.putSegments.add(segment);
          }
          for (Map.Entry<Long, Map<Long, Long>> e : deletes.entrySet()) {
            if (!ids.contains(e.getKey())) {
              requireSegment(e.getKey());
            }
            change.deletes.put(e.getKey(), Map.copyOf(e.getValue()));
          }
          checkForward(checkpointTs);
          change.checkpointTs = checkpointTs;
          return null;
        });
  }

  private void checkForward(long checkpointTs) {
    if (checkpointTs < this.checkpointTs) {
      throw new IllegalArgumentException(
          "checkpoint "
              + checkpointTs
              + " is below the current checkpoint "
              + this.checkpointTs
              + "; a checkpoint only moves forward");
    }
  }

  @Override
  public boolean removeSegment(long segmentId) {
    return mutate(
        change -> {
          SegmentMeta segment = segments.get(segmentId);
          if (segment == null) {
            return false;
          }
          if (segment.state() != SegmentState.DROPPED) {
            throw new IllegalArgumentException(
                "segment " + segmentId + " is " + segment.state() + "; only a DROPPED one can go");
          }
          change.removeSegments.add(segmentId);
          return true;
        });
  }

  @Override
  public void putDeletes(long segmentId, Map<Long, Long> rowIdToDeleteTs) {
    mutate(
        change -> {
          requireSegment(segmentId);
          change.deletes.put(segmentId, Map.copyOf(rowIdToDeleteTs));
          return null;
        });
  }

  @Override
  public long nextSegmentId() {
    return mutate(
        change -> {
          change.nextSegmentId = nextSegmentId + 1;
          return nextSegmentId;
        });
  }

  @Override
  public Map<String, TableDef> tables() {
    return read(() -> Collections.unmodifiableMap(new TreeMap<>(tables)));
  }

  @Override
  public Map<String, IndexDef> indexes() {
    return read(() -> Collections.unmodifiableMap(new TreeMap<>(indexes)));
  }

  @Override
  public List<SegmentMeta> segments() {
    return read(() -> List.copyOf(segments.values()));
  }

  @Override
  public List<SegmentMeta> segments(String table) {
    return read(
        () -> {
          List<SegmentMeta> result = new ArrayList<>();
          for (SegmentMeta segment : segments.values()) {
            if (segment.table().equals(table)) {
              result.add(segment);
            }
          }
          return List.copyOf(result);
        });
  }

  @Override
  public Optional<SegmentMeta> segment(long segmentId) {
    return read(() -> Optional.ofNullable(segments.get(segmentId)));
  }

  @Override
  public NavigableMap<Long, Long> deletes(long segmentId) {
    return read(() -> Collections.unmodifiableNavigableMap(readDeletes(segmentId)));
  }

  @Override
  public long checkpointTs() {
    return read(() -> checkpointTs);
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        closeStorage();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private <T> T mutate(Function<CatalogChange, T> plan) {
    lock.writeLock().lock();
    try {
      checkOpen();
      CatalogChange change = new CatalogChange();
      T result = plan.apply(change);
      persist(change);
      publish(change);
      return result;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private <T> T read(Supplier<T> reader) {
    lock.readLock().lock();
    try {
      checkOpen();
      return reader.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private void publish(CatalogChange change) {
    change.removeTables.forEach(tables::remove);
    change.putTables.forEach(t -> tables.put(t.name(), t));
    change.removeIndexes.forEach(indexes::remove);
    change.putIndexes.forEach(i -> indexes.put(i.name(), i));
    change.removeSegments.forEach(segments::remove);
    change.putSegments.forEach(s -> segments.put(s.id(), s));
    change.removeCompactions.forEach(compactions::remove);
    change.putCompactions.forEach(c -> compactions.put(c.id(), c));
    if (change.checkpointTs != CatalogChange.UNCHANGED) {
      checkpointTs = change.checkpointTs;
    }
    if (change.nextSegmentId != CatalogChange.UNCHANGED) {
      nextSegmentId = change.nextSegmentId;
    }
  }

  private void checkSegment(SegmentMeta segment) {
    checkSegment(segment, tables.keySet());
  }

  private void checkSegment(SegmentMeta segment, Set<String> tableNames) {
    if (segment.id() < 1 || segment.id() >= nextSegmentId) {
      throw new IllegalArgumentException(
          "segment id " + segment.id() + " was not allocated by nextSegmentId()");
    }
    SegmentMeta existing = segments.get(segment.id());
    if (existing != null && !existing.table().equals(segment.table())) {
      throw new IllegalArgumentException(
          "segment "
              + segment.id()
              + " belongs to table "
              + existing.table()
              + ", not "
              + segment.table());
    }
    if (existing != null
        && existing.state() == SegmentState.DROPPED
        && segment.state() != SegmentState.DROPPED) {
      throw new IllegalArgumentException(
          "segment " + segment.id() + " is DROPPED and cannot become " + segment.state());
    }
    if (segment.state() != SegmentState.DROPPED && !tableNames.contains(segment.table())) {
      throw new QuiverException(
          ErrorCode.TABLE_NOT_FOUND,
          "table " + segment.table() + " of segment " + segment.id() + " does not exist");
    }
  }

  private TableDef requireTable(String name) {
    TableDef table = tables.get(name);
    if (table == null) {
      throw new QuiverException(ErrorCode.TABLE_NOT_FOUND, "table " + name + " does not exist");
    }
    return table;
  }

  private void requireSegment(long segmentId) {
    if (!segments.containsKey(segmentId)) {
      throw new IllegalArgumentException("segment " + segmentId + " is not in the catalog");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new QuiverException(ErrorCode.ENGINE_CLOSED, "the catalog store is closed");
    }
  }
}
