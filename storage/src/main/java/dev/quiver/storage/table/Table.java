package dev.quiver.storage.table;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.vector.Vectors;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

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
  // Replaced under the commit lock by ALTER TABLE, which changes only options, never the columns.
  private volatile TableDef def;
  private final Timeline timeline;
  private final CommitLog log;
  // Replaced, never changed in place, under the timeline's commit lock, which every writer holds.
  private volatile TableState state;
  private long nextRowId;
  private volatile boolean dropped;
  private volatile Runnable onGrowingFull = () -> {};
  private volatile long maxRows;
  private volatile long maxBytes;
  private volatile long lastWriteMillis;

  /** A table of an in-memory database: nothing is logged. */
  public Table(TableDef def, Timeline timeline) {
    this(def, timeline, CommitLog.NONE);
  }

  /** A table whose batches go to a log before they are acknowledged. */
  public Table(TableDef def, Timeline timeline, CommitLog log) {
    this.def = def;
    this.timeline = timeline;
    this.log = log;
    this.maxRows = def.longOption("segment_max_rows", 100_000);
    this.lastWriteMillis = System.currentTimeMillis();
    this.maxBytes = def.longOption("segment_max_bytes", 512L << 20);
    this.state = new TableState(List.of(), List.of(), new MemRows(def));
  }

  public TableDef def() {
    return def;
  }

  public String name() {
    return def.name();
  }

  /**
   * Replaces the definition with one that differs in its options only (ALTER TABLE), under the
   * commit lock. From the next write, the growing rows are full at the new {@code segment_max_rows}
   * and {@code segment_max_bytes}.
   */
  public void redefine(TableDef altered) {
    if (!altered.name().equals(def.name())
        || !altered.columns().equals(def.columns())
        || altered.primaryKey() != def.primaryKey()) {
      throw new IllegalArgumentException(
          "table " + name() + " can change its options only, not into " + altered);
    }
    maxRows = altered.longOption("segment_max_rows", 100_000);
    maxBytes = altered.longOption("segment_max_bytes", 512L << 20);
    def = altered;
  }

  /**
   * Marks the table dropped: later writes fail, running reads finish on their snapshot. Under the
   * commit lock. Returns the sealed segments, whose files the engine removes later.
   */
  public List<Segment> markDropped() {
    dropped = true;
    TableState current = state;
    // Readers that pin segments from now on find none: the engine lets go of these.
    state = new TableState(List.of(), current.sealing(), current.growing());
    return current.segments();
  }

  /** Whether the table was dropped. */
  public boolean isDropped() {
    return dropped;
  }

  /**
   * Sets what runs after a commit that left the growing rows at or above {@code segment_max_rows}
   * or {@code segment_max_bytes}: the engine seals them in the background.
   */
  public void onGrowingFull(Runnable action) {
    this.onGrowingFull = action;
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
    if (growingFull()) {
      onGrowingFull.run();
    }
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
  private record Resolution(Set<Object> removed, List<Object[]> appended, long deleted) {}

  /** Works out a batch's effect against the current rows; changes nothing. Under commit lock. */
  private Resolution resolve(WriteBatch batch) {
    // StoredRows by identity, SegmentDocs by segment and document.
    Set<Object> removed = new HashSet<>();
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
        Object existing = findLive(key);
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
    TableState current = state;
    for (Object removed : resolution.removed) {
      if (removed instanceof SegmentDoc sd) {
        sd.segment().delete(sd.doc(), ts);
        continue;
      }
      StoredRow row = (StoredRow) removed;
      row.deleteTs = ts;
      if (def.hasPrimaryKey()) {
        Object key = row.values[def.primaryKey()];
        current.growing().liveByKey.remove(key, row);
        for (MemRows sealing : current.sealing()) {
          sealing.liveByKey.remove(key, row);
        }
      }
    }
    MemRows growing = current.growing();
    for (Object[] values : resolution.appended) {
      StoredRow row = new StoredRow(nextRowId++, ts, values);
      growing.append(row, def);
    }
    long now = System.currentTimeMillis();
    growing.lastWriteMillis = now;
    lastWriteMillis = now;
  }

  /**
   * The live row with a key: a {@link StoredRow} in memory or a {@link SegmentDoc}; null if none.
   * Under the commit lock. Memory first, then segments newest first, each behind its Bloom filter.
   */
  private Object findLive(Object key) {
    TableState current = state;
    StoredRow row = current.growing().liveByKey.get(key);
    if (row != null) {
      return row;
    }
    List<MemRows> sealing = current.sealing();
    for (int i = sealing.size() - 1; i >= 0; i--) {
      row = sealing.get(i).liveByKey.get(key);
      if (row != null) {
        return row;
      }
    }
    List<Segment> segments = current.segments();
    for (int i = segments.size() - 1; i >= 0; i--) {
      Segment segment = segments.get(i);
      for (int doc : segment.findKeyDocs(key)) {
        if (segment.isLive(doc)) {
          return new SegmentDoc(segment, doc);
        }
      }
    }
    return null;
  }

  private static Object[] valuesOf(Object live) {
    return live instanceof StoredRow row ? row.values : ((SegmentDoc) live).values();
  }

  /**
   * The rows visible at a snapshot that pass a filter, in insertion order: sealed segments, then
   * rows sealing, then growing rows.
   */
  public RowScan scan(Snapshot snapshot, Predicate filter) {
    long t = snapshot.timestamp();
    Pinned pinned = pin();
    TableState current = pinned.state();
    List<Object> keys = keysOf(filter);
    List<Iterator<Object[]>> parts = new ArrayList<>();
    for (Segment segment : current.segments()) {
      parts.add(keys == null ? segmentScan(segment, t, filter) : keyScan(segment, keys, t, filter));
    }
    for (MemRows sealing : current.sealing()) {
      parts.add(memScan(sealing.rows, t, filter));
    }
    parts.add(memScan(current.growing().rows, t, filter));
    return new PinnedScan(new Concatenation(parts), pinned);
  }

  /**
   * The primary-key values a filter confines rows to, when one of its conjuncts is {@code key = v}
   * or {@code key IN (...)}: segments are then read through their key index instead of row by row,
   * which turns {@code DELETE ... WHERE id = ?} from a scan of the table into a lookup. Null when
   * the filter does not name the key so.
   */
  private List<Object> keysOf(Predicate filter) {
    int key = def.primaryKey();
    if (key < 0) {
      return null;
    }
    List<Predicate> conjuncts =
        filter instanceof Predicate.And and ? and.operands() : List.of(filter);
    for (Predicate conjunct : conjuncts) {
      List<Object> values =
          switch (conjunct) {
            case Predicate.Compare c when c.column() == key && c.op() == Predicate.Op.EQ ->
                Collections.singletonList(c.value());
            case Predicate.In in when in.column() == key -> in.values();
            default -> null;
          };
      if (values != null) {
        List<Object> keys = new ArrayList<>(values.size());
        for (Object value : values) {
          Object k = asKey(def.column(key).type(), value);
          if (k == null) {
            // A value no key can equal (NULL, a fraction for an integer key): nothing to look up.
            continue;
          }
          keys.add(k);
        }
        return keys;
      }
    }
    return null;
  }

  /** A comparison value as the key index holds keys of this type, or null if none can equal it. */
  private static Object asKey(ColumnType type, Object value) {
    return switch (type) {
      case BIGINT, INTEGER -> {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
          yield null;
        }
        long l = n.longValue();
        if (type == ColumnType.INTEGER) {
          yield l < Integer.MIN_VALUE || l > Integer.MAX_VALUE ? null : (Object) (int) l;
        }
        yield l;
      }
      case VARCHAR -> value instanceof String ? value : null;
      default -> null;
    };
  }

  /** The documents of a segment with one of the keys that are visible and pass the filter. */
  private static Iterator<Object[]> keyScan(
      Segment segment, List<Object> keys, long t, Predicate filter) {
    List<Object[]> rows = new ArrayList<>();
    for (Object key : keys) {
      for (int doc : segment.findKeyDocs(key)) {
        if (segment.visibleAt(doc, t)) {
          Object[] row = segment.row(doc);
          if (filter.test(row)) {
            rows.add(row);
          }
        }
      }
    }
    return rows.iterator();
  }

  /**
   * The table's parts with every sealed segment pinned: a segment that compaction replaced after
   * this state was read has been let go of, and the state is read again until every segment it
   * lists could be pinned (replacements publish the new state before letting go of the old).
   */
  private Pinned pin() {
    while (true) {
      TableState current = state;
      List<Segment> acquired = new ArrayList<>(current.segments().size());
      for (Segment segment : current.segments()) {
        if (!segment.tryAcquire()) {
          break;
        }
        acquired.add(segment);
      }
      if (acquired.size() == current.segments().size()) {
        return new Pinned(current, acquired);
      }
      acquired.forEach(Segment::release);
      Thread.onSpinWait();
    }
  }

  private static final Cleaner CLEANER = Cleaner.create();

  /** A state whose segments are pinned; releases them once, whoever calls first. */
  private static final class Pinned implements Runnable {
    private final TableState state;
    private final List<Segment> segments;
    private final AtomicBoolean released = new AtomicBoolean();

    Pinned(TableState state, List<Segment> segments) {
      this.state = state;
      this.segments = segments;
    }

    TableState state() {
      return state;
    }

    @Override
    public void run() {
      if (released.compareAndSet(false, true)) {
        segments.forEach(Segment::release);
      }
    }
  }

  /** A scan holding its pins until it ends, is closed, or becomes garbage. */
  private static final class PinnedScan implements RowScan {
    private final Iterator<Object[]> rows;
    private final Pinned pinned;
    private final Cleaner.Cleanable cleanable;

    PinnedScan(Iterator<Object[]> rows, Pinned pinned) {
      this.rows = rows;
      this.pinned = pinned;
      this.cleanable = CLEANER.register(this, pinned);
    }

    @Override
    public boolean hasNext() {
      if (rows.hasNext()) {
        return true;
      }
      close();
      return false;
    }

    @Override
    public Object[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return rows.next();
    }

    @Override
    public void close() {
      cleanable.clean();
    }
  }

  private static Iterator<Object[]> memScan(RowLog rows, long t, Predicate filter) {
    int end = rows.size();
    return new FilteringIterator() {
      private int next = 0;

      @Override
      Object[] advance() {
        while (next < end) {
          StoredRow row = rows.get(next++);
          if (row.visibleAt(t) && filter.test(row.values)) {
            return row.values;
          }
        }
        return null;
      }
    };
  }

  private static Iterator<Object[]> segmentScan(Segment segment, long t, Predicate filter) {
    int end = segment.rowCount();
    return new FilteringIterator() {
      private int next = 0;

      @Override
      Object[] advance() {
        while (next < end) {
          int doc = next++;
          if (segment.visibleAt(doc, t)) {
            Object[] row = segment.row(doc);
            if (filter.test(row)) {
              return row;
            }
          }
        }
        return null;
      }
    };
  }

  /** An iterator over the non-null results of {@link #advance}, computed one ahead. */
  private abstract static class FilteringIterator implements Iterator<Object[]> {
    private Object[] pending;
    private boolean started;

    abstract Object[] advance();

    @Override
    public boolean hasNext() {
      if (!started) {
        started = true;
        pending = advance();
      }
      return pending != null;
    }

    @Override
    public Object[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Object[] result = pending;
      pending = advance();
      return result;
    }
  }

  /** Iterators one after another. */
  private static final class Concatenation implements Iterator<Object[]> {
    private final Iterator<Iterator<Object[]>> parts;
    private Iterator<Object[]> current = Collections.emptyIterator();

    Concatenation(List<Iterator<Object[]>> parts) {
      this.parts = parts.iterator();
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext()) {
        if (!parts.hasNext()) {
          return false;
        }
        current = parts.next();
      }
      return true;
    }

    @Override
    public Object[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }
  }

  /** The number of rows visible at a snapshot. */
  public long rowCount(Snapshot snapshot) {
    long count = 0;
    try (RowScan rows = scan(snapshot, Predicate.ALWAYS)) {
      for (; rows.hasNext(); rows.next()) {
        count++;
      }
    }
    return count;
  }

  /**
   * The k rows nearest to the query among those visible at the snapshot that pass the filter,
   * nearest first; rows whose vector is NULL are skipped. Sealed segments are searched in parallel:
   * through their HNSW graph when the request has an {@code efSearch} and the segment's graph was
   * built for the request's metric (approximate), exactly otherwise. Rows in memory are compared
   * exactly. The filter is applied inside each search, so k rows come back whenever k rows match.
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
    long t = snapshot.timestamp();
    Pinned pinned = pin();
    try {
      TableState current = pinned.state();
      List<List<SearchHit>> parts =
          new ArrayList<>(
              (current.segments().size() > 1
                      ? current.segments().parallelStream()
                      : current.segments().stream())
                  .map(segment -> segment.search(request, t))
                  .toList());
      List<MemRows> memory = new ArrayList<>(current.sealing());
      memory.add(current.growing());
      for (MemRows rows : memory) {
        parts.add(rows.search(request, t));
      }
      parts.removeIf(List::isEmpty);
      if (parts.size() == 1) {
        // Each part holds at most k hits, nearest first, as TopK would order them.
        return parts.getFirst();
      }
      TopK top = new TopK(request);
      parts.forEach(part -> part.forEach(top::offer));
      return top.result();
    } finally {
      pinned.run();
    }
  }

  /**
   * Copies the vectors of rows written since the last call into the vector blocks of the rows in
   * memory, which makes them searchable there: the engine's applier calls this (one thread), then
   * publishes the applied timestamp. Rows being sealed are included, since queries read them until
   * their segment replaces them.
   */
  public void applyPending() {
    TableState current = state;
    for (MemRows sealing : current.sealing()) {
      sealing.applyPending();
    }
    current.growing().applyPending();
  }

  /** The k nearest hits offered so far. */
  static final class TopK {
    private final int k;
    private final boolean higherIsCloser;
    final Comparator<SearchHit> nearestFirst;
    private final PriorityQueue<SearchHit> heap;

    TopK(VectorSearch request) {
      this.k = request.k();
      // Nearness as one number where smaller is nearer; NaN (a zero vector under cosine) is
      // farthest.
      boolean higher = request.metric().higherIsCloser();
      this.higherIsCloser = higher;
      this.nearestFirst = Comparator.comparingDouble((SearchHit h) -> rank(h.distance(), higher));
      // k may be far above the row count (LIMIT 2147483647): let the heap grow, not size it.
      this.heap = new PriorityQueue<>(Math.min(k, 1024) + 1, nearestFirst.reversed());
    }

    /** Whether a hit at this distance would enter the k nearest now. */
    boolean accepts(double distance) {
      return heap.size() < k
          || rank(distance, higherIsCloser) < rank(heap.peek().distance(), higherIsCloser);
    }

    void offer(SearchHit hit) {
      if (heap.size() < k) {
        heap.add(hit);
      } else if (nearestFirst.compare(hit, heap.peek()) < 0) {
        heap.poll();
        heap.add(hit);
      }
    }

    List<SearchHit> result() {
      List<SearchHit> result = new ArrayList<>(heap);
      result.sort(nearestFirst);
      return result;
    }
  }

  static double rank(double distance, boolean higherIsCloser) {
    if (Double.isNaN(distance)) {
      return Double.POSITIVE_INFINITY;
    }
    return higherIsCloser ? -distance : distance;
  }

  /** Adds a segment read back from disk while opening, with its persisted deletes applied. */
  public void restoreSegment(Segment segment) {
    TableState current = state;
    List<Segment> segments = new ArrayList<>(current.segments());
    segments.add(segment);
    state = new TableState(List.copyOf(segments), current.sealing(), current.growing());
    nextRowId = Math.max(nextRowId, segment.maxRowId() + 1);
  }

  /**
   * Replaces segments with their rewrites, carrying over their deletes (see {@link
   * Segment#carryDeletes}); under the commit lock. The rewrites take the place of the first
   * original. Returns false, changing nothing, if an original is no longer the table's (the table
   * was dropped, or another rewrite replaced it).
   */
  public boolean replaceSegments(List<Segment> olds, int[][] targets, List<Segment> rewrites) {
    TableState current = state;
    if (dropped || !current.segments().containsAll(olds)) {
      return false;
    }
    Segment.carryDeletes(olds, targets, rewrites);
    List<Segment> segments = new ArrayList<>(current.segments());
    int at = olds.stream().mapToInt(segments::indexOf).min().orElseThrow();
    segments.removeAll(olds);
    segments.addAll(at, rewrites);
    state = new TableState(List.copyOf(segments), current.sealing(), current.growing());
    return true;
  }

  /** The most rows a segment of this table holds ({@code segment_max_rows}). */
  public long maxRows() {
    return maxRows;
  }

  /** The most bytes a segment of this table holds ({@code segment_max_bytes}). */
  public long maxBytes() {
    return maxBytes;
  }

  /** When the table was last written (any insert, upsert or delete), or opened. */
  public long lastWriteMillis() {
    return lastWriteMillis;
  }

  /** The number of growing rows (written since the last seal). */
  public int growingRowCount() {
    return state.growing().rows.size();
  }

  /** The table's sealed segments, oldest first. */
  public List<Segment> segments() {
    return state.segments();
  }

  /** Rows in memory: the growing rows and those being sealed. */
  public record MemoryRows(
      String state, int rows, long deleted, long bytes, long createdAtMillis) {}

  /** The in-memory row sets, sealing ones first, then the growing one, for sys.segments. */
  public List<MemoryRows> memoryRows() {
    TableState current = state;
    List<MemoryRows> result = new ArrayList<>();
    for (MemRows sealing : current.sealing()) {
      result.add(sealing.describe("SEALED"));
    }
    MemRows growing = current.growing();
    result.add(growing.describe("GROWING"));
    return result;
  }

  /** Whether the growing rows reached {@code segment_max_rows} or {@code segment_max_bytes}. */
  public boolean growingFull() {
    MemRows growing = state.growing();
    return growing.rows.size() >= maxRows || growing.bytes >= maxBytes;
  }

  /** Whether the growing rows have been idle (no write) for at least {@code millis}. */
  public boolean growingIdleFor(long millis, long nowMillis) {
    MemRows growing = state.growing();
    return growing.rows.size() > 0 && nowMillis - growing.lastWriteMillis >= millis;
  }

  /**
   * Freezes the growing rows for sealing and starts new ones; under the commit lock at a cut (every
   * frozen row was written at or before it). Returns every frozen row set not yet in a segment:
   * those left by a flush that failed, then the rows just frozen.
   */
  public List<Sealing> seal() {
    TableState current = state;
    List<MemRows> sealing = new ArrayList<>(current.sealing());
    if (current.growing().rows.size() > 0) {
      sealing.add(current.growing());
      state = new TableState(current.segments(), List.copyOf(sealing), new MemRows(def));
    }
    List<Sealing> result = new ArrayList<>();
    for (MemRows rows : sealing) {
      result.add(new Sealing(this, rows));
    }
    return result;
  }

  /** Rows frozen by {@link #seal}, on their way into a segment. */
  public static final class Sealing {
    private final Table table;
    private final MemRows rows;
    private List<StoredRow> written;

    private Sealing(Table table, MemRows rows) {
      this.table = table;
      this.rows = rows;
    }

    public Table table() {
      return table;
    }

    /** When the frozen rows started growing. */
    public long createdAtMillis() {
      return rows.createdAt;
    }

    /**
     * The rows the segment keeps, in insertion order: every row alive at the cut, and rows deleted
     * after {@code horizon}, which a reader with an older snapshot may still need (their delete
     * timestamps go with them). They are the segment's documents, in this order.
     */
    public List<RowData> rowsAt(long cut, long horizon) {
      List<StoredRow> kept = new ArrayList<>();
      List<RowData> result = new ArrayList<>();
      for (int i = 0; i < rows.rows.size(); i++) {
        StoredRow row = rows.rows.get(i);
        if (row.insertTs <= cut && row.deleteTs > horizon) {
          kept.add(row);
          result.add(new RowData(row.rowId, row.insertTs, row.values));
        }
      }
      written = kept;
      return result;
    }

    /** The deletes at or before the cut among the rows {@link #rowsAt} kept, by row id. */
    public Map<Long, Long> deletesAt(long cut) {
      Map<Long, Long> result = new TreeMap<>();
      for (StoredRow row : written) {
        if (row.deleteTs <= cut) {
          result.put(row.rowId, row.deleteTs);
        }
      }
      return result;
    }

    /**
     * Replaces the frozen rows with the segment written from {@link #rowsAt} (null if none were
     * alive), carrying over deletes made since the cut. Under the commit lock, so that no delete
     * falls between the two. Returns false if the table was dropped meanwhile: the segment then
     * belongs to nobody, and the caller drops it.
     */
    public boolean install(Segment segment) {
      if (segment != null) {
        for (int doc = 0; doc < written.size(); doc++) {
          long deleteTs = written.get(doc).deleteTs;
          if (deleteTs != Long.MAX_VALUE) {
            segment.delete(doc, deleteTs);
          }
        }
      }
      TableState current = table.state;
      List<Segment> segments = new ArrayList<>(current.segments());
      if (segment != null && !table.dropped) {
        segments.add(segment);
      }
      List<MemRows> sealing = new ArrayList<>(current.sealing());
      sealing.remove(rows);
      table.state = new TableState(List.copyOf(segments), List.copyOf(sealing), current.growing());
      return !table.dropped;
    }
  }

  /** A row as a segment stores it. */
  public record RowData(long rowId, long insertTs, Object[] values) {}

  /** A table's parts at one moment; replaced as a whole. */
  private record TableState(List<Segment> segments, List<MemRows> sealing, MemRows growing) {}

  /** A row of a sealed segment. */
  private record SegmentDoc(Segment segment, int doc) {
    Object[] values() {
      return segment.row(doc);
    }
  }

  /**
   * Rows in memory, growing or being sealed, with their live keys, and their vectors in {@link
   * VectorBlocks} up to the rows the applier has copied.
   */
  private static final class MemRows {
    final RowLog rows = new RowLog();
    // Guarded by the commit lock.
    final Map<Object, StoredRow> liveByKey = new HashMap<>();
    final long createdAt = System.currentTimeMillis();
    volatile long bytes;
    volatile long lastWriteMillis = createdAt;
    // By column position; null for columns that are not VECTOR.
    private final VectorBlocks[] blocks;
    // Rows whose vectors are in the blocks; published after them, by the applier.
    private volatile int applied;

    MemRows(TableDef def) {
      blocks = new VectorBlocks[def.columns().size()];
      for (int i = 0; i < blocks.length; i++) {
        ColumnDef column = def.column(i);
        if (column.type() == ColumnType.VECTOR) {
          blocks[i] = new VectorBlocks(column.dimension());
        }
      }
    }

    /** Copies the vectors of the rows appended since the last call; the applier's thread only. */
    void applyPending() {
      int end = rows.size();
      for (int i = applied; i < end; i++) {
        Object[] values = rows.get(i).values;
        for (int c = 0; c < blocks.length; c++) {
          if (blocks[c] != null) {
            blocks[c].append((float[]) values[c]);
          }
        }
      }
      applied = end;
    }

    /**
     * The k nearest rows visible at {@code t} that pass the filter. Rows in the vector blocks are
     * scored a block at a time; rows the applier has not copied yet are compared one by one, which
     * only a reader at a snapshot above the applied timestamp needs (consistency levels never read
     * there). Distances of the k nearest are then computed again as SQL computes them.
     */
    List<SearchHit> search(VectorSearch request, long t) {
      if (rows.size() == 0) {
        // Usually so between flushes under a read-heavy load; the query's norm is not free.
        return List.of();
      }
      int column = request.column();
      float[] query = request.query();
      Predicate filter = request.filter();
      TopK top = new TopK(request);
      int blocked = applied;
      VectorBlocks columnBlocks = blocks[column];
      double queryNorm = VectorBlocks.norm(query);
      // Allocated for the first block only: most searches find no rows in memory, and a block's
      // worth of scores per search and per row set was a tenth of what a top-k query allocated.
      float[] scores = null;
      for (VectorBlocks.Block block : columnBlocks.blocks()) {
        int n = Math.min(block.capacity(), blocked - block.start());
        if (n <= 0) {
          break;
        }
        if (scores == null) {
          scores = new float[VectorBlocks.MAX_BLOCK_ROWS];
        }
        columnBlocks.score(block, n, query, queryNorm, request.metric(), scores);
        for (int r = 0; r < n; r++) {
          float score = scores[r];
          if (!top.accepts(score)) {
            continue;
          }
          StoredRow row = rows.get(block.start() + r);
          if (row.visibleAt(t) && row.values[column] != null && filter.test(row.values)) {
            top.offer(new SearchHit(row.values, score));
          }
        }
      }
      int end = rows.size();
      for (int i = blocked; i < end; i++) {
        StoredRow row = rows.get(i);
        if (row.insertTs > t) {
          // Rows are appended in timestamp order: none after this one is visible either.
          break;
        }
        float[] vector = (float[]) row.values[column];
        if (row.visibleAt(t) && vector != null && filter.test(row.values)) {
          top.offer(new SearchHit(row.values, request.metric().distance(query, vector)));
        }
      }
      List<SearchHit> result = new ArrayList<>();
      for (SearchHit hit : top.result()) {
        result.add(
            new SearchHit(
                hit.row(), request.metric().distance(query, (float[]) hit.row()[column])));
      }
      result.sort(top.nearestFirst);
      return result;
    }

    MemoryRows describe(String state) {
      int end = rows.size();
      long deleted = 0;
      for (int i = 0; i < end; i++) {
        if (!rows.get(i).isLive()) {
          deleted++;
        }
      }
      return new MemoryRows(state, end, deleted, bytes, createdAt);
    }

    void append(StoredRow row, TableDef def) {
      rows.append(row);
      if (def.hasPrimaryKey()) {
        liveByKey.put(row.values[def.primaryKey()], row);
      }
      bytes += estimateBytes(row.values);
    }
  }

  /** A row's approximate size in memory and on disk, for {@code segment_max_bytes}. */
  private static long estimateBytes(Object[] values) {
    long bytes = 32;
    for (Object v : values) {
      if (v instanceof float[] vector) {
        bytes += 4L * vector.length;
      } else if (v instanceof String text) {
        bytes += 2L * text.length();
      } else {
        bytes += 8;
      }
    }
    return bytes;
  }

  private void checkNewKey(
      Object[] row, Set<Object> removed, Map<Object, Integer> batchKeys, int position) {
    Object key = row[def.primaryKey()];
    Object existing = findLive(key);
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
    private final Set<Object> removed;
    private Map<RowValues, ArrayDeque<Object>> liveByValue;

    RowMatcher(Set<Object> removed) {
      this.removed = removed;
    }

    boolean remove(Object[] oldRow) {
      Object row;
      if (def.hasPrimaryKey()) {
        row = findLive(oldRow[def.primaryKey()]);
        if (row != null
            && !removed.contains(row)
            && !new RowValues(valuesOf(row)).equals(new RowValues(oldRow))) {
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
        ArrayDeque<Object> candidates = byValue().get(new RowValues(oldRow));
        row = candidates == null ? null : candidates.poll();
      }
      if (row == null || removed.contains(row)) {
        return false;
      }
      removed.add(row);
      return true;
    }

    /** Every live row by its values: without a key, this is how a row is found. */
    private Map<RowValues, ArrayDeque<Object>> byValue() {
      if (liveByValue == null) {
        liveByValue = new LinkedHashMap<>();
        TableState current = state;
        for (Segment segment : current.segments()) {
          for (int doc = 0; doc < segment.rowCount(); doc++) {
            if (segment.isLive(doc)) {
              liveByValue
                  .computeIfAbsent(new RowValues(segment.row(doc)), v -> new ArrayDeque<>())
                  .add(new SegmentDoc(segment, doc));
            }
          }
        }
        List<MemRows> memory = new ArrayList<>(current.sealing());
        memory.add(current.growing());
        for (MemRows m : memory) {
          int end = m.rows.size();
          for (int i = 0; i < end; i++) {
            StoredRow row = m.rows.get(i);
            if (row.isLive()) {
              liveByValue
                  .computeIfAbsent(new RowValues(row.values), v -> new ArrayDeque<>())
                  .add(row);
            }
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
