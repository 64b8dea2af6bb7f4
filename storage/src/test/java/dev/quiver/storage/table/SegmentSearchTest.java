package dev.quiver.storage.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.index.segment.SegmentField;
import dev.quiver.index.segment.SegmentReader;
import dev.quiver.index.segment.SegmentRow;
import dev.quiver.index.segment.SegmentSchema;
import dev.quiver.index.segment.SegmentWriter;
import dev.quiver.index.segment.VectorMetric;
import dev.quiver.index.segment.WriteOptions;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.table.Predicate.Compare;
import dev.quiver.storage.table.Predicate.Custom;
import dev.quiver.storage.table.Predicate.In;
import dev.quiver.storage.table.Predicate.IsNull;
import dev.quiver.storage.table.Predicate.Not;
import dev.quiver.storage.table.Predicate.Op;
import dev.quiver.storage.table.Predicate.Or;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of {@link Segment#search} with filters and MVCC: the accepted documents are those visible
 * at the search's time (inserted at or before it, not deleted at or before it) that pass the
 * filter, whichever way the segment is searched.
 */
class SegmentSearchTest {
  private static final int ID = 0;
  private static final int CAT = 1;
  private static final int V = 2;
  private static final int DIM = 8;
  private static final int ROWS = 1500;
  private static final SegmentSchema SCHEMA =
      new SegmentSchema(
          List.of(
              SegmentField.scalar("id", SegmentField.Kind.LONG),
              SegmentField.scalar("cat", SegmentField.Kind.INT),
              SegmentField.vector("v", DIM, VectorMetric.L2)),
          0);
  private static final List<Predicate> FILTERS =
      List.of(
          Predicate.ALWAYS,
          new Compare(CAT, Op.EQ, 3),
          new Compare(CAT, Op.LT, new BigDecimal("1.5")),
          new Compare(CAT, Op.GE, 9.0),
          new In(CAT, List.of(1L, 5L)),
          new Not(new Compare(CAT, Op.EQ, 3)),
          new IsNull(CAT),
          new Or(List.of(new IsNull(CAT), new Compare(CAT, Op.EQ, 0))),
          new Custom(
              new int[] {ID, CAT},
              row -> row[CAT] == null ? null : ((Long) row[ID] + (Integer) row[CAT]) % 3 == 0,
              "(id + cat) % 3 = 0"));

  @TempDir Path tmp;
  private final List<Object[]> rows = new ArrayList<>();
  private final List<Long> insertTs = new ArrayList<>();
  private final List<Long> deleteTs = new ArrayList<>();
  private SegmentReader reader;
  private Segment segment;

  /**
   * Rows 0 to 1499, cat = id mod 10 (NULL when id mod 17 is 0), inserted at 10 below row 1000 and
   * at 20 from there on; rows with id mod 7 = 0 deleted at 15, with id mod 11 = 0 at 25.
   */
  @BeforeEach
  void writeSegment() throws IOException {
    Random random = new Random(42);
    List<SegmentRow> written = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      float[] v = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        v[d] = (float) random.nextGaussian();
      }
      Object[] row = {id, id % 17 == 0 ? null : (int) (id % 10), v};
      long ts = id < 1000 ? 10 : 20;
      rows.add(row);
      insertTs.add(ts);
      written.add(new SegmentRow(id, ts, row));
    }
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, SCHEMA, written.iterator(), WriteOptions.defaults());
    reader = SegmentReader.open(dir, SCHEMA);
    segment = new Segment(1, "t", reader, 0, 0, "t_v");
    for (int doc = 0; doc < ROWS; doc++) {
      long ts = doc % 7 == 0 ? 15 : doc % 11 == 0 ? 25 : Long.MAX_VALUE;
      deleteTs.add(ts);
      if (ts != Long.MAX_VALUE) {
        segment.delete(doc, ts);
      }
    }
  }

  @AfterEach
  void close() throws IOException {
    reader.close();
  }

  @Test
  void exactFilteredSearchReturnsTheNearestVisibleMatchingRows() {
    assertTrue(reader.hasGraph(V), "the segment should have a graph, which exact search ignores");
    Random random = new Random(7);
    for (long time : new long[] {12, 17, 30}) {
      for (Predicate filter : FILTERS) {
        for (Metric metric : List.of(Metric.L2, Metric.COSINE)) {
          float[] query = gaussian(random);
          List<SearchHit> hits =
              segment.search(new VectorSearch(V, query, metric, 10, filter), time);
          List<Integer> expected = oracle(filter, time, query, metric);
          String context = "at " + time + ", " + metric + ", filter " + filter;
          assertEquals(expected.subList(0, Math.min(10, expected.size())), ids(hits), context);
        }
      }
    }
  }

  @Test
  void graphSearchReturnsOnlyVisibleMatchingRowsAndAsManyAsAsked() {
    Random random = new Random(8);
    for (long time : new long[] {12, 17, 30}) {
      for (Predicate filter : FILTERS) {
        float[] query = gaussian(random);
        List<SearchHit> hits =
            segment.search(new VectorSearch(V, query, Metric.L2, 10, filter, 40, 0), time);
        List<Integer> matching = oracle(filter, time, query, Metric.L2);
        String context = "at " + time + ", filter " + filter;
        assertEquals(Math.min(10, matching.size()), hits.size(), context);
        for (int id : ids(hits)) {
          assertTrue(matching.contains(id), context + ": row " + id + " is not visible or fails");
        }
        for (int i = 1; i < hits.size(); i++) {
          assertTrue(hits.get(i - 1).distance() <= hits.get(i).distance(), context);
        }
      }
    }
  }

  /** The ids of the visible rows passing the filter, nearest first (ties by id). */
  private List<Integer> oracle(Predicate filter, long time, float[] query, Metric metric) {
    List<Integer> ids = new ArrayList<>();
    for (int doc = 0; doc < ROWS; doc++) {
      if (insertTs.get(doc) <= time && deleteTs.get(doc) > time && filter.test(rows.get(doc))) {
        ids.add(doc);
      }
    }
    ids.sort(
        Comparator.comparingDouble(
                (Integer doc) -> metric.distance(query, (float[]) rows.get(doc)[V]))
            .thenComparingInt(doc -> doc));
    return ids;
  }

  private static List<Integer> ids(List<SearchHit> hits) {
    return hits.stream().map(h -> (int) (long) (Long) h.row()[ID]).toList();
  }

  private static float[] gaussian(Random random) {
    float[] v = new float[DIM];
    for (int d = 0; d < DIM; d++) {
      v[d] = (float) random.nextGaussian();
    }
    return v;
  }
}
