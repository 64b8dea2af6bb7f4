package dev.quiver.storage;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static dev.quiver.storage.SegmentTestSupport.assertRowsEqual;
import static dev.quiver.storage.SegmentTestSupport.rows;
import static dev.quiver.storage.SegmentTestSupport.sortedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.WriteBatch;
import dev.quiver.storage.table.WriteResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random inserts, upserts, updates and deletes on a keyed table, interleaved with checkpoints and
 * close/reopen cycles: after every step the rows the engine shows equal an in-memory model. Run
 * with {@code -Dtests.seed=N} to repeat a failure.
 */
class EngineSegmentsModelTest {
  @TempDir Path dir;

  private static final int KEYS = 150;

  private static final TableDef KV =
      new TableDef(
          "kv",
          List.of(
              ColumnDef.of("id", ColumnType.INTEGER, false),
              ColumnDef.of("name", ColumnType.VARCHAR, true),
              ColumnDef.of("score", ColumnType.DOUBLE, true),
              ColumnDef.vector("v", 4, true)),
          0,
          Options.table(Map.of()));

  private static Object[] randomRow(Random random, int id) {
    float[] v = null;
    if (random.nextInt(5) > 0) {
      v = new float[4];
      for (int i = 0; i < 4; i++) {
        v[i] = random.nextInt(7) - 3;
      }
    }
    return new Object[] {
      id,
      random.nextInt(6) == 0 ? null : "n" + random.nextInt(1000),
      random.nextInt(6) == 0 ? null : (double) random.nextInt(100) / 4,
      v
    };
  }

  @Test
  void randomWritesCheckpointsAndReopensMatchAModel() {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    System.out.println("randomWritesCheckpointsAndReopensMatchAModel seed=" + seed);
    Random random = new Random(seed);
    Map<Integer, Object[]> model = new TreeMap<>();
    Engine engine = Engine.open(dir);
    try {
      engine.createTable(KV, false);
      int checkpoints = 0;
      int reopens = 0;
      for (int step = 0; step < 500; step++) {
        String context = "seed " + seed + ", step " + step;
        int op = random.nextInt(100);
        if (op < 25) {
          insert(engine, random, model, context);
        } else if (op < 45) {
          upsert(engine, random, model);
        } else if (op < 65) {
          delete(engine, random, model, context);
        } else if (op < 75) {
          update(engine, random, model, context);
        } else if (op < 83) {
          replaceInOneBatch(engine, random, model);
        } else if (op < 93) {
          engine.checkpoint();
          checkpoints++;
        } else {
          if (random.nextBoolean()) {
            engine.checkpoint();
            checkpoints++;
          }
          engine.close();
          engine = Engine.open(dir);
          reopens++;
        }
        assertRowsEqual(new ArrayList<>(model.values()), sortedBy(rows(engine, "kv"), 0), context);
        if (!model.isEmpty() && step % 10 == 0) {
          List<Integer> keys = new ArrayList<>(model.keySet());
          int key = keys.get(random.nextInt(keys.size()));
          Engine e = engine;
          assertFails(
              ErrorCode.DUPLICATE_KEY,
              () -> e.table("kv").apply(new WriteBatch().insert(randomRow(random, key))));
        }
      }
      System.out.println(
          "randomWritesCheckpointsAndReopensMatchAModel: "
              + checkpoints
              + " checkpoints, "
              + reopens
              + " reopens, "
              + model.size()
              + " rows at the end");
      engine.close();
      engine = Engine.open(dir);
      assertRowsEqual(
          new ArrayList<>(model.values()), sortedBy(rows(engine, "kv"), 0), "seed " + seed);
    } finally {
      engine.close();
    }
  }

