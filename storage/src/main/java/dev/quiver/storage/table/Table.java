package dev.quiver.storage.table;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.vector.Vectors;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The rows of one table, multi-versioned: every row version carries the timestamp of the batch that
 * wrote it and of the batch that deleted it, so a reader at a {@link Snapshot} sees exactly the
 * batches committed before it, without locks, while writers go on.
 *
 * <p>This is the engine's in-memory row store; segments on disk replace it (issue 3) behind the
 * same methods. Rows returned by scans and searches are the stored arrays: callers must not modify
 * them.
 */
public final class Table {
  private final TableDef def;
  private final Timeline timeline;
  private final CommitLog log;
  private final RowLog rows = new RowLog();
  // Guarded by the timeline's commit lock, which every writer holds.
  private final Map<Object, StoredRow> liveByKey = new HashMap<>();
  private long nextRowId;
  private volatile boolean dropped;

  /** A table of an in-memory database: nothing is logged. */
  public Table(TableDef def, Timeline timeline) {
    this(def, timeline, CommitLog.NONE);
  }

  /** A table whose batches go to a log before they are acknowledged. */
  public Table(TableDef def, Timeline timeline, CommitLog log) {
    this.def = def;
    this.timeline = timeline;
    this.log = log;
  }

  public TableDef def() {
    return def;
  }

  public String name() {
    return def.name();
  }

  /** Marks the table dropped: later writes fail, running reads finish on their snapshot. */
  public void markDropped() {
    dropped = true;
  }

  /**
   * Commits a batch atomically: every row is checked (types, NOT NULL, vector dimension and
   * finiteness, duplicate keys) before anything is applied, and the whole batch becomes visible at
   * one timestamp.
   */
  public WriteResult apply(WriteBatch batch) {
    return apply(batch, true);
  }

  /**
   * Commits a batch as {@link #apply(WriteBatch)} does; with {@code durable} false the call returns
   * without waiting for the log to reach the disk (the {@code sync=none} connection property: fast,
   * and a crash may lose the batch).
   */
  public WriteResult apply(WriteBatch batch, boolean durable) {
    checkNotDropped();
    WriteBatch conformed = conform(batch);
    byte[] record = log.encodeWrite(name(), def, conformed);
    Timeline.Committed<Resolution> committed =
        timeline.commit(
            log,
            record,
            durable,
            () -> {
              // Again under the commit lock: DROP TABLE commits under it too, and a write logged
              // after the drop would name a table that recovery no longer has.
              checkNotDropped();
              return resolve(conformed);
            },
            this::install);
    Resolution resolution = committed.checked();
    return new WriteResult(committed.timestamp(), resolution.appended.size(), resolution.deleted);
  }

  private void checkNotDropped() {
    if (dropped) {
      throw new QuiverException(ErrorCode.TABLE_NOT_FOUND, "table " + name() + " was dropped");
    }
  }

  /**
   * Applies a batch read back from the log at its original timestamp, as recovery does. The batch
   * was checked when it was first committed against the same state, so it applies the same way.
   */
  public void replay(WriteBatch batch, long timestamp) {
    Timeline.Commit commit = timeline.beginAt(timestamp);
    try {
      install(resolve(batch), timestamp);
    } catch (RuntimeException e) {
      commit.abort();
      throw e;
    }
    commit.complete();
  }

  /** What a batch does to the stored rows: versions it ends and rows it appends. */
  private record Resolution(Set<StoredRow> removed, List<Object[]> appended, long deleted) {}

  /** Works out a batch's effect against the current rows; changes nothing. Under commit lock. */
  private Resolution resolve(WriteBatch batch) {
    Set<StoredRow> removed = Collections.newSetFromMap(new IdentityHashMap<>());
    RowMatcher matcher = new RowMatcher(removed);
    long deleted = 0;
    for (Object[] old : batch.deletes()) {
      if (matcher.remove(old)) {
        deleted++;
      }
    }
    List<Object[]> appended =
        new ArrayList<>(batch.inserts().size() + batch.upserts().size() + batch.updates().size());
    for (Object[][] update : batch.updates()) {
      if (matcher.remove(update[0])) {
        deleted++;
        appended.add(update[1]);
      }
    }
    // Keys written by this batch, to find duplicates within it; position in `appended`.
    Map<Object, Integer> batchKeys = new HashMap<>();
    if (def.hasPrimaryKey()) {
      for (int i = 0; i < appended.size(); i++) {
        checkNewKey(appended.get(i), removed, batchKeys, i);
      }
      for (Object[] row : batch.inserts()) {
        checkNewKey(row, removed, batchKeys, appended.size());
        appended.add(row);
      }
      for (Object[] row : batch.upserts()) {
        Object key = row[def.primaryKey()];
        Integer earlier = batchKeys.get(key);
        if (earlier != null) {
          appended.set(earlier, row);
          continue;
        }
        StoredRow existing = liveByKey.get(key);
        if (existing != null) {
          removed.add(existing);
        }
        batchKeys.put(key, appended.size());
        appended.add(row);
      }
    } else {
      appended.addAll(batch.inserts());
      appended.addAll(batch.upserts());
    }
    return new Resolution(removed, appended, deleted);
  }

