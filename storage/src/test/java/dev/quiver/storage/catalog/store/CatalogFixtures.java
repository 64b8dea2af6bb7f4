package dev.quiver.storage.catalog.store;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Catalog entries for tests, and a whole catalog's contents as one comparable value. */
final class CatalogFixtures {
  private CatalogFixtures() {}

  /** A table with a BIGINT key, a VECTOR(4) column and a VARCHAR(20) column. */
  static TableDef table(String name) {
    return new TableDef(
        name,
        List.of(
            ColumnDef.of("id", ColumnType.BIGINT, false),
            ColumnDef.vector("embedding", 4, true),
            new ColumnDef("title", ColumnType.VARCHAR, 0, 20, 0, true)),
        0,
        Options.table(Map.of("segment_max_rows", 5000)));
  }

  /** An HNSW cosine index on a fixture table's embedding column. */
  static IndexDef index(String name, String table) {
    return new IndexDef(
        name,
        table,
        "embedding",
        IndexMethod.HNSW,
        Metric.COSINE,
        Options.index(IndexMethod.HNSW, Map.of("metric", "cosine", "m", 24)));
  }

  /** A segment whose numbers derive from its id. */
  static SegmentMeta segment(long id, String table, SegmentState state) {
    boolean sealed = state != SegmentState.GROWING;
    return new SegmentMeta(
        id,
        table,
        state,
        100 * id,
        id,
        sealed ? 4096 * id : 0,
        10 * id,
        10 * id + 9,
        1_700_000_000_000L + id,
        sealed ? 1_700_000_001_000L + id : 0,
        state == SegmentState.INDEXED ? "idx_" + table : null,
        state == SegmentState.INDEXED ? "built" : null);
  }

  /** Everything a store holds. */
  record Contents(
      Map<String, TableDef> tables,
      Map<String, IndexDef> indexes,
      List<SegmentMeta> segments,
      Map<Long, NavigableMap<Long, Long>> deletes,
      long checkpointTs) {

    static Contents of(CatalogStore store) {
      Map<Long, NavigableMap<Long, Long>> deletes = new TreeMap<>();
      for (SegmentMeta segment : store.segments()) {
        NavigableMap<Long, Long> rows = store.deletes(segment.id());
        if (!rows.isEmpty()) {
          deletes.put(segment.id(), rows);
        }
      }
      return new Contents(
          store.tables(), store.indexes(), store.segments(), deletes, store.checkpointTs());
    }
  }
}
