package dev.quiver.jdbc;

import static dev.quiver.jdbc.TopKOracle.assertExact;
import static dev.quiver.jdbc.TopKOracle.bind;
import static dev.quiver.jdbc.TopKOracle.hits;
import static dev.quiver.jdbc.TopKOracle.literal;
import static dev.quiver.jdbc.TopKOracle.rank;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.jdbc.TopKOracle.Fn;
import dev.quiver.jdbc.TopKOracle.Hit;
import dev.quiver.jdbc.TopKOracle.Ranked;
import dev.quiver.jdbc.TopKOracle.Row;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which queries become one engine search ({@code VectorTopK} in EXPLAIN) and which are left to
 * Calcite's sort, and that both give the rows a brute-force oracle computes from the inserted data.
 * The table lives in memory, so every search is exact and the oracle's rows are the only right
 * answer (up to ties). Also: NULL vectors, and the errors a bad query vector or LIMIT gives.
 */
class VectorTopKPlanningTest {
  private static final int DIMENSION = 4;
  private static final int ROWS = 300;
  private static final String[] CATEGORIES = {"alpha", "beta", "gamma", "albatross", null};

  /** Stands for the query vector among a case's parameters. */
  private static final Object QUERY =
      new Object() {
        @Override
        public String toString() {
          return "<query vector>";
        }
      };

  private Connection connection;
  private Statement statement;
  private long seed;
  private List<Row> rows;
  private float[] q;

  @TempDir Path folder;

