package dev.quiver.storage.catalog.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The catalog store of an in-memory database: the catalog lives as long as the store, and every
 * transaction is atomic but nothing is durable.
 */
public final class MemoryCatalogStore extends AbstractCatalogStore {
  private final Map<Long, NavigableMap<Long, Long>> deletes = new HashMap<>();

  /** An empty catalog. */
  public MemoryCatalogStore() {
    super(new Contents(List.of(), List.of(), List.of(), List.of(), 0, 1));
  }

  @Override
  void persist(CatalogChange change) {
    change.removeSegments.forEach(deletes::remove);
    for (Map.Entry<Long, Map<Long, Long>> e : change.deletes.entrySet()) {
      NavigableMap<Long, Long> rows = deletes.computeIfAbsent(e.getKey(), id -> new TreeMap<>());
      e.getValue().forEach((row, ts) -> rows.merge(row, ts, Math::min));
    }
  }

  @Override
  NavigableMap<Long, Long> readDeletes(long segmentId) {
    return new TreeMap<>(deletes.getOrDefault(segmentId, new TreeMap<>()));
  }

  @Override
  void closeStorage() {
    deletes.clear();
  }
}
