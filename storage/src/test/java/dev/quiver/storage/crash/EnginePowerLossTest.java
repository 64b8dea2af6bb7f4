package dev.quiver.storage.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quiver.storage.Engine;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.file.FaultInjectingFileLayer;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that loses power keeps every acknowledged write and no partial batch: the engine runs
 * on a {@link FaultInjectingFileLayer}, writes batches (durable ones, {@code sync=none} ones, and
 * checkpoints in between), then the layer drops or tears what was never forced, and the reopened
 * database must equal the acknowledged state plus some prefix of the unacknowledged batches (the
 * log is written in order), each batch whole or absent.
 */
class EnginePowerLossTest {
  @TempDir Path folder;

  /** One batch: rows inserted or deleted by id. */
  private record Op(boolean insert, List<Long> ids) {
    void applyTo(Set<Long> rows) {
      if (insert) {
        rows.addAll(ids);
      } else {
        ids.forEach(rows::remove);
      }
    }
  }

  @Test
  void powerLossKeepsEveryAcknowledgedWriteAndNoPartialBatch() throws IOException {
    long seed = Long.getLong("tests.seed", System.nanoTime());
    System.out.println("EnginePowerLossTest seed=" + seed);
    Random random = new Random(seed);
    Path db = folder.resolve("db");
    Set<Long> certain = new HashSet<>();
    long nextId = 0;
    for (int round = 0; round < 60; round++) {
      String context = "seed=" + seed + " round=" + round;
      FaultInjectingFileLayer layer = new FaultInjectingFileLayer();
      Engine engine = Engine.open(db, layer);
      engine.createTable(CrashWorkload.table(), true);
      Table t = engine.table("t");
      List<Op> pending = new ArrayList<>();
      int ops = 1 + random.nextInt(25);
      for (int i = 0; i < ops; i++) {
        Set<Long> current = new HashSet<>(certain);
        pending.forEach(op -> op.applyTo(current));
        Op op;
        if (!current.isEmpty() && random.nextInt(3) == 0) {
          List<Long> candidates = new ArrayList<>(current);
          List<Long> ids = new ArrayList<>();
          for (int k = 1 + random.nextInt(5); k > 0 && !candidates.isEmpty(); k--) {
            ids.add(candidates.remove(random.nextInt(candidates.size())));
          }
          op = new Op(false, ids);
        } else {
          List<Long> ids = new ArrayList<>();
          for (int k = 1 + random.nextInt(40); k > 0; k--) {
            ids.add(nextId++);
          }
          op = new Op(true, ids);
        }
        WriteBatch batch = new WriteBatch();
        for (long id : op.ids()) {
          if (op.insert()) {
            batch.insert(CrashWorkload.row(id));
          } else {
            batch.delete(CrashWorkload.row(id));
          }
        }
        boolean durable = random.nextInt(4) != 0;
        t.apply(batch, durable);
        pending.add(op);
        // A durable acknowledgement covers every batch logged before it; a checkpoint writes them.
        boolean certainNow = durable;
        if (random.nextInt(8) == 0) {
          engine.checkpoint();
          certainNow = true;
        }
        if (certainNow) {
          pending.forEach(o -> o.applyTo(certain));
          pending.clear();
        }
      }
      layer.crash(random);
      try {
        engine.close();
      } catch (QuiverException expected) {
        // The log's channel died with the power; the folder is released all the same.
      }
      try (Engine reopened = Engine.open(db, layer)) {
        Map<Long, Object[]> found = new HashMap<>();
        Table table = reopened.table("t");
        for (Iterator<Object[]> it = table.scan(reopened.snapshot(), Predicate.ALWAYS);
            it.hasNext(); ) {
          Object[] row = it.next();
          found.put((Long) row[0], row);
        }
        Set<Long> expected = new HashSet<>(certain);
        int kept = -1;
        for (int j = 0; j <= pending.size(); j++) {
          if (expected.equals(found.keySet())) {
            kept = j;
            break;
          }
          if (j < pending.size()) {
            pending.get(j).applyTo(expected);
          }
        }
        if (kept < 0) {
          fail(
              context
                  + ": after the power loss the table holds "
                  + found.size()
                  + " rows, which is neither the acknowledged state ("
                  + certain.size()
                  + " rows) nor it plus a prefix of the "
                  + pending.size()
                  + " unacknowledged batches");
        }
        for (int j = 0; j < kept; j++) {
          pending.get(j).applyTo(certain);
        }
        for (Map.Entry<Long, Object[]> e : found.entrySet()) {
          Object[] want = CrashWorkload.row(e.getKey());
          assertEquals(want[1], e.getValue()[1], context + ": row " + e.getKey());
          assertArrayEquals(
              (float[]) want[2], (float[]) e.getValue()[2], context + ": row " + e.getKey());
        }
      }
    }
  }
}