  /** New rows; a batch holding an existing or repeated key is refused whole. */
  private static void insert(
      Engine engine, Random random, Map<Integer, Object[]> model, String context) {
    int n = 1 + random.nextInt(12);
    WriteBatch batch = new WriteBatch();
    Map<Integer, Object[]> added = new LinkedHashMap<>();
    boolean duplicate = false;
    for (int i = 0; i < n; i++) {
      int key = random.nextInt(KEYS);
      Object[] row = randomRow(random, key);
      batch.insert(row);
      duplicate |= model.containsKey(key) || added.containsKey(key);
      added.put(key, row);
    }
    if (duplicate) {
      assertFails(ErrorCode.DUPLICATE_KEY, () -> engine.table("kv").apply(batch));
    } else {
      WriteResult result = engine.table("kv").apply(batch);
      assertEquals(n, result.written(), context);
      model.putAll(added);
    }
  }

  /** Rows that replace any with their key; the last of a key within a batch wins. */
  private static void upsert(Engine engine, Random random, Map<Integer, Object[]> model) {
    int n = 1 + random.nextInt(12);
    WriteBatch batch = new WriteBatch();
    Map<Integer, Object[]> written = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int key = random.nextInt(KEYS);
      Object[] row = randomRow(random, key);
      batch.upsert(row);
      written.put(key, row);
    }
    engine.table("kv").apply(batch);
    model.putAll(written);
  }

  /** Deletes of existing rows (by their current values) and of absent keys. */
  private static void delete(
      Engine engine, Random random, Map<Integer, Object[]> model, String context) {
    int n = 1 + random.nextInt(8);
    WriteBatch batch = new WriteBatch();
    Set<Integer> existing = new HashSet<>();
    for (int i = 0; i < n; i++) {
      int key = random.nextInt(KEYS);
      Object[] current = model.get(key);
      batch.delete(current != null ? current : randomRow(random, key));
      if (current != null) {
        existing.add(key);
      }
    }
    WriteResult result = engine.table("kv").apply(batch);
    assertEquals(existing.size(), result.deleted(), context + ": rows deleted");
    existing.forEach(model::remove);
  }

  /** UPDATEs, some moving a row to a free key. */
  private static void update(
      Engine engine, Random random, Map<Integer, Object[]> model, String context) {
    if (model.isEmpty()) {
      return;
    }
    List<Integer> keys = new ArrayList<>(model.keySet());
    WriteBatch batch = new WriteBatch();
    Set<Integer> touched = new HashSet<>();
    Map<Integer, Object[]> after = new LinkedHashMap<>();
    int n = 1 + random.nextInt(5);
    for (int i = 0; i < n; i++) {
      int key = keys.get(random.nextInt(keys.size()));
      if (!touched.add(key)) {
        continue;
      }
      int newKey = key;
      if (random.nextBoolean()) {
        int candidate = random.nextInt(KEYS);
        if (!model.containsKey(candidate) && touched.add(candidate)) {
          newKey = candidate;
        }
      }
      Object[] row = randomRow(random, newKey);
      batch.update(model.get(key), row);
      after.put(key, null);
      after.put(newKey, row);
    }
    WriteResult result = engine.table("kv").apply(batch);
    long updated = after.values().stream().filter(r -> r != null).count();
    assertEquals(updated, result.deleted(), context + ": rows updated");
    after.forEach(
        (key, row) -> {
          if (row == null) {
            model.remove(key);
          }
        });
    after.forEach(
        (key, row) -> {
          if (row != null) {
            model.put(key, row);
          }
        });
  }

  /** DELETE and INSERT of one key in one batch: the delete comes first, so the key is free. */
  private static void replaceInOneBatch(
      Engine engine, Random random, Map<Integer, Object[]> model) {
    if (model.isEmpty()) {
      return;
    }
    List<Integer> keys = new ArrayList<>(model.keySet());
    int key = keys.get(random.nextInt(keys.size()));
    Object[] row = randomRow(random, key);
    engine.table("kv").apply(new WriteBatch().delete(model.get(key)).insert(row));
    model.put(key, row);
  }
}
