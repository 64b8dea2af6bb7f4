package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filtered top-k through SQL against the same WHERE clause evaluated by a scan: every shape the
 * segments answer from their indexes (comparisons, IN, BETWEEN, OR, NOT, IS NULL, LIKE), with
 * literals and parameters, and conditions they cannot (expressions), over sealed segments with
 * deleted and updated rows, NULLs and growing rows. An exact search must return the scan's nearest
 * rows; an HNSW search only rows the scan returns, as many as asked.
 */
class FilteredTopKTest {
  private static final int DIMENSION = 4;
  private static final int K = 10;

  /** A WHERE clause and the values of its parameters after the query vector's. */
  record Where(String sql, Object... parameters) {}

  private static final List<Where> WHERES =
      List.of(
          new Where("cat = 3"),
          new Where("cat < 10"),
          new Where("cat >= 95"),
          new Where("cat <> 5"),
          new Where("NOT (cat = 5)"),
          new Where("cat IN (1, 2, 3)"),
          new Where("cat NOT IN (1, 2, 3)"),
          new Where("cat BETWEEN 20 AND 22"),
          new Where("cat IS NULL"),
          new Where("cat IS NOT NULL AND price > 0.75"),
          new Where("cat = 1 OR name LIKE 'a%'"),
          new Where("price < 0.25"),
          new Where("price <= 0.5 AND NOT (name = 'b')"),
          new Where("name = 'b'"),
          new Where("name IS NULL OR cat < 2"),
          new Where("cat = ?", 7),
          new Where("cat < ? AND price > ?", 50, 0.5),
          new Where("cat = ?", (Object) null),
          new Where("name = ?", "c"),
          new Where("cat + 1 = 4"),
          new Where("MOD(id, 7) = 0 AND cat < 50"),
          new Where("CHAR_LENGTH(name) = 1 OR cat = 3"));

  @TempDir static Path folder;
  private static Connection connection;
  private static long seed;
  private static Random random;

  @BeforeAll
  static void build() throws SQLException {
    seed = TopKOracle.seed("FilteredTopKTest");
    random = new Random(seed);
    connection = DriverManager.getConnection("jdbc:quiver:file:" + folder.resolve("db"));
    try (Statement s = connection.createStatement()) {
      for (String table : List.of("t_plain", "t_hnsw")) {
        s.execute(
            "CREATE TABLE "
                + table
                + " (id INTEGER PRIMARY KEY, cat INTEGER, price DOUBLE, name VARCHAR,"
                + " e VECTOR("
                + DIMENSION
                + ") NOT NULL) WITH (segment_max_rows = 2000)");
      }
      s.execute("CREATE INDEX t_hnsw_e ON t_hnsw USING HNSW (e) WITH (metric = 'l2')");
      int id = 0;
      for (int chunk = 0; chunk < 2; chunk++) {
        insert(id, 2000);
        id += 2000;
        s.executeUpdate("FLUSH TABLE t_plain");
        s.executeUpdate("FLUSH TABLE t_hnsw");
      }
      for (String table : List.of("t_plain", "t_hnsw")) {
        s.executeUpdate("DELETE FROM " + table + " WHERE MOD(id, 13) = 0");
        s.executeUpdate("UPDATE " + table + " SET cat = 3 WHERE MOD(id, 29) = 1");
      }
      insert(id, 300);
      TopKOracle.awaitIndexesBuilt(s);
    }
  }

  private static void insert(int first, int count) throws SQLException {
    String[] names = {"a", "ab", "b", "c", "abc", null};
    List<Object[]> rows = new ArrayList<>();
    for (int id = first; id < first + count; id++) {
      float[] e = TopKOracle.gaussian(random, DIMENSION);
      rows.add(
          new Object[] {
            id,
            random.nextInt(12) == 0 ? null : random.nextInt(100),
            random.nextInt(12) == 0 ? null : random.nextDouble(),
            names[random.nextInt(names.length)],
            e
          });
    }
    for (String table : List.of("t_plain", "t_hnsw")) {
      try (PreparedStatement ps =
          connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)")) {
        for (Object[] row : rows) {
          for (int i = 0; i < row.length; i++) {
            ps.setObject(i + 1, row[i]);
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
  }

  @Test
  void exactFilteredTopKEqualsTheNearestRowsOfTheFilteredScan() throws SQLException {
    for (Where where : WHERES) {
      for (int q = 0; q < 3; q++) {
        float[] query = TopKOracle.gaussian(random, DIMENSION);
        List<Integer> scan = scan("t_plain", where, query);
        List<Integer> topK = topK("t_plain", where, query);
        assertEquals(
            scan.subList(0, Math.min(K, scan.size())), topK, where.sql() + " seed=" + seed);
      }
    }
  }

  @Test
  void hnswFilteredTopKReturnsOnlyScannedRowsAndAsManyAsAsked() throws SQLException {
    for (Where where : WHERES) {
      for (int q = 0; q < 3; q++) {
        float[] query = TopKOracle.gaussian(random, DIMENSION);
        List<Integer> scan = scan("t_hnsw", where, query);
        List<Integer> topK = topK("t_hnsw", where, query);
        assertEquals(Math.min(K, scan.size()), topK.size(), where.sql() + " seed=" + seed);
        for (int id : topK) {
          assertTrue(scan.contains(id), where.sql() + ": row " + id + " seed=" + seed);
        }
      }
    }
  }

  /**
   * The ids of the rows the WHERE clause selects, nearest first, by a scan: without ORDER BY the
   * query is no vector search, and its filter is evaluated row by row.
   */
  private static List<Integer> scan(String table, Where where, float[] query) throws SQLException {
    Map<Integer, Double> distances = new HashMap<>();
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT id, e <-> ? FROM " + table + " WHERE " + where.sql())) {
      ps.setObject(1, query);
      bind(ps, 2, where.parameters());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          distances.put(rs.getInt(1), rs.getDouble(2));
        }
      }
    }
    return distances.keySet().stream()
        .sorted(
            Comparator.comparingDouble((Integer id) -> distances.get(id))
                .thenComparingInt(id -> id))
        .toList();
  }

  private static List<Integer> topK(String table, Where where, float[] query) throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT id FROM " + table + " WHERE " + where.sql() + " ORDER BY e <-> ? LIMIT " + K)) {
      int next = bind(ps, 1, where.parameters());
      ps.setObject(next, query);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getInt(1));
        }
      }
    }
    return ids;
  }

  private static int bind(PreparedStatement ps, int first, Object[] parameters)
      throws SQLException {
    int index = first;
    for (Object p : parameters) {
      if (p == null) {
        ps.setNull(index++, Types.INTEGER);
      } else {
        ps.setObject(index++, p);
      }
    }
    return index;
  }
}
