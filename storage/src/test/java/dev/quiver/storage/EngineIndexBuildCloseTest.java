package dev.quiver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the database while the index thread builds a graph abandons the build without harming the
 * catalog: the close succeeds, and the next open has every row and builds the graph again.
 */
class EngineIndexBuildCloseTest {
  // Small segments: their graphs build fast, so a close often comes while the index thread
  // changes the catalog rather than while it writes.
  private static final int ROUNDS = 40;
  private static final int ROWS = 300;

  @TempDir Path dir;

  @Test
  void closeDuringAGraphBuildSucceedsAndTheNextOpenBuildsIt() {
    TableDef def =
        new TableDef(
            "t",
            List.of(ColumnDef.of("id", ColumnType.BIGINT, false), ColumnDef.vector("v", 32, false)),
            0,
            Options.table(Map.of()));
    IndexDef index =
        new IndexDef(
            "t_v",
            "t",
            "v",
            IndexMethod.HNSW,
            Metric.L2,
            Options.index(IndexMethod.HNSW, Map.of("metric", "l2")));
    Random random = new Random(1);
    for (int round = 0; round < ROUNDS; round++) {
      try (Engine engine = Engine.open(dir)) {
        engine.createTable(def, true);
        engine.createIndex(index, true);
        WriteBatch batch = new WriteBatch();
        for (long id = round * (long) ROWS; id < (round + 1) * (long) ROWS; id++) {
          float[] v = new float[32];
          for (int d = 0; d < v.length; d++) {
            v[d] = random.nextFloat();
          }
          batch.insert(new Object[] {id, v});
        }
        engine.table("t").apply(batch);
        engine.checkpoint();
        // Close at once, while the index thread rewrites the new segment.
      }
    }
    try (Engine engine = Engine.open(dir)) {
      assertEquals(ROUNDS * ROWS, SegmentTestSupport.count(engine, "t"));
      engine.awaitIndexed(300_000);
      assertEquals(ROUNDS * ROWS, SegmentTestSupport.count(engine, "t"));
    }
  }
}
