package dev.quiver.storage.catalog.store;

import static dev.quiver.storage.catalog.store.CatalogFixtures.index;
import static dev.quiver.storage.catalog.store.CatalogFixtures.table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A program that commits numbered changes to a catalog until it is killed, for {@link
 * MapDbCatalogCrashTest}.
 *
 * <p>Change {@code i} is one {@code applySegmentChanges}: a new FLUSHED segment of table {@code t}
 * with {@code rowCount = i}, the previous numbered segment turned INDEXED, two delete records
 * {@code i} and {@code 1000000 + i} (timestamp {@code i}) on that previous segment, and checkpoint
 * {@code i}. Every fifth change is followed by a side table's create, index, segment and drop, four
 * commits that must each stay whole. It prints {@code READY n} after opening (n the last change
 * found), {@code BEGIN i} before change i and {@code DONE i} once it returned.
 */
public final class CatalogCommitLoopMain {
  private CatalogCommitLoopMain() {}

  /** The segment of numbered change {@code i}, as first committed. */
  static SegmentMeta numbered(long id, long i) {
    return new SegmentMeta(
        id, "t", SegmentState.FLUSHED, i, 0, 10 * i, i, i, 1_700_000_000_000L + i, 1, null, null);
  }

  public static void main(String[] args) {
    try (MapDbCatalogStore store = MapDbCatalogStore.open(Path.of(args[0]))) {
      if (!store.tables().containsKey("t")) {
        store.createTable(table("t"));
      }
      for (String name : store.tables().keySet()) {
        if (!name.equals("t")) {
          store.dropTable(name);
        }
      }
      long last = store.checkpointTs();
      SegmentMeta previous =
          store.segments("t").stream().filter(s -> s.rowCount() == last).findFirst().orElse(null);
      System.out.println("READY " + last);
      System.out.flush();
      for (long i = last + 1; ; i++) {
        SegmentMeta current = numbered(store.nextSegmentId(), i);
        List<SegmentMeta> upserts = new ArrayList<>(List.of(current));
        Map<Long, Map<Long, Long>> deletes = Map.of();
        if (previous != null) {
          upserts.add(previous.withState(SegmentState.INDEXED));
          deletes = Map.of(previous.id(), Map.of(i, i, 1_000_000 + i, i));
        }
        System.out.println("BEGIN " + i);
        System.out.flush();
        store.applySegmentChanges(upserts, deletes, i);
        System.out.println("DONE " + i);
        System.out.flush();
        if (i % 5 == 0) {
          String side = "side" + i;
          store.createTable(table(side));
          store.createIndex(index(side + "_idx", side));
          long id = store.nextSegmentId();
          store.putSegment(CatalogFixtures.segment(id, side, SegmentState.GROWING));
          store.dropTable(side);
        }
        previous = current;
      }
    }
  }
}
