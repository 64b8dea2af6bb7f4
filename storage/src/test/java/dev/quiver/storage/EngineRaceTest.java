package dev.quiver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes that race the end of a table or of the engine: each is either acknowledged and then
 * survives a reopen, or refused, and the database always opens again (found by review: a write
 * logged after its table's DROP, or logged and then reported as failed, made recovery fail).
 */
class EngineRaceTest {
  @TempDir Path dir;

  private static TableDef table() {
    return new TableDef("t", List.of(ColumnDef.of("id", ColumnType.BIGINT, false)), 0, Map.of());
  }

  @Test
  void writeRacingDropTableLeavesTheDatabaseOpenable() throws Exception {
    for (int round = 0; round < 5; round++) {
      Path db = dir.resolve("drop" + round);
      Engine engine = Engine.open(db);
      engine.createTable(table(), false);
      Table t = engine.table("t");
      WriteBatch big = new WriteBatch();
      for (long i = 0; i < 200_000; i++) {
        big.insert(new Object[] {i});
      }
      AtomicReference<Throwable> outcome = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  t.apply(big);
                } catch (Throwable e) {
                  outcome.set(e);
                }
              });
      writer.start();
      Thread.sleep(5 + round * 5);
      engine.dropTable("t", false);
      writer.join();
      Throwable failure = outcome.get();
      assertTrue(
          failure == null
              || (failure instanceof QuiverException q && q.code() == ErrorCode.TABLE_NOT_FOUND),
          "round " + round + ": " + failure);
      engine.close();
      try (Engine reopened = Engine.open(db)) {
        assertFalse(reopened.findTable("t").isPresent(), "round " + round);
      }
    }
  }

  @Test
  void writesRacingCloseAreEitherDurableOrRefused() throws Exception {
    for (int round = 0; round < 10; round++) {
      Path db = dir.resolve("close" + round);
      Engine engine = Engine.open(db);
      engine.createTable(table(), false);
      Table t = engine.table("t");
      Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicLong next = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        Thread writer =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    long id = next.incrementAndGet();
                    try {
                      t.apply(new WriteBatch().insert(new Object[] {id}));
                      acknowledged.add(id);
                    } catch (RuntimeException refused) {
                      // Refused because the engine closed; it must simply not count.
                    }
                  }
                });
        writer.start();
        writers.add(writer);
      }
      Thread.sleep(20);
      engine.close();
      stop.set(true);
      for (Thread writer : writers) {
        writer.join();
      }
      try (Engine reopened = Engine.open(db)) {
        Set<Long> present = new HashSet<>();
        for (Iterator<Object[]> it =
                reopened.table("t").scan(reopened.snapshot(), Predicate.ALWAYS);
            it.hasNext(); ) {
          present.add((Long) it.next()[0]);
        }
        assertTrue(
            present.containsAll(acknowledged), "round " + round + ": acknowledged rows lost");
        assertEquals(present.size(), new HashSet<>(present).size());
      }
    }
  }
}