  /** Applies a resolved batch in memory at its timestamp. Under commit lock. */
  private void install(Resolution resolution, long ts) {
    for (StoredRow row : resolution.removed) {
      row.deleteTs = ts;
      if (def.hasPrimaryKey()) {
        liveByKey.remove(row.values[def.primaryKey()], row);
      }
    }
    for (Object[] values : resolution.appended) {
      StoredRow row = new StoredRow(nextRowId++, ts, values);
      rows.append(row);
      if (def.hasPrimaryKey()) {
        liveByKey.put(values[def.primaryKey()], row);
      }
    }
  }

  /** The rows visible at a snapshot that pass a filter, in insertion order. */
  public Iterator<Object[]> scan(Snapshot snapshot, Predicate filter) {
    long t = snapshot.timestamp();
    int end = rows.size();
    return new Iterator<>() {
      private int next = 0;
      private Object[] pending = advance();

      private Object[] advance() {
        while (next < end) {
          StoredRow row = rows.get(next++);
          if (row.visibleAt(t) && filter.test(row.values)) {
            return row.values;
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return pending != null;
      }

      @Override
      public Object[] next() {
        if (pending == null) {
          throw new NoSuchElementException();
        }
        Object[] result = pending;
        pending = advance();
        return result;
      }
    };
  }

  /** The number of rows visible at a snapshot. */
  public long rowCount(Snapshot snapshot) {
    long count = 0;
    for (Iterator<Object[]> it = scan(snapshot, Predicate.ALWAYS); it.hasNext(); it.next()) {
      count++;
    }
    return count;
  }

  /**
   * The k rows nearest to the query among those visible at the snapshot that pass the filter,
   * nearest first; rows whose vector is NULL are skipped. Exact: every candidate is compared.
   */
  public List<SearchHit> search(Snapshot snapshot, VectorSearch request) {
    ColumnDef column = def.column(request.column());
    if (column.type() != ColumnType.VECTOR) {
      throw new QuiverException(
          ErrorCode.INVALID_VALUE, "column " + column.name() + " is not a VECTOR column");
    }
    Vectors.checkDimension(
        request.query(), column.dimension(), "search on column " + column.name());
    Vectors.checkFinite(request.query(), "search on column " + column.name());
    if (request.k() <= 0) {
      return List.of();
    }
    // Nearness as one number where smaller is nearer; NaN (a zero vector under cosine) is farthest.
    boolean higher = request.metric().higherIsCloser();
    Comparator<SearchHit> nearestFirst =
        Comparator.comparingDouble((SearchHit h) -> rank(h.distance(), higher));
    // k may be far above the row count (LIMIT 2147483647): let the heap grow rather than size it.
    int capacity = Math.min(request.k(), 1024) + 1;
    PriorityQueue<SearchHit> heap = new PriorityQueue<>(capacity, nearestFirst.reversed());
    for (Iterator<Object[]> it = scan(snapshot, request.filter()); it.hasNext(); ) {
      Object[] row = it.next();
      float[] vector = (float[]) row[request.column()];
      if (vector == null) {
        continue;
      }
      SearchHit hit = new SearchHit(row, request.metric().distance(request.query(), vector));
      if (heap.size() < request.k()) {
        heap.add(hit);
      } else if (nearestFirst.compare(hit, heap.peek()) < 0) {
        heap.poll();
        heap.add(hit);
      }
    }
    List<SearchHit> result = new ArrayList<>(heap);
    result.sort(nearestFirst);
    return result;
  }

  private static double rank(double distance, boolean higherIsCloser) {
    if (Double.isNaN(distance)) {
      return Double.POSITIVE_INFINITY;
    }
    return higherIsCloser ? -distance : distance;
  }

  /**
   * Adds a row recovered from a checkpoint with its original timestamp (used while opening only).
   */
  public void restore(Object[] values, long insertTs) {
    // Not checked again: the values were checked when first written, and the file they come from
    // passed its checksum. Checking would copy every vector of the database on each open.
    StoredRow row = new StoredRow(nextRowId++, insertTs, values);
    rows.append(row);
    if (def.hasPrimaryKey()) {
      liveByKey.put(row.values[def.primaryKey()], row);
    }
  }

  /** Visits every row visible at a snapshot with its insert timestamp (for persistence). */
  public void forEachVisible(Snapshot snapshot, RowVisitor visitor) {
    long t = snapshot.timestamp();
    int end = rows.size();
    for (int i = 0; i < end; i++) {
      StoredRow row = rows.get(i);
      if (row.visibleAt(t)) {
        visitor.visit(row.values, row.insertTs);
      }
    }
  }

  /** A callback over stored rows. */
  @FunctionalInterface
  public interface RowVisitor {
    void visit(Object[] values, long insertTs);
  }

  private void checkNewKey(
      Object[] row, Set<StoredRow> removed, Map<Object, Integer> batchKeys, int position) {
    Object key = row[def.primaryKey()];
    StoredRow existing = liveByKey.get(key);
    if ((existing != null && !removed.contains(existing)) || batchKeys.containsKey(key)) {
      throw new QuiverException(
          ErrorCode.DUPLICATE_KEY,
          "duplicate key value violates primary key of table "
              + name()
              + ": "
              + def.column(def.primaryKey()).name()
              + " = "
              + Values.literal(key)
              + " already exists; use UPSERT INTO to replace the row");
    }
    batchKeys.put(key, position);
  }

  private WriteBatch conform(WriteBatch batch) {
    WriteBatch out = new WriteBatch();
    batch.deletes().forEach(row -> out.delete(conform(row)));
    batch.inserts().forEach(row -> out.insert(conform(row)));
    batch.upserts().forEach(row -> out.upsert(conform(row)));
    batch.updates().forEach(u -> out.update(conform(u[0]), conform(u[1])));
    return out;
  }

  private Object[] conform(Object[] row) {
    List<ColumnDef> columns = def.columns();
    if (row.length != columns.size()) {
      throw new QuiverException(
          ErrorCode.INVALID_VALUE,
          "table " + name() + " has " + columns.size() + " columns but the row has " + row.length);
    }
    Object[] out = new Object[row.length];
    for (int i = 0; i < row.length; i++) {
      out[i] = Values.conform(columns.get(i), row[i]);
    }
    return out;
  }

  /**
   * Finds the stored row a delete or update refers to: by primary key, or for a table without one
   * by equal values, one stored row per request so that deleting k equal rows removes exactly k.
   */
  private final class RowMatcher {
    private final Set<StoredRow> removed;
    private Map<RowValues, ArrayDeque<StoredRow>> liveByValue;

    RowMatcher(Set<StoredRow> removed) {
      this.removed = removed;
    }

    boolean remove(Object[] oldRow) {
      StoredRow row;
      if (def.hasPrimaryKey()) {
        row = liveByKey.get(oldRow[def.primaryKey()]);
        if (row != null
            && !removed.contains(row)
            && !new RowValues(row.values).equals(new RowValues(oldRow))) {
          // The statement read an older version of this row; writing over the newer one would
          // lose another statement's change.
          throw new QuiverException(
              ErrorCode.SERIALIZATION_FAILURE,
              "the row with "
                  + def.column(def.primaryKey()).name()
                  + " = "
                  + Values.literal(oldRow[def.primaryKey()])
                  + " of table "
                  + name()
                  + " was changed by another statement after this one read it; retry the"
                  + " statement");
        }
      } else {
        ArrayDeque<StoredRow> candidates = byValue().get(new RowValues(oldRow));
        row = candidates == null ? null : candidates.poll();
      }
      if (row == null || removed.contains(row)) {
        return false;
      }
      removed.add(row);
      return true;
    }

    private Map<RowValues, ArrayDeque<StoredRow>> byValue() {
      if (liveByValue == null) {
        liveByValue = new LinkedHashMap<>();
        int end = rows.size();
        for (int i = 0; i < end; i++) {
          StoredRow row = rows.get(i);
          if (row.isLive()) {
            liveByValue
                .computeIfAbsent(new RowValues(row.values), v -> new ArrayDeque<>())
                .add(row);
          }
        }
      }
      return liveByValue;
    }
  }

  /** Row values with deep equality, so rows holding vectors compare by content. */
  private record RowValues(Object[] values) {
    @Override
    public boolean equals(Object o) {
      return o instanceof RowValues other && Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.deepHashCode(values);
    }
  }
}
