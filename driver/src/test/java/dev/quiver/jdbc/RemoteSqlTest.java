package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.sql.QuiverSqlSession;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC section 3 through the thin driver where it goes beyond the suites that run both ways:
 * vectors bit for bit, top-k over an index giving what embedded gives, EXPLAIN, per-connection SET,
 * hints, system tables, maintenance statements, results larger than one Avatica frame, and Quiver's
 * versions.
 */
class RemoteSqlTest {
  @RegisterExtension final RemoteServerExtension server = new RemoteServerExtension();

  private static final String TOP_K =
      "SELECT id, L2_DISTANCE(v, ?) AS d FROM docs WHERE category = ? ORDER BY d LIMIT 10";

  private static void createDocs(Connection c, int rows, int dim, Random random)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE docs (id BIGINT PRIMARY KEY, category VARCHAR, v VECTOR("
              + dim
              + ") NOT NULL)");
      s.execute("CREATE INDEX docs_hnsw ON docs USING HNSW (v) WITH (metric = 'l2')");
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO docs VALUES (?, ?, ?)")) {
      for (int i = 0; i < rows; i++) {
        ps.setLong(1, i);
        ps.setString(2, i % 3 == 0 ? "news" : "blog");
        ps.setObject(3, vector(random, dim));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static float[] vector(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static String explain(Connection c, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN PLAN FOR " + sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    }
  }

  private static List<String> topK(Connection c, float[] query) throws SQLException {
    List<String> hits = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(TOP_K)) {
      ps.setObject(1, query);
      ps.setString(2, "news");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          hits.add(rs.getLong(1) + ":" + rs.getDouble(2));
        }
      }
    }
    return hits;
  }

