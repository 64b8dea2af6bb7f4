package dev.quiver.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen remote clients at once, each on its own connection, for a bounded time: inserts (single
 * rows and batches), updates, top-k searches, counts and the odd FLUSH, against a database folder.
 * Each client must always read exactly its own acknowledged writes, and after the server shuts
 * down, the folder reopened embedded must hold every acknowledged write and nothing else.
 */
class ConcurrentClientsTest {
  private static final int CLIENTS = 16;
  private static final long DURATION_NANOS = 3_000_000_000L;
  private static final int DIM = 8;

  @TempDir Path folder;

  /** A row as its client last wrote it. */
  private record Row(float[] v, int n) {}

  @Test
  void sixteenClientsReadTheirWritesAndEveryAcknowledgedWriteSurvives() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("ConcurrentClientsTest seed=" + seed);
    String database = "jdbc:quiver:file:" + folder.resolve("db");
    Map<Long, Row> acknowledged = new ConcurrentHashMap<>();
    try (QuiverServer server = QuiverServer.start(ServerOptions.defaults(database).withPort(0))) {
      try (Connection c = DriverManager.getConnection(server.jdbcUrl());
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE t (id BIGINT PRIMARY KEY, client INTEGER NOT NULL, n INTEGER,"
                + " v VECTOR("
                + DIM
                + ") NOT NULL) WITH (segment_max_rows = 500)");
        s.execute("CREATE INDEX t_v ON t USING HNSW (v) WITH (metric = 'l2')");
      }
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<Future<Integer>> clients = new ArrayList<>();
      for (int client = 0; client < CLIENTS; client++) {
        int id = client;
        Random random = new Random(seed + client);
        clients.add(
            pool.submit(() -> runClient(server.jdbcUrl(), id, random, start, acknowledged, seed)));
      }
      start.countDown();
      int operations = 0;
      for (Future<Integer> client : clients) {
        operations += client.get();
      }
      pool.shutdown();
      System.out.println(
          "ConcurrentClientsTest: "
              + operations
              + " operations, "
              + acknowledged.size()
              + " rows acknowledged, seed="
              + seed);
      assertTrue(acknowledged.size() > CLIENTS, "seed=" + seed);
    }
    try (Connection c = DriverManager.getConnection(database);
        ResultSet rs = c.createStatement().executeQuery("SELECT id, n, v FROM t")) {
      int rows = 0;
      while (rs.next()) {
        Row expected = acknowledged.get(rs.getLong(1));
        assertTrue(
            expected != null, "row " + rs.getLong(1) + " was never acknowledged, seed=" + seed);
        assertEquals(expected.n(), rs.getInt(2), "row " + rs.getLong(1) + " seed=" + seed);
        assertArrayEquals(expected.v(), (float[]) rs.getObject(3), "seed=" + seed);
        rows++;
      }
      assertEquals(acknowledged.size(), rows, "acknowledged rows missing, seed=" + seed);
    }
  }

  /** One client's loop; returns how many operations it ran. */
  private static int runClient(
      String url,
      int client,
      Random random,
      CountDownLatch start,
      Map<Long, Row> acknowledged,
      long seed)
      throws Exception {
    List<Long> mine = new ArrayList<>();
    long next = (long) client << 32;
    int operations = 0;
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?, 0, ?)");
        PreparedStatement update = c.prepareStatement("UPDATE t SET n = n + 1 WHERE id = ?");
        PreparedStatement search =
            c.prepareStatement(
                "SELECT id, v <-> ? AS d FROM t WHERE client = ? ORDER BY d LIMIT 5");
        PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM t WHERE client = ?");
        Statement statement = c.createStatement()) {
      start.await();
      long end = System.nanoTime() + DURATION_NANOS;
      while (System.nanoTime() < end) {
        int dice = random.nextInt(100);
        if (dice < 40) {
          float[] v = vector(random);
          insert.setLong(1, next);
          insert.setInt(2, client);
          insert.setObject(3, v);
          assertEquals(1, insert.executeUpdate(), "seed=" + seed);
          acknowledged.put(next, new Row(v, 0));
          mine.add(next++);
        } else if (dice < 50) {
          List<float[]> batch = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            float[] v = vector(random);
            batch.add(v);
            insert.setLong(1, next + i);
            insert.setInt(2, client);
            insert.setObject(3, v);
            insert.addBatch();
          }
          assertEquals(5, insert.executeBatch().length, "seed=" + seed);
          for (float[] v : batch) {
            acknowledged.put(next, new Row(v, 0));
            mine.add(next++);
          }
        } else if (dice < 65 && !mine.isEmpty()) {
          long id = mine.get(random.nextInt(mine.size()));
          update.setLong(1, id);
          assertEquals(1, update.executeUpdate(), "seed=" + seed);
          Row row = acknowledged.get(id);
          acknowledged.put(id, new Row(row.v(), row.n() + 1));
        } else if (dice < 82) {
          search.setObject(1, vector(random));
          search.setInt(2, client);
          int hits = 0;
          try (ResultSet rs = search.executeQuery()) {
            while (rs.next()) {
              assertTrue(mine.contains(rs.getLong(1)), "another client's row, seed=" + seed);
              hits++;
            }
          }
          assertEquals(Math.min(5, mine.size()), hits, "seed=" + seed);
        } else if (dice < 99) {
          count.setInt(1, client);
          try (ResultSet rs = count.executeQuery()) {
            rs.next();
            assertEquals(mine.size(), rs.getLong(1), "client " + client + " seed=" + seed);
          }
        } else {
          statement.execute("FLUSH TABLE t");
        }
        operations++;
      }
    } catch (SQLException | AssertionError e) {
      throw new AssertionError("client " + client + " failed, seed=" + seed + ": " + e, e);
    }
    return operations;
  }

  private static float[] vector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
