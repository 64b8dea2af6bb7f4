package dev.quiver.storage.catalog.store;

import static dev.quiver.storage.catalog.store.CatalogFixtures.index;
import static dev.quiver.storage.catalog.store.CatalogFixtures.segment;
import static dev.quiver.storage.catalog.store.CatalogFixtures.table;

import dev.quiver.storage.QuiverException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A source of random catalog operations, mostly valid and some failing, that can be applied alike
 * to a store under test and to a {@link MemoryCatalogStore} as its oracle.
 */
final class RandomCatalogOps {
  private static final int NAMES = 4;
  private static final SegmentState[] STATES = SegmentState.values();

  private final Random random;
  private long allocated;

  RandomCatalogOps(Random random) {
    this.random = random;
  }

  /** One operation with its description; applying it returns its outcome as text. */
  record Op(String description, Function<CatalogStore, Object> action) {

    /** Runs the operation: "ok", "ok " and its result, or the class and code of its error. */
    String applyTo(CatalogStore store) {
      try {
        Object result = action.apply(store);
        return result == null ? "ok" : "ok " + result;
      } catch (QuiverException e) {
        return "QuiverException " + e.code();
      } catch (IllegalArgumentException e) {
        return "IllegalArgumentException";
      }
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /** The next operation. */
  Op next() {
    String t = "t" + random.nextInt(NAMES);
    String i = "i" + random.nextInt(NAMES);
    long id = 1 + random.nextInt((int) allocated + 1);
    SegmentState state = STATES[random.nextInt(STATES.length)];
    return switch (random.nextInt(12)) {
      case 0, 1 -> new Op("createTable " + t, s -> run(() -> s.createTable(table(t))));
      case 2 -> new Op("dropTable " + t, s -> run(() -> s.dropTable(t)));
      case 3 -> new Op("createIndex " + i + " on " + t, s -> run(() -> s.createIndex(index(i, t))));
      case 4 -> new Op("dropIndex " + i, s -> run(() -> s.dropIndex(i)));
      case 5, 6 -> {
        allocated++;
        yield new Op("nextSegmentId", CatalogStore::nextSegmentId);
      }
      case 7 ->
          new Op(
              "putSegment " + id + " " + t + " " + state,
              s -> run(() -> s.putSegment(segment(id, t, state))));
      case 8 -> new Op("removeSegment " + id, s -> s.removeSegment(id));
      case 9 -> {
        Map<Long, Long> rows = rows();
        yield new Op("putDeletes " + id + " " + rows, s -> run(() -> s.putDeletes(id, rows)));
      }
      default -> {
        List<SegmentMeta> upserts = new ArrayList<>();
        for (int n = random.nextInt(3); n > 0; n--) {
          long upsertId = 1 + random.nextInt((int) allocated + 1);
          if (upserts.stream().noneMatch(u -> u.id() == upsertId)) {
            upserts.add(segment(upsertId, t, STATES[random.nextInt(STATES.length)]));
          }
        }
        Map<Long, Map<Long, Long>> deletes = new HashMap<>();
        for (int n = random.nextInt(3); n > 0; n--) {
          deletes.put(1L + random.nextInt((int) allocated + 1), rows());
        }
        long checkpoint =
            random.nextInt(4) == 0 ? CatalogStore.KEEP_CHECKPOINT : random.nextInt(50);
        yield new Op(
            "applySegmentChanges " + upserts + " " + deletes + " " + checkpoint,
            s -> run(() -> s.applySegmentChanges(upserts, deletes, checkpoint)));
      }
    };
  }

  private Map<Long, Long> rows() {
    Map<Long, Long> rows = new HashMap<>();
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      rows.put((long) random.nextInt(20), 1L + random.nextInt(100));
    }
    return rows;
  }

  private static Object run(Runnable action) {
    action.run();
    return null;
  }
}