  @BeforeEach
  void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:quiver:mem:");
    statement = connection.createStatement();
    statement.execute(
        "CREATE TABLE t (id BIGINT PRIMARY KEY, category VARCHAR, n INTEGER,"
            + " v VECTOR(4) NOT NULL)");
    statement.execute("CREATE INDEX t_v_l2 ON t USING HNSW (v) WITH (metric = 'l2')");
    seed = TopKOracle.seed("VectorTopKPlanningTest");
    Random random = new Random(seed);
    rows = new ArrayList<>();
    for (long id = 1; id <= ROWS; id++) {
      Integer n = random.nextInt(10) == 0 ? null : random.nextInt(100);
      String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
      rows.add(new Row(id, category, n, TopKOracle.gaussian(random, DIMENSION)));
    }
    insert(connection, "t", rows);
    q = TopKOracle.gaussian(random, DIMENSION);
    currentQuery = q;
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  static void insert(Connection connection, String table, List<Row> rows) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO " + table + " (id, category, n, v) VALUES (?, ?, ?, ?)")) {
      for (Row row : rows) {
        ps.setLong(1, row.id());
        ps.setString(2, row.category());
        ps.setObject(3, row.n());
        ps.setObject(4, row.v());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  // ---------------------------------------------------------------- queries that become VectorTopK

  /**
   * One query of the plan-shape tests: its SQL ({@code 'Q'} is replaced by the query vector as a
   * literal, {@link #QUERY} among the parameters by it as a float[]), the oracle's ordering and
   * filter, and the positions of the oracle's ranking it must return.
   */
  record Case(
      String name,
      String sql,
      List<Object> parameters,
      Fn fn,
      boolean farthestFirst,
      Predicate<Row> filter,
      int k,
      int offset,
      List<String> planShows) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case topK(
      String name, String sql, Fn fn, int k, int offset, List<String> planShows, Object... params) {
    return new Case(name, sql, List.of(params), fn, false, r -> true, k, offset, planShows);
  }

  private static Case where(String condition, Predicate<Row> filter, Object... params) {
    return new Case(
        "WHERE " + condition,
        "SELECT id, v <-> 'Q' AS d FROM t WHERE " + condition + " ORDER BY d LIMIT 10",
        List.of(params),
        Fn.L2,
        false,
        filter,
        10,
        0,
        List.of("filter=[", "index=[t_v_l2]"));
  }

  static Stream<Case> rewrittenQueries() {
    List<String> l2 = List.of("metric=[l2]", "index=[t_v_l2]", "ef_search=[100]", "column=[v]");
    return Stream.of(
        topK(
            "LIMIT k, ORDER BY alias",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d LIMIT 5",
            Fn.L2,
            5,
            0,
            concat(l2, "k=[5]")),
        topK(
            "LIMIT ? (prepared)",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d LIMIT ?",
            Fn.L2,
            7,
            0,
            concat(l2, "k=[?0]"),
            7),
        topK(
            "FETCH FIRST n ROWS ONLY",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d FETCH FIRST 6 ROWS ONLY",
            Fn.L2,
            6,
            0,
            concat(l2, "k=[6]")),
        topK(
            "OFFSET m ROWS FETCH NEXT n ROWS ONLY",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d OFFSET 3 ROWS FETCH NEXT 4 ROWS ONLY",
            Fn.L2,
            4,
            3,
            concat(l2, "k=[4]", "offset=[3]")),
        topK(
            "LIMIT k OFFSET m",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d LIMIT 4 OFFSET 3",
            Fn.L2,
            4,
            3,
            concat(l2, "k=[4]", "offset=[3]")),
        topK(
            "OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
            Fn.L2,
            5,
            2,
            concat(l2, "offset=[?0]", "k=[?1]"),
            2,
            5),
        topK(
            "query vector as ?",
            "SELECT id, v <-> ? AS d FROM t ORDER BY d LIMIT 5",
            Fn.L2,
            5,
            0,
            concat(l2, "query=[?0]", "k=[5]"),
            QUERY),
        topK(
            "query vector and LIMIT as ?",
            "SELECT id, v <-> ? AS d FROM t ORDER BY d LIMIT ?",
            Fn.L2,
            8,
            0,
            concat(l2, "query=[?0]", "k=[?1]"),
            QUERY,
            8),
        topK(
            "query vector literal",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d LIMIT 5",
            Fn.L2,
            5,
            0,
            concat(l2, "query=[TO_VECTOR('[")),
        topK(
            "ORDER BY expression not in the select list",
            "SELECT id FROM t ORDER BY v <-> 'Q' LIMIT 5",
            Fn.L2,
            5,
            0,
            l2),
        topK("ORDER BY ordinal", "SELECT id, v <-> 'Q' FROM t ORDER BY 2 LIMIT 5", Fn.L2, 5, 0, l2),
        topK("SELECT *", "SELECT * FROM t ORDER BY v <-> 'Q' LIMIT 5", Fn.L2, 5, 0, l2),
        topK(
            "distance in a larger expression of the select list",
            "SELECT id, (v <-> 'Q') * 1 AS d FROM t ORDER BY v <-> 'Q' LIMIT 5",
            Fn.L2,
            5,
            0,
            l2),
        topK(
            "L2_DISTANCE function",
            "SELECT id, L2_DISTANCE(v, 'Q') AS d FROM t ORDER BY d LIMIT 5",
            Fn.L2,
            5,
            0,
            l2),
        topK(
            "query vector as first argument",
            "SELECT id, L2_DISTANCE('Q', v) AS d FROM t ORDER BY d LIMIT 5",
            Fn.L2,
            5,
            0,
            l2),
        topK(
            "COSINE_DISTANCE function",
            "SELECT id, COSINE_DISTANCE(v, 'Q') AS d FROM t ORDER BY d LIMIT 5",
            Fn.COSINE,
            5,
            0,
            List.of("metric=[cosine]", "index=[none (exact)]")),
        topK(
            "<=> operator",
            "SELECT id, v <=> 'Q' AS d FROM t ORDER BY d LIMIT 5",
            Fn.COSINE,
            5,
            0,
            List.of("metric=[cosine]", "index=[none (exact)]")),
        // Only the ids here; negativeInnerProductKeepsItsSignWhenRewritten checks the value.
        topK(
            "NEGATIVE_INNER_PRODUCT function",
            "SELECT id FROM t ORDER BY NEGATIVE_INNER_PRODUCT(v, 'Q') LIMIT 5",
            Fn.IP,
            5,
            0,
            List.of("metric=[ip]", "index=[none (exact)]")),
        topK(
            "<#> operator",
            "SELECT id FROM t ORDER BY v <#> ? LIMIT 5",
            Fn.IP,
            5,
            0,
            List.of("metric=[ip]", "index=[none (exact)]"),
            QUERY),
        topK(
            "INNER_PRODUCT DESC on a NOT NULL column",
            "SELECT id, INNER_PRODUCT(v, 'Q') AS s FROM t ORDER BY s DESC LIMIT 5",
            Fn.IP,
            5,
            0,
            List.of("metric=[ip]", "index=[none (exact)]")),
        where("category = 'alpha'", r -> "alpha".equals(r.category())),
        where("category <> 'alpha'", r -> r.category() != null && !"alpha".equals(r.category())),
        where("n = 42", r -> Objects.equals(r.n(), 42)),
        where("n < 30", r -> r.n() != null && r.n() < 30),
        where("n <= 30", r -> r.n() != null && r.n() <= 30),
        where("n > 70", r -> r.n() != null && r.n() > 70),
        where("n >= 70", r -> r.n() != null && r.n() >= 70),
        where(
            "n IN (1, 5, 9, 13, 17, 21, 25)",
            r -> r.n() != null && List.of(1, 5, 9, 13, 17, 21, 25).contains(r.n())),
        where("n BETWEEN 20 AND 40", r -> r.n() != null && r.n() >= 20 && r.n() <= 40),
        where("category LIKE 'al%'", r -> r.category() != null && r.category().startsWith("al")),
        where("category IS NULL", r -> r.category() == null),
        where("n IS NOT NULL", r -> r.n() != null),
        where(
            "(category = 'beta' OR n < 10) AND NOT (n > 50)",
            r ->
                ("beta".equals(r.category()) || (r.n() != null && r.n() < 10))
                    && r.n() != null
                    && r.n() <= 50),
        where(
            "NOT (category = 'alpha')", r -> r.category() != null && !r.category().equals("alpha")),
        where("id + 1 > 250", r -> r.id() + 1 > 250),
        where("MOD(id, 7) = 3", r -> r.id() % 7 == 3),
        where("v <-> 'Q' < 1.5", r -> r.v() != null && Fn.L2.distance(r.v(), currentQuery) < 1.5),
        where(
            "category = ? AND n < ?",
            r -> "gamma".equals(r.category()) && r.n() != null && r.n() < 60,
            "gamma",
            60),
        where(
            "n > 95 AND category = 'beta'",
            r -> r.n() != null && r.n() > 95 && "beta".equals(r.category())),
        where("n > 1000", r -> false));
  }

  /**
   * The query vector, for the one filter that computes a distance: set by {@link #open} before each
   * test runs its case (the cases are built before the random query vector exists).
   */
  private static float[] currentQuery;

  @ParameterizedTest(name = "{0}")
  @MethodSource("rewrittenQueries")
  void topKQueryIsOneVectorTopKWithoutSortAndReturnsTheOracleRows(Case c) throws SQLException {
    String sql = sql(c);
    String plan = explain(sql, c.parameters());
    assertTrue(plan.contains("VectorTopK("), c + ": no VectorTopK in\n" + plan);
    assertFalse(plan.contains("EnumerableSort"), c + ": a sort remains in\n" + plan);
    assertFalse(plan.contains("EnumerableLimit"), c + ": a limit remains in\n" + plan);
    for (String item : c.planShows()) {
      assertTrue(plan.contains(item), c + ": EXPLAIN does not show " + item + " in\n" + plan);
    }
    assertOracle(c, sql);
  }

  static Stream<Case> sortedByCalcite() {
    return Stream.of(
        new Case(
            "ORDER BY l2 distance DESC (farthest first)",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d DESC LIMIT 5",
            List.of(),
            Fn.L2,
            true,
            r -> true,
            5,
            0,
            List.of()),
        new Case(
            "INNER_PRODUCT ascending (farthest first)",
            "SELECT id, INNER_PRODUCT(v, 'Q') AS s FROM t ORDER BY s LIMIT 5",
            List.of(),
            Fn.IP,
            true,
            r -> true,
            5,
            0,
            List.of()),
        new Case(
            "two sort keys",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d, id LIMIT 5",
            List.of(),
            Fn.L2,
            false,
            r -> true,
            5,
            0,
            List.of()),
        new Case(
            "no LIMIT",
            "SELECT id, v <-> ? AS d FROM t WHERE n < 50 ORDER BY d",
            List.of(QUERY),
            Fn.L2,
            false,
            r -> r.n() != null && r.n() < 50,
            ROWS,
            0,
            List.of()),
        new Case(
            "OFFSET without LIMIT",
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d OFFSET 290 ROWS",
            List.of(),
            Fn.L2,
            false,
            r -> true,
            ROWS,
            290,
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sortedByCalcite")
  void queryThatIsNotATopKIsSortedByCalciteWithTheSameRows(Case c) throws SQLException {
    String sql = sql(c);
    String plan = explain(sql, c.parameters());
    assertFalse(plan.contains("VectorTopK"), c + ": rewritten although it should not be\n" + plan);
    assertTrue(plan.contains("EnumerableSort"), c + ": no sort in\n" + plan);
    assertOracle(c, sql);
  }

  @Test
  void explainNamesTheHnswIndexOfTheQueryMetricAndNoneOtherwise() throws SQLException {
    String l2 = "SELECT id FROM t ORDER BY v <-> ? LIMIT 3";
    String cosine = "SELECT id FROM t ORDER BY v <=> ? LIMIT 3";
    String ip = "SELECT id, INNER_PRODUCT(v, ?) AS s FROM t ORDER BY s DESC LIMIT 3";
    assertTrue(explain(l2, List.of(QUERY)).contains("index=[t_v_l2], ef_search=[100]"));
    assertTrue(explain(cosine, List.of(QUERY)).contains("index=[none (exact)]"));
    assertFalse(explain(cosine, List.of(QUERY)).contains("ef_search"));

    statement.execute(
        "CREATE INDEX t_v_ip ON t USING HNSW (v) WITH (metric = 'ip', ef_search = 40)");
    String plan = explain(ip, List.of(QUERY));
    assertTrue(plan.contains("index=[t_v_ip], ef_search=[40]"), plan);
    assertTrue(explain(cosine, List.of(QUERY)).contains("index=[none (exact)]"));

    statement.execute("DROP INDEX t_v_l2");
    plan = explain(l2, List.of(QUERY));
    assertTrue(plan.contains("VectorTopK(") && plan.contains("index=[none (exact)]"), plan);
    assertExact(
        rank(rows, Fn.L2, q, r -> true), 0, 3, query(l2, List.of(QUERY)), "after DROP INDEX");
  }

  private String sql(Case c) {
    return c.sql().replace("'Q'", "'" + literal(q) + "'");
  }

  private void assertOracle(Case c, String sql) throws SQLException {
    Ranked oracle = rank(rows, c.fn(), q, c.filter());
    if (c.farthestFirst()) {
      List<Row> reversed = new ArrayList<>(oracle.rows());
      List<Double> distances = new ArrayList<>(oracle.distances());
      Collections.reverse(reversed);
      Collections.reverse(distances);
      oracle = new Ranked(reversed, distances);
    }
    assertExact(oracle, c.offset(), c.k(), query(sql, c.parameters()), c + " seed=" + seed);
  }

  private List<Object> withQuery(List<Object> parameters) {
    return parameters.stream().map(p -> p == QUERY ? (Object) q : p).toList();
  }

  private String explain(String sql, List<Object> parameters) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("EXPLAIN PLAN FOR " + sql)) {
      bind(ps, withQuery(parameters).toArray());
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    }
  }

  private List<Hit> query(String sql, List<Object> parameters) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, withQuery(parameters).toArray());
      return hits(ps.executeQuery());
    }
  }

  private static List<String> concat(List<String> a, String... more) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(more));
    return all;
  }

  // ------------------------------------------------------------------------------- NULL vectors

  /**
   * A table with a nullable vector column, some rows NULL: in memory, or in a file database with an
   * HNSW index where the rows (NULLs included) are split over two segments and growing rows.
   */
  private List<Row> nullableTable(Connection c, boolean segments, String metric)
      throws SQLException {
    Random random = new Random(seed);
    List<Row> data = new ArrayList<>();
    for (long id = 1; id <= 30; id++) {
      float[] v = id % 3 == 0 ? null : TopKOracle.gaussian(random, 3);
      data.add(new Row(id, id % 2 == 0 ? "even" : "odd", (int) id, v));
    }
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE nv (id BIGINT PRIMARY KEY, category VARCHAR, n INTEGER, v VECTOR(3))");
      if (segments) {
        s.execute("CREATE INDEX nv_v ON nv USING HNSW (v) WITH (metric = '" + metric + "')");
        insert(c, "nv", data.subList(0, 12));
        s.executeUpdate("FLUSH TABLE nv");
        insert(c, "nv", data.subList(12, 24));
        s.executeUpdate("FLUSH TABLE nv");
        insert(c, "nv", data.subList(24, 30));
      } else {
        insert(c, "nv", data);
      }
    }
    return data;
  }

  private Connection nullableConnection(boolean segments) throws SQLException {
    return segments
        ? DriverManager.getConnection("jdbc:quiver:file:" + folder.resolve("nulls"))
        : connection;
  }

  @ParameterizedTest(name = "in segments: {0}")
  @ValueSource(booleans = {false, true})
  void nullVectorsComeAfterEveryVectorWhenKExceedsTheRowsWithOne(boolean segments)
      throws SQLException {
    Connection c = nullableConnection(segments);
    try {
      List<Row> data = nullableTable(c, segments, "l2");
      float[] query = {0.5f, -0.25f, 1};
      String sql = "SELECT id, v <-> ? AS d FROM nv ORDER BY d LIMIT ?";
      try (PreparedStatement explain = c.prepareStatement("EXPLAIN PLAN FOR " + sql)) {
        bind(explain, query, 25);
        try (ResultSet rs = explain.executeQuery()) {
          rs.next();
          String plan = rs.getString(1);
          assertTrue(plan.contains("VectorTopK("), plan);
          assertTrue(plan.contains(segments ? "index=[nv_v]" : "index=[none (exact)]"), plan);
        }
      }
      Ranked all = rank(data, Fn.L2, query, r -> true);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int k : new int[] {5, 20, 25, 30, 100}) {
          bind(ps, query, k);
          List<Hit> hits = hits(ps.executeQuery());
          assertExact(all, 0, k, hits, "LIMIT " + k + " seed=" + seed);
          // 20 rows have a vector: the NULLs come only after all of them.
          for (int i = 0; i < hits.size(); i++) {
            assertEquals(i >= 20, hits.get(i).distance() == null, "LIMIT " + k + " row " + i);
          }
        }
      }
      // A filter applies to the NULL rows too, and OFFSET counts them.
      Predicate<Row> even = r -> "even".equals(r.category());
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, v <-> ? AS d FROM nv WHERE category = 'even'"
                  + " ORDER BY d OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
        bind(ps, query, 8, 5);
        assertExact(rank(data, Fn.L2, query, even), 8, 5, hits(ps.executeQuery()), "OFFSET 8");
      }
      // A filter on the vector column itself.
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, v <-> ? AS d FROM nv WHERE v IS NULL ORDER BY d LIMIT 20")) {
        bind(ps, query);
        assertExact(
            rank(data, Fn.L2, query, r -> r.v() == null), 0, 20, hits(ps.executeQuery()), "NULL");
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, v <-> ? AS d FROM nv WHERE v IS NOT NULL ORDER BY d LIMIT 25")) {
        bind(ps, query);
        assertExact(
            rank(data, Fn.L2, query, r -> r.v() != null), 0, 25, hits(ps.executeQuery()), "NN");
      }
    } finally {
      if (segments) {
        c.close();
      }
    }
  }

  @Test
  void innerProductDescOnANullableColumnKeepsCalcitesNullsFirstUnlessNullsLastIsWritten()
      throws SQLException {
    List<Row> data = nullableTable(connection, false, "ip");
    float[] query = {1, 2, -1};
    String nullsFirst = "SELECT id, INNER_PRODUCT(v, ?) AS s FROM nv ORDER BY s DESC LIMIT 12";
    assertTrue(explain(nullsFirst, List.of(QUERY)).contains("EnumerableSort"));
    List<Hit> hits = query(nullsFirst, List.of(query));
    assertEquals(12, hits.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(null, hits.get(i).distance(), "DESC puts the 10 NULLs first");
    }
    Ranked ranked = rank(data, Fn.IP, query, r -> true);
    assertEquals(ranked.ids(0, 2), hits.subList(10, 12).stream().map(Hit::id).toList());

    String nullsLast =
        "SELECT id, INNER_PRODUCT(v, ?) AS s FROM nv ORDER BY s DESC NULLS LAST LIMIT 25";
    String plan = explain(nullsLast, List.of(QUERY));
    assertTrue(plan.contains("VectorTopK(") && !plan.contains("EnumerableSort"), plan);
    assertExact(ranked, 0, 25, query(nullsLast, List.of(query)), "DESC NULLS LAST");
  }

  @ParameterizedTest(name = "in segments: {0}")
  @ValueSource(booleans = {false, true})
  void cosineWithAZeroQueryVectorReturnsNaNDistancesAndDoesNotFail(boolean segments)
      throws SQLException {
    Connection c = nullableConnection(segments);
    try {
      nullableTable(c, segments, "cosine");
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id, v <=> ? AS d FROM nv ORDER BY d LIMIT ?")) {
        bind(ps, new float[] {0, 0, 0}, 25);
        List<Hit> hits = hits(ps.executeQuery());
        assertEquals(25, hits.size());
        for (int i = 0; i < 25; i++) {
          Double d = hits.get(i).distance();
          if (i < 20) {
            assertTrue(d != null && d.isNaN(), "row " + i + " has a vector: NaN, got " + d);
          } else {
            assertEquals(null, d, "row " + i + " has no vector");
          }
        }
      }
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT id, COSINE_DISTANCE(v, '[0, 0, 0]') AS d FROM nv"
                      + " WHERE n > 10 ORDER BY d LIMIT 3")) {
        List<Hit> hits = hits(rs);
        assertEquals(3, hits.size());
        assertTrue(hits.get(0).distance().isNaN());
      }
    } finally {
      if (segments) {
        c.close();
      }
    }
  }

  @Test
  void storedZeroVectorUnderACosineIndexIsFarthestAndFlushStillWorks() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:quiver:file:" + folder.resolve("zero"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE z (id BIGINT PRIMARY KEY, v VECTOR(2) NOT NULL)");
      s.execute("CREATE INDEX z_v ON z USING HNSW (v) WITH (metric = 'cosine')");
      s.executeUpdate("INSERT INTO z VALUES (1, '[1, 0]'), (2, '[0, 0]'), (3, '[1, 1]')");
      s.executeUpdate("FLUSH TABLE z");
      s.executeUpdate("INSERT INTO z VALUES (4, '[0, 0]'), (5, '[0, 1]')");
      List<Hit> hits =
          hits(s.executeQuery("SELECT id, v <=> '[1, 0.1]' AS d FROM z ORDER BY d LIMIT 5"));
      assertEquals(List.of(1L, 3L, 5L), hits.subList(0, 3).stream().map(Hit::id).toList());
      assertTrue(hits.get(3).distance().isNaN() && hits.get(4).distance().isNaN());
    }
  }

  // ------------------------------------------------------------------------------------- errors

  @Test
  void queryVectorOfTheWrongDimensionIs22000NamingBothDimensions() throws SQLException {
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> statement.executeQuery("SELECT id FROM t ORDER BY v <-> '[1, 0]' LIMIT 3"));
    assertEquals("22000", e.getSQLState(), e.getMessage());
    assertTrue(
        e.getMessage().contains("VECTOR(4)") && e.getMessage().contains("VECTOR(2)"),
        e.getMessage());

    try (PreparedStatement ps =
        connection.prepareStatement("SELECT id FROM t ORDER BY v <-> ? LIMIT 3")) {
      ps.setObject(1, new float[] {1, 0, 0, 0, 0});
      e = assertThrows(SQLException.class, () -> ps.executeQuery().next());
      assertEquals("22000", e.getSQLState(), e.getMessage());
      assertTrue(
          e.getMessage().contains("VECTOR(4)") && e.getMessage().contains("5 values"),
          e.getMessage());
    }
  }

  @Test
  void nanOrInfinityInTheQueryVectorIs22000() throws SQLException {
    for (String bad : new String[] {"[1, NaN, 0, 0]", "[1, 0, Infinity, 0]"}) {
      SQLException e =
          assertThrows(
              SQLException.class,
              () ->
                  statement.executeQuery("SELECT id FROM t ORDER BY v <-> '" + bad + "' LIMIT 3"));
      assertEquals("22000", e.getSQLState(), bad + ": " + e.getMessage());
    }
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT id FROM t ORDER BY v <=> ? LIMIT 3")) {
      for (float bad : new float[] {Float.NaN, Float.NEGATIVE_INFINITY}) {
        SQLException e =
            assertThrows(
                SQLException.class,
                () -> {
                  ps.setObject(1, new float[] {1, bad, 0, 0});
                  ps.executeQuery().next();
                });
        assertEquals("22000", e.getSQLState(), bad + ": " + e.getMessage());
      }
    }
  }

  @Test
  void negativeLimitOrOffsetIsAnError() throws SQLException {
    // A literal: the parser refuses it.
    SQLException e =
        assertThrows(
            SQLException.class,
            () ->
                statement.executeQuery("SELECT id FROM t ORDER BY v <-> '[1, 0, 0, 0]' LIMIT -1"));
    assertEquals("42601", e.getSQLState(), e.getMessage());
    // A parameter: the top-k search refuses it (22023, INVALID_VALUE).
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT id FROM t ORDER BY v <-> ? OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
      bind(ps, q, 0, -1);
      e = assertThrows(SQLException.class, () -> ps.executeQuery().next());
      assertEquals("22023", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("must not be negative"), e.getMessage());
      bind(ps, q, -2, 3);
      e = assertThrows(SQLException.class, () -> ps.executeQuery().next());
      assertEquals("22023", e.getSQLState(), e.getMessage());
      bind(ps, q, 0, 0);
      assertEquals(List.of(), hits(ps.executeQuery()), "LIMIT 0 is no row, not an error");
    }
  }

  // --------------------------------------------------------------------------------- bugs found

  @Test
  void negativeInnerProductKeepsItsSignWhenRewritten() throws SQLException {
    Ranked oracle = rank(rows, Fn.IP, q, r -> true);
    List<Hit> hits = query("SELECT id, v <#> ? AS d FROM t ORDER BY d LIMIT 5", List.of(QUERY));
    assertEquals(oracle.ids(0, 5), hits.stream().map(Hit::id).toList());
    for (int i = 0; i < 5; i++) {
      assertEquals(-oracle.distances().get(i), hits.get(i).distance(), 1e-4, "<#> is -dot");
    }
  }

  static Stream<Case> subqueries() {
    return Stream.of(
        where("id IN (SELECT id FROM t WHERE n > 50)", r -> r.n() != null && r.n() > 50),
        where(
            "id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,"
                + " 22, 23, 24, 25)",
            r -> r.id() <= 25),
        where("EXISTS (SELECT 1 FROM t AS u WHERE u.id = 300)", r -> true),
        where("n > (SELECT MIN(n) FROM t) + 50", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("subqueries")
  void subqueryInTheWhereClauseOfATopKQueryRuns(Case c) throws SQLException {
    Predicate<Row> filter = c.filter();
    if (filter == null) {
      int min = rows.stream().map(Row::n).filter(Objects::nonNull).min(Integer::compare).get();
      filter = r -> r.n() != null && r.n() > min + 50;
    }
    assertExact(rank(rows, Fn.L2, q, filter), 0, 10, query(sql(c), List.of()), c + " seed=" + seed);
  }

  @Test
  void queryVectorFromAScalarSubqueryRuns() throws SQLException {
    float[] seven = rows.get(6).v();
    List<Hit> hits =
        query(
            "SELECT id, v <-> (SELECT v FROM t WHERE id = 7) AS d FROM t ORDER BY d LIMIT 5",
            List.of());
    assertExact(rank(rows, Fn.L2, seven, r -> true), 0, 5, hits, "seed=" + seed);
  }

  @Test
  void hugeLimitWithAnOffsetReturnsEveryRowAfterTheOffset() throws SQLException {
    List<Hit> hits =
        query(
            "SELECT id, v <-> 'Q' AS d FROM t ORDER BY d LIMIT 9223372036854775807 OFFSET 1"
                .replace("'Q'", "'" + literal(q) + "'"),
            List.of());
    assertExact(rank(rows, Fn.L2, q, r -> true), 1, ROWS, hits, "seed=" + seed);
  }

  @Test
  void limitParameterAboveTheIntegerRangeIsNotTruncated() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT id, v <-> ? AS d FROM t ORDER BY d LIMIT ?")) {
      ps.setObject(1, q);
      ps.setLong(2, 4_294_967_297L);
      List<Hit> hits;
      try {
        hits = hits(ps.executeQuery());
      } catch (SQLException e) {
        assertEquals("22003", e.getSQLState(), e.getMessage());
        return;
      }
      assertEquals(ROWS, hits.size(), "LIMIT 4294967297 is every row, not LIMIT 1");
    }
  }
}