  @Test
  void vectorsTravelBitForBitBothWays() throws SQLException {
    long seed = new Random().nextLong();
    System.out.println("RemoteSqlTest.vectorsTravelBitForBitBothWays seed=" + seed);
    Random random = new Random(seed);
    int dim = 1 + random.nextInt(64);
    float[][] vectors = new float[20][];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = new float[dim];
      for (int j = 0; j < dim; j++) {
        // Whole float range, subnormals and negative zero included; every bit must survive.
        float f;
        do {
          f = Float.intBitsToFloat(random.nextInt());
        } while (!Float.isFinite(f));
        vectors[i][j] = f;
      }
    }
    try (Connection c = server.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v VECTOR(" + dim + "))");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 0; i < vectors.length; i++) {
          ps.setInt(1, i);
          ps.setObject(2, vectors[i]);
          ps.addBatch();
        }
        ps.setInt(1, 100);
        ps.setNull(2, Types.ARRAY);
        ps.addBatch();
        ps.executeBatch();
      }
      try (ResultSet rs = s.executeQuery("SELECT id, v FROM t ORDER BY id")) {
        ResultSetMetaData meta = rs.getMetaData();
        assertEquals(Types.ARRAY, meta.getColumnType(2));
        assertEquals("VECTOR(" + dim + ")", meta.getColumnTypeName(2));
        assertEquals(float[].class.getName(), meta.getColumnClassName(2));
        for (int i = 0; i < vectors.length; i++) {
          assertTrue(rs.next());
          float[] got = (float[]) rs.getObject(2);
          for (int j = 0; j < dim; j++) {
            assertEquals(
                Float.floatToRawIntBits(vectors[i][j]),
                Float.floatToRawIntBits(got[j]),
                "row " + i + " component " + j + " seed=" + seed);
          }
          Array array = rs.getArray("v");
          assertEquals(Types.REAL, array.getBaseType());
          assertArrayEquals(vectors[i], (float[]) array.getArray(), "seed=" + seed);
          assertEquals(QuiverSqlSession.formatVector(vectors[i]), rs.getString(2), "seed=" + seed);
        }
        assertTrue(rs.next());
        assertNull(rs.getObject(2));
        assertNull(rs.getString(2));
        assertFalse(rs.next());
      }
    }
  }

  @Test
  void textAndDoubleArrayParametersAreVectorsToo() throws SQLException {
    try (Connection c = server.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v VECTOR(3))");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        ps.setInt(1, 1);
        ps.setString(2, "[1, 0.5, -2]");
        ps.executeUpdate();
        ps.setInt(1, 2);
        ps.setObject(2, new double[] {0.25, 0, 4});
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM t ORDER BY v <-> ? LIMIT ?")) {
        ps.setString(1, "[0.3, 0, 4]");
        ps.setInt(2, 1);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(2, rs.getInt(1));
          assertFalse(rs.next());
        }
      }
    }
  }

  @Test
  void topKOverAnIndexGivesTheRowsAndDistancesEmbeddedGives() throws SQLException {
    long seed = new Random().nextLong();
    System.out.println("RemoteSqlTest.topKOverAnIndex seed=" + seed);
    Random random = new Random(seed);
    try (Connection remote = server.connect();
        Connection embedded = server.connectEmbedded()) {
      createDocs(remote, 600, 16, random);
      remote.createStatement().execute("FLUSH TABLE docs");
      for (int q = 0; q < 5; q++) {
        float[] query = vector(random, 16);
        List<String> viaServer = topK(remote, query);
        assertEquals(10, viaServer.size(), "seed=" + seed);
        assertEquals(topK(embedded, query), viaServer, "seed=" + seed);
      }
    }
  }

  @Test
  void explainShowsTheVectorScanWithIndexMetricAndPushedFilter() throws SQLException {
    try (Connection c = server.connect()) {
      createDocs(c, 30, 4, new Random(1));
      String plan = explain(c, TOP_K, new float[] {1, 0, 0, 0}, "news");
      assertTrue(plan.contains("VectorTopK("), plan);
      assertTrue(plan.contains("index=[docs_hnsw]"), plan);
      assertTrue(plan.contains("metric=[l2]"), plan);
      assertTrue(plan.contains("filter=[=(category, ?1)]"), plan);
    }
  }

  @Test
  void setChangesOnlyItsOwnRemoteConnectionAndHintsWinOverIt() throws SQLException {
    try (Connection a = server.connect();
        Connection b = server.connect()) {
      createDocs(a, 30, 4, new Random(2));
      float[] query = {0, 1, 0, 0};
      a.createStatement().execute("SET ef_search = 250");
      assertTrue(explain(a, TOP_K, query, "news").contains("ef_search=[250]"));
      assertTrue(explain(b, TOP_K, query, "news").contains("ef_search=[100]"));
      String hinted = TOP_K.replace("SELECT ", "SELECT /*+ EF_SEARCH(300) */ ");
      assertTrue(explain(a, hinted, query, "news").contains("ef_search=[300]"));
      a.createStatement().execute("RESET ef_search");
      assertTrue(explain(a, TOP_K, query, "news").contains("ef_search=[100]"));
    }
  }

  @Test
  void systemTablesAndMaintenanceStatementsWorkRemotely() throws SQLException {
    try (Connection c = server.connect();
        Statement s = c.createStatement()) {
      createDocs(c, 50, 4, new Random(3));
      s.execute("FLUSH TABLE docs");
      try (ResultSet rs = s.executeQuery("SELECT table_name, row_count FROM sys.tables")) {
        assertTrue(rs.next());
        assertEquals("docs", rs.getString(1));
        assertEquals(50, rs.getLong(2));
      }
      try (ResultSet rs =
          s.executeQuery("SELECT method, metric FROM sys.indexes WHERE index_name = 'docs_hnsw'")) {
        assertTrue(rs.next());
        assertEquals("HNSW", rs.getString(1).toUpperCase(java.util.Locale.ROOT));
        assertEquals("l2", rs.getString(2).toLowerCase(java.util.Locale.ROOT));
      }
      try (ResultSet rs =
          s.executeQuery("SELECT SUM(row_count) FROM sys.segments WHERE table_name = 'docs'")) {
        assertTrue(rs.next());
        assertEquals(50, rs.getLong(1));
      }
      s.execute("DROP INDEX docs_hnsw");
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sys.indexes")) {
        assertTrue(rs.next());
        assertEquals(0, rs.getLong(1));
      }
      s.execute("DROP TABLE docs");
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sys.tables")) {
        assertTrue(rs.next());
        assertEquals(0, rs.getLong(1));
      }
    }
  }

  @Test
  void aResultLargerThanOneFrameArrivesWhole() throws SQLException {
    try (Connection c = server.connect();
        Statement s = c.createStatement()) {
      createDocs(c, 2500, 8, new Random(4));
      long sum = 0;
      int rows = 0;
      try (ResultSet rs = s.executeQuery("SELECT id, v FROM docs")) {
        while (rs.next()) {
          sum += rs.getLong(1);
          assertEquals(8, ((float[]) rs.getObject(2)).length);
          rows++;
        }
      }
      assertEquals(2500, rows);
      assertEquals(2499L * 2500 / 2, sum);
    }
  }

  @Test
  void driverAndServerReportQuiverAndItsVersion() throws SQLException {
    try (Connection c = server.connect()) {
      DatabaseMetaData meta = c.getMetaData();
      assertEquals("Quiver", meta.getDatabaseProductName());
      assertEquals(QuiverVersion.version(), meta.getDatabaseProductVersion());
      assertEquals(QuiverVersion.major(), meta.getDatabaseMajorVersion());
      assertEquals(QuiverVersion.minor(), meta.getDatabaseMinorVersion());
      assertEquals("Quiver JDBC driver", meta.getDriverName());
      assertEquals(QuiverVersion.version(), meta.getDriverVersion());
      assertEquals(server.server().jdbcUrl(), meta.getURL());
      assertEquals(c, meta.getConnection());
    }
  }
}
