package dev.quiver.storage.table;

import dev.quiver.index.segment.DocSet;
import dev.quiver.index.segment.SegmentReader;
import dev.quiver.index.segment.VectorHit;
import dev.quiver.index.segment.VectorMetric;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.Metric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A sealed segment of a table: an immutable Lucene segment on disk plus the delete timestamps of
 * its rows, which change as rows are deleted or replaced after it was written.
 *
 * <p>Document {@code d} is visible at time T when its insert timestamp is at or below T and its
 * delete timestamp above it. Delete timestamps are set under the timeline's commit lock and read
 * without locks: a reader at T only depends on deletes at or below T, which were set before T
 * became visible.
 */
public final class Segment {
  private final long id;
  private final String tableName;
  private final SegmentReader reader;
  private final long createdAtMillis;
  private final long sealedAtMillis;
  private final String indexName;
  // Allocated at the first delete: most segments of an append-mostly table never need it.
  private volatile AtomicLongArray deleteTs;
  // The earliest delete timestamp of any document: a search at an earlier time needs no mask.
  private volatile long earliestDeleteTs = Long.MAX_VALUE;
  // One reference for the table (or engine) that holds the segment, one per reader that pinned it.
  private final AtomicInteger references = new AtomicInteger(1);
  // What to do when the last reference goes: set when the holder lets go of the segment.
  private volatile Runnable whenUnused = () -> {};

  /**
   * A segment as written or reopened; {@code indexName} is the vector index built into it, or null.
   */
  public Segment(
      long id,
      String tableName,
      SegmentReader reader,
      long createdAtMillis,
      long sealedAtMillis,
      String indexName) {
    this.id = id;
    this.tableName = tableName;
    this.reader = reader;
    this.createdAtMillis = createdAtMillis;
    this.sealedAtMillis = sealedAtMillis;
    this.indexName = indexName;
  }

  public long id() {
    return id;
  }

  /** The table the segment belongs to. */
  public String tableName() {
    return tableName;
  }

  public SegmentReader reader() {
    return reader;
  }

  public long createdAtMillis() {
    return createdAtMillis;
  }

  public long sealedAtMillis() {
    return sealedAtMillis;
  }

  public String indexName() {
    return indexName;
  }

  public int rowCount() {
    return reader.rowCount();
  }

  /**
   * Pins the segment for a reader, which must {@link #release} it when done; false if the segment
   * has already been let go of by every holder (its files may be gone), in which case the reader
   * looks at its table's current segments again.
   */
  public boolean tryAcquire() {
    while (true) {
      int n = references.get();
      if (n == 0) {
        return false;
      }
      if (references.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Lets go of one reference; the last one runs the action given to {@link #retire}. */
  public void release() {
    int n = references.decrementAndGet();
    if (n == 0) {
      whenUnused.run();
    } else if (n < 0) {
      throw new IllegalStateException("segment " + id + " released more often than acquired");
    }
  }

  /**
   * The holder lets go of the segment, which no table lists any more: {@code action} (close it and
   * delete its files) runs once the last reader that pinned it releases it, or now if none did.
   */
  public void retire(Runnable action) {
    whenUnused = action;
    release();
  }

  /** The references held: the holder's, if not retired, and one per pinning reader. */
  public int references() {
    return references.get();
  }

  /** The delete timestamp of a document, {@link Long#MAX_VALUE} while it is live. */
  long deleteTs(int doc) {
    AtomicLongArray deletes = deleteTs;
    return deletes == null ? Long.MAX_VALUE : deletes.get(doc);
  }

  /** Records a delete; under the commit lock. The earlier of two timestamps wins. */
  void delete(int doc, long timestamp) {
    AtomicLongArray deletes = deleteTs;
    if (deletes == null) {
      deletes = new AtomicLongArray(reader.rowCount());
      for (int i = 0; i < deletes.length(); i++) {
        deletes.set(i, Long.MAX_VALUE);
      }
      deleteTs = deletes;
    }
    if (timestamp < deletes.get(doc)) {
      deletes.set(doc, timestamp);
    }
    if (timestamp < earliestDeleteTs) {
      earliestDeleteTs = timestamp;
    }
  }

  boolean isLive(int doc) {
    return deleteTs(doc) == Long.MAX_VALUE;
  }

  boolean visibleAt(int doc, long timestamp) {
    if (deleteTs(doc) <= timestamp) {
      return false;
    }
    return reader.info().maxInsertTs() <= timestamp || insertTs(doc) <= timestamp;
  }

  /** A document as a rewrite of the segment writes it again. */
  public Table.RowData rowData(int doc) {
    return new Table.RowData(rowId(doc), insertTs(doc), row(doc));
  }

  /** A document's delete timestamp, {@link Long#MAX_VALUE} while it is live. */
  public long deleteTimestamp(int doc) {
    return deleteTs(doc);
  }

  /** One column of a document, for ordering a rewrite by {@code cluster_by}. */
  public Object value(int doc, int column) {
    return read(() -> reader.value(doc, column));
  }

  /** Every row of the segment in document order, deleted ones included, for rewriting it. */
  public List<Table.RowData> allRows() {
    List<Table.RowData> rows = new ArrayList<>(rowCount());
    for (int doc = 0; doc < rowCount(); doc++) {
      rows.add(new Table.RowData(rowId(doc), insertTs(doc), row(doc)));
    }
    return rows;
  }

  /**
   * Copies the delete timestamps of rewritten segments onto their rewrites, under the commit lock:
   * document {@code d} of {@code originals.get(i)} became document {@code targets[i][d]} of the
   * rewrites, counted across them in order, or was left out (-1) as deleted beyond every snapshot.
   * Deletes that reached the originals while the rewrite was written are carried over too.
   *
   * @throws IllegalStateException if a target does not hold the row it should: nothing is lost
   *     silently, the swap fails instead
   */
  public static void carryDeletes(
      List<Segment> originals, int[][] targets, List<Segment> rewrites) {
    int[] starts = new int[rewrites.size() + 1];
    for (int i = 0; i < rewrites.size(); i++) {
      starts[i + 1] = starts[i] + rewrites.get(i).rowCount();
    }
    for (int i = 0; i < originals.size(); i++) {
      Segment original = originals.get(i);
      AtomicLongArray deletes = original.deleteTs;
      if (deletes == null) {
        continue;
      }
      for (int doc = 0; doc < deletes.length(); doc++) {
        long ts = deletes.get(doc);
        int target = targets[i][doc];
        if (ts == Long.MAX_VALUE || target < 0) {
          continue;
        }
        int out = Arrays.binarySearch(starts, target);
        out = out >= 0 ? out : -out - 2;
        Segment rewrite = rewrites.get(out);
        int newDoc = target - starts[out];
        if (rewrite.rowId(newDoc) != original.rowId(doc)) {
          throw new IllegalStateException(
              "segment " + rewrite.id() + " does not hold the rows of segment " + original.id());
        }
        rewrite.delete(newDoc, ts);
      }
    }
  }

  /** The largest row id among the documents (-1 when empty); they need not be in row-id order. */
  public long maxRowId() {
    long max = -1;
    for (int doc = 0; doc < rowCount(); doc++) {
      max = Math.max(max, rowId(doc));
    }
    return max;
  }

  /** The number of rows deleted at or before a time. */
  public long deletedAt(long timestamp) {
    AtomicLongArray deletes = deleteTs;
    if (deletes == null) {
      return 0;
    }
    long count = 0;
    for (int i = 0; i < deletes.length(); i++) {
      if (deletes.get(i) <= timestamp) {
        count++;
      }
    }
    return count;
  }

  /**
   * The deletes with timestamps in {@code (after, upTo]}, by row id: what a checkpoint at {@code
   * upTo} persists when the one before it was at {@code after}.
   */
  public Map<Long, Long> deletesBetween(long after, long upTo) {
    AtomicLongArray deletes = deleteTs;
    Map<Long, Long> result = new TreeMap<>();
    if (deletes == null) {
      return result;
    }
    for (int i = 0; i < deletes.length(); i++) {
      long ts = deletes.get(i);
      if (ts > after && ts <= upTo) {
        result.put(rowId(i), ts);
      }
    }
    return result;
  }

  /**
   * Restores deletes persisted by checkpoints, by row id, while opening. Documents are usually in
   * row-id order, but a compaction ordered by {@code cluster_by} leaves them in any order.
   */
  public void restoreDeletes(NavigableMap<Long, Long> byRowId) {
    if (byRowId.isEmpty()) {
      return;
    }
    for (int doc = 0; doc < rowCount(); doc++) {
      Long ts = byRowId.get(rowId(doc));
      if (ts != null) {
        delete(doc, ts);
      }
    }
  }

  /**
   * The k nearest visible rows of this segment that pass the request's filter: through the HNSW
   * graph when there is one for the column and metric and the request has an efSearch, else
   * exactly. Distances are recomputed in the request's metric, as SQL computes them.
   */
  List<SearchHit> search(VectorSearch request, long timestamp) {
    int field = request.column();
    float[] query = request.query();
    DocSet accept = read(() -> accepted(request.filter(), timestamp));
    boolean sameMetric =
        reader.schema().field(field).metric() == toVectorMetric(request.metric()) && !isZero(query);
    if (sameMetric) {
      List<VectorHit> hits =
          read(
              () -> {
                if (request.efSearch() > 0 && reader.hasGraph(field)) {
                  return reader.searchAccepting(
                      field, query, request.k(), accept, request.efSearch());
                }
                if (request.nprobe() > 0 && reader.hasIvf(field)) {
                  return reader.ivfSearchAccepting(
                      field, query, request.k(), accept, request.nprobe());
                }
                return reader.exactSearchAccepting(field, query, request.k(), accept);
              });
      // The hits' distances are exact, in the column's metric (the inner product negated): no
      // need to read the vectors again. They are at most k, nearest first (ties by document), the
      // order TopK would give them. Rows are read in document order, which lets the column
      // readers move forward instead of starting over for each hit.
      int n = hits.size();
      long[] byDoc = new long[n];
      for (int i = 0; i < n; i++) {
        byDoc[i] = (long) hits.get(i).doc() << 32 | i;
      }
      Arrays.sort(byDoc);
      boolean negate = request.metric().higherIsCloser();
      SearchHit[] found = new SearchHit[n];
      for (long docAndIndex : byDoc) {
        VectorHit hit = hits.get((int) docAndIndex);
        found[(int) docAndIndex] =
            new SearchHit(
                row(hit.doc(), request.columns()), negate ? -hit.distance() : hit.distance());
      }
      return Arrays.asList(found);
    }
    // The vectors were written for another metric: compare every accepted one in this one, and
    // read whole rows only for the k nearest.
    boolean higher = request.metric().higherIsCloser();
    List<double[]> ranked = new ArrayList<>();
    for (int doc = 0; doc < rowCount(); doc++) {
      if (accept == null || accept.get(doc)) {
        int d = doc;
        float[] vector = read(() -> reader.vector(d, field));
        if (vector != null) {
          ranked.add(
              new double[] {doc, Table.rank(request.metric().distance(query, vector), higher)});
        }
      }
    }
    ranked.sort(Comparator.comparingDouble(r -> r[1]));
    Table.TopK top = new Table.TopK(request);
    for (int i = 0; i < Math.min(request.k(), ranked.size()); i++) {
      top.offer(hitAt((int) ranked.get(i)[0], request));
    }
    return top.result();
  }

  /**
   * The documents visible at a time that pass a filter, or null when that is every document: the
   * insert timestamps and the deletes, then the filter evaluated column by column on the visible
   * documents ({@link SegmentFilter}), once per search.
   */
  private DocSet accepted(Predicate filter, long timestamp) throws IOException {
    boolean deletes = earliestDeleteTs <= timestamp;
    if (filter == Predicate.ALWAYS && !deletes && reader.info().maxInsertTs() <= timestamp) {
      return null;
    }
    DocSet visible = reader.insertedAtOrBefore(timestamp);
    AtomicLongArray deleted = deleteTs;
    if (deletes && deleted != null) {
      for (int doc = 0; doc < deleted.length(); doc++) {
        if (deleted.get(doc) <= timestamp) {
          visible.clear(doc);
        }
      }
    }
    return filter == Predicate.ALWAYS ? visible : SegmentFilter.accepted(reader, filter, visible);
  }

  private SearchHit hitAt(int doc, VectorSearch request) {
    Object[] row = row(doc);
    return new SearchHit(
        row, request.metric().distance(request.query(), (float[]) row[request.column()]));
  }

  /** The segment field metric a SQL metric is written with. */
  public static VectorMetric toVectorMetric(Metric metric) {
    return switch (metric) {
      case L2 -> VectorMetric.L2;
      case COSINE -> VectorMetric.COSINE;
      case INNER_PRODUCT -> VectorMetric.INNER_PRODUCT;
    };
  }

  private static boolean isZero(float[] vector) {
    for (float x : vector) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** A document's row id. */
  public long rowId(int doc) {
    return read(() -> reader.rowId(doc));
  }

  long insertTs(int doc) {
    return read(() -> reader.insertTs(doc));
  }

  Object[] row(int doc) {
    return read(() -> reader.row(doc));
  }

  /** A document with only {@code columns} read (every column when null), the others null. */
  private Object[] row(int doc, int[] columns) {
    if (columns == null) {
      return row(doc);
    }
    Object[] row = new Object[reader.schema().size()];
    for (int column : columns) {
      row[column] = read(() -> reader.value(doc, column));
    }
    return row;
  }

  int[] findKeyDocs(Object key) {
    return read(() -> reader.findKeyDocs(key));
  }

  /** A read from the segment's files. */
  @FunctionalInterface
  private interface Read<T> {
    T run() throws IOException;
  }

  private <T> T read(Read<T> read) {
    try {
      return read.run();
    } catch (IOException e) {
      throw readFailure(e);
    } catch (IllegalStateException e) {
      throw dropped(e);
    }
  }

  private QuiverException readFailure(IOException e) {
    return new QuiverException(
        ErrorCode.IO_ERROR,
        "reading segment " + reader.path() + " failed: " + e.getMessage(),
        new UncheckedIOException(e));
  }

  /** Lucene's AlreadyClosedException is an IllegalStateException: the reader was closed. */
  private QuiverException dropped(IllegalStateException e) {
    return new QuiverException(
        ErrorCode.TABLE_NOT_FOUND,
        "segment " + id + " was dropped with its table while this statement read it; run it again",
        e);
  }

  @Override
  public String toString() {
    return "segment " + id + " (" + reader.path() + ")";
  }
}
