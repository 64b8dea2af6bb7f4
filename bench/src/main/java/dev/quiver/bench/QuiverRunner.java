package dev.quiver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Quiver through JDBC, as a user runs it: per index kind a file database, durable inserts in
 * batches of 1000, the index, then top-k through one PreparedStatement per filter, one query at a
 * time on one thread, sweeping the index's search parameter with {@code SET}. HNSW without
 * quantization takes turns with raw Lucene at every point of its sweep ({@link Interleaved}); the
 * other kinds run alone. For HNSW without quantization also: prepare time, a JFR profile of the
 * query phase and throughput with concurrent clients.
 */
final class QuiverRunner {
  /** Quiver's default segment size: a table seals a segment at this many rows. */
  static final int SEGMENT_ROWS = 100_000;

  /**
   * Passes over the queries of a point that Quiver and Lucene share: several, so that each system's
   * rate covers a few seconds of the machine's load rather than one moment of it.
   */
  static final int INTERLEAVED_PASSES = 3;

  private QuiverRunner() {}

  /**
   * An index to measure: its name in the results, its method, quantization (HNSW), the parameter
   * swept (null for FLAT, measured once) without a filter and with one (no values: the filtered
   * queries are not measured), and how many queries each filtered point times.
   */
  record IndexKind(
      String system,
      String using,
      String quantization,
      String parameter,
      int[] values,
      int[] filteredValues,
      int filteredQueries) {
    boolean hnsw() {
      return using.equals("HNSW");
    }

    /** The same kind with other filtered sweeps. */
    IndexKind filtered(int[] values, int queries) {
      return new IndexKind(system, using, quantization, parameter, this.values, values, queries);
    }
  }

  /**
   * Every index kind: HNSW with each quantization, IVF_FLAT and FLAT. The int4 and binary graphs
   * filter the same way as the int8 one, so their filtered sweeps are left out to save time.
   */
  static List<IndexKind> kinds(int[] efs, int[] nprobes, int queries) {
    int[] none = {};
    int[] once = {0};
    return List.of(
        new IndexKind("quiver", "HNSW", "none", "ef_search", efs, efs, queries),
        new IndexKind("quiver-int8", "HNSW", "int8", "ef_search", efs, efs, queries),
        new IndexKind("quiver-int4", "HNSW", "int4", "ef_search", efs, none, 0),
        new IndexKind("quiver-binary", "HNSW", "binary", "ef_search", efs, none, 0),
        new IndexKind("quiver-ivf", "IVF_FLAT", null, "nprobe", nprobes, nprobes, queries),
        new IndexKind("quiver-flat", "FLAT", null, null, once, once, queries));
  }

  /**
   * The settings shared by every kind: HNSW build options, k, the queries timed for exact search,
   * the client thread counts and the seconds each system runs per count, how long the query profile
   * records and how many statements the prepare time averages.
   */
  record Settings(
      int m,
      int efConstruction,
      int k,
      int exactQueries,
      int[] threads,
      double concurrencySeconds,
      double profileSeconds,
      int prepareStatements) {}

  /**
   * Measures the data set with each kind, the float HNSW one interleaved with {@code lucene}, and
   * Lucene alone when that kind is not among them; every result is a JSON line added to {@code
   * lines}.
   */
  static void run(
      Dataset data,
      Path folder,
      List<IndexKind> kinds,
      Settings settings,
      LuceneRunner.Index lucene,
      int[] efs,
      List<String> lines)
      throws Exception {
    boolean paired = false;
    for (IndexKind kind : kinds) {
      System.err.println(data.name() + ": " + kind.system());
      boolean withLucene = kind.system().equals("quiver");
      run(data, folder, kind, settings, withLucene ? lucene : null, lines);
      paired |= withLucene;
    }
    if (!paired) {
      System.err.println(data.name() + ": lucene");
      lucene.sweepAlone(settings.k(), efs, lines);
      lucene.concurrency(settings, lines);
    }
  }

  private static void run(
      Dataset data,
      Path folder,
      IndexKind kind,
      Settings settings,
      LuceneRunner.Index lucene,
      List<String> lines)
      throws Exception {
    Path dir = folder.resolve(data.name() + "-" + kind.system());
    String url = "jdbc:quiver:file:" + dir;
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE v (id INTEGER PRIMARY KEY, cat INTEGER NOT NULL, e VECTOR("
              + data.dimension()
              + ") NOT NULL)");
      s.execute(createIndex(data, kind, settings));
      long start = System.nanoTime();
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO v VALUES (?, ?, ?)")) {
        for (int i = 0; i < data.base().length; i++) {
          insert.setInt(1, i);
          insert.setInt(2, Filter.category(i));
          insert.setObject(3, data.base()[i]);
          insert.addBatch();
          if (i % 1000 == 999 || i == data.base().length - 1) {
            insert.executeBatch();
          }
        }
      }
      double insertSeconds = (System.nanoTime() - start) / 1e9;
      s.execute("FLUSH TABLE v");
      awaitBuilt(s);
      double indexedSeconds = (System.nanoTime() - start) / 1e9;
      // The indexer merges what a bulk load leaves, but a segment flushed after a merge began is
      // indexed alone: a 100,000-row load once ended as 88,000 + 12,000 rows, which changes both
      // recall and speed. FULL packs such leftovers, so that each run searches the segments the
      // row count calls for, as Lucene's segments of SEGMENT_ROWS documents do.
      if (segmentCount(s) > (data.base().length + SEGMENT_ROWS - 1) / SEGMENT_ROWS) {
        s.execute("COMPACT TABLE v FULL WAIT");
      }
      lines.add(
          Json.write(
              Json.fields(
                  "dataset",
                  data.name(),
                  "system",
                  kind.system(),
                  "workload",
                  "insert",
                  "rows",
                  data.base().length,
                  "batch",
                  1000,
                  "rows_per_s",
                  (double) Math.round(data.base().length / insertSeconds),
                  "seconds_until_indexed",
                  Math.round(indexedSeconds * 10) / 10.0)));
      lines.add(bytes(data, kind, s, dir));

      List<Result> unfiltered = new ArrayList<>();
      for (Filter filter : kind.filteredValues().length > 0 ? Filter.ALL : List.of(Filter.NONE)) {
        List<Result> results =
            sweep(data, kind, settings, c, s, filter, indexedSeconds, lucene, lines);
        if (filter.equals(Filter.NONE)) {
          unfiltered.addAll(results);
        }
      }
      if (kind.system().equals("quiver")) {
        int ef = atRecall(unfiltered, 0.95);
        s.execute("SET ef_search = " + ef);
        lines.add(prepareTime(data, c, settings));
        lines.add(profile(data, c, settings, ef, folder));
        // Lucene at the same ef_search: in turns with Quiver, its recall is the same.
        List<Clients.Contender> contenders = new ArrayList<>();
        contenders.add(new Clients.Contender("quiver", ef, clients(data, url, settings.k(), ef)));
        if (lucene != null) {
          contenders.add(new Clients.Contender("lucene", ef, lucene.clients(settings.k(), ef)));
        }
        for (int threads : settings.threads()) {
          for (Result result :
              Clients.measure(data, contenders, threads, settings.concurrencySeconds())) {
            lines.add(result.toJson());
          }
        }
      }
    }
  }

  private static long segmentCount(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT count(*) FROM sys.segments WHERE segment_id IS NOT NULL")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String createIndex(Dataset data, IndexKind kind, Settings settings) {
    String options = "metric = '" + data.metric() + "'";
    if (kind.hnsw()) {
      options +=
          ", m = "
              + settings.m()
              + ", ef_construction = "
              + settings.efConstruction()
              + ", quantization = '"
              + kind.quantization()
              + "'";
    }
    return "CREATE INDEX v_e ON v USING " + kind.using() + " (e) WITH (" + options + ")";
  }

  /**
   * One filter's sweep over the kind's search parameter, one thread, each point's results added to
   * {@code lines}; with {@code lucene}, Lucene runs the same point in turns with Quiver and a
   * {@code paired} line gives their ratio. FLAT is exact: one point, over the first {@code
   * exactQueries} queries only. Returns Quiver's points.
   */
  private static List<Result> sweep(
      Dataset data,
      IndexKind kind,
      Settings settings,
      Connection c,
      Statement s,
      Filter filter,
      double indexedSeconds,
      LuceneRunner.Index lucene,
      List<String> lines)
      throws Exception {
    List<Result> results = new ArrayList<>();
    boolean unfiltered = filter.equals(Filter.NONE);
    int k = settings.k();
    int count =
        Math.min(
            data.queries().length,
            Math.min(
                kind.parameter() == null ? settings.exactQueries() : Integer.MAX_VALUE,
                unfiltered ? Integer.MAX_VALUE : kind.filteredQueries()));
    int[] values = unfiltered ? kind.values() : kind.filteredValues();
    try (PreparedStatement query = c.prepareStatement(sql(data, filter, k))) {
      // The JIT compiles the query path during the first thousand queries: warm it up once per
      // statement, so that the first parameter's rate is not the cold one.
      int warmUp = Math.min(unfiltered ? 1000 : 300, count);
      search(query, data, 0, warmUp);
      if (lucene != null) {
        lucene.warmUp(filter, k, values[0], warmUp);
      }
      for (int value : values) {
        if (kind.parameter() != null) {
          s.execute("SET " + kind.parameter() + " = " + value);
        }
        search(query, data, 0, Math.min(100, count));
        List<Interleaved.Searcher> systems = new ArrayList<>();
        systems.add(q -> searchOne(query, data.queries()[q]));
        if (lucene != null) {
          lucene.warmUp(filter, k, value, Math.min(100, count));
          systems.add(q -> lucene.search(filter, k, value, q));
        }
        int passes = lucene == null ? 1 : INTERLEAVED_PASSES;
        Interleaved.Run run = Interleaved.run(systems, count, data.queries().length, passes);
        int[][] found = run.found()[0];
        int shortResults =
            (int) Arrays.stream(found, 0, count).filter(ids -> ids.length < k).count();
        Result result =
            new Result(
                data.name(),
                kind.system(),
                "search",
                filter,
                1,
                kind.parameter(),
                kind.parameter() == null ? null : value,
                data.recall(found, filter),
                run.qps()[0],
                count,
                shortResults,
                indexedSeconds);
        results.add(result);
        lines.add(result.toJson());
        if (lucene != null) {
          Result peer = lucene.result(filter, value, run.qps()[1], run.found()[1], count, k);
          lucene.measured(peer);
          lines.add(peer.toJson());
          lines.add(paired(result, peer, passes, run.blocks()));
        }
      }
    }
    return results;
  }

  /** The line of one point measured in turns: both rates, their ratio, passes and blocks. */
  private static String paired(Result quiver, Result lucene, int passes, int blocks) {
    return Json.write(
        Json.fields(
            "dataset",
            quiver.dataset(),
            "workload",
            "paired",
            "system",
            quiver.system(),
            "peer",
            lucene.system(),
            "filter",
            quiver.filter().label(),
            "parameter",
            quiver.parameter(),
            "value",
            quiver.value(),
            "qps",
            Math.round(quiver.qps() * 10) / 10.0,
            "peer_qps",
            Math.round(lucene.qps() * 10) / 10.0,
            "ratio",
            Math.round(quiver.qps() / lucene.qps() * 1000) / 1000.0,
            "recall",
            quiver.recall(),
            "peer_recall",
            lucene.recall(),
            "queries",
            quiver.queries(),
            "passes",
            passes,
            "blocks",
            blocks,
            "block_queries",
            Interleaved.BLOCK));
  }

  static String sql(Dataset data, Filter filter, int k) {
    String operator = data.metric().equals("cosine") ? "<=>" : "<->";
    return "SELECT id FROM v" + filter.where() + " ORDER BY e " + operator + " ? LIMIT " + k;
  }

  /** The smallest swept value whose recall reaches the target, else the one of best recall. */
  static int atRecall(List<Result> sweep, double target) {
    return sweep.stream()
        .filter(r -> r.recall() >= target)
        .mapToInt(Result::value)
        .min()
        .orElseGet(
            () ->
                sweep.stream()
                    .max((a, b) -> Double.compare(a.recall(), b.recall()))
                    .orElseThrow()
                    .value());
  }

  private static int[][] search(PreparedStatement query, Dataset data, int from, int to)
      throws SQLException {
    int[][] found = new int[data.queries().length][];
    for (int q = from; q < to; q++) {
      found[q] = searchOne(query, data.queries()[q]);
    }
    return found;
  }

  private static int[] searchOne(PreparedStatement query, float[] vector) throws SQLException {
    query.setObject(1, vector);
    int[] ids = new int[16];
    int n = 0;
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        if (n == ids.length) {
          ids = Arrays.copyOf(ids, n * 2);
        }
        ids[n++] = rs.getInt(1);
      }
    }
    return Arrays.copyOf(ids, n);
  }

  /**
   * Milliseconds per {@code prepareStatement} of the unfiltered and the 10% top-k query: parse,
   * validate, plan and compile, which a reused PreparedStatement pays once.
   */
  private static String prepareTime(Dataset data, Connection c, Settings settings)
      throws SQLException {
    Map<String, Object> fields =
        Json.fields("dataset", data.name(), "system", "quiver", "workload", "prepare");
    int statements = settings.prepareStatements();
    int k = settings.k();
    for (Filter filter : List.of(Filter.NONE, Filter.ALL.get(1))) {
      String sql = sql(data, filter, k);
      for (int i = 0; i < Math.max(2, statements / 4); i++) {
        c.prepareStatement(sql).close();
      }
      long t = System.nanoTime();
      for (int i = 0; i < statements; i++) {
        c.prepareStatement(sql).close();
      }
      fields.put(
          "ms_per_prepare_" + (filter.equals(Filter.NONE) ? "unfiltered" : "filtered"),
          (System.nanoTime() - t) / 1e6 / statements);
    }
    fields.put("statements", statements);
    return Json.write(fields);
  }

  /** The JFR profile of single-thread, unfiltered queries at the given ef_search. */
  private static String profile(Dataset data, Connection c, Settings settings, int ef, Path folder)
      throws Exception {
    try (PreparedStatement query = c.prepareStatement(sql(data, Filter.NONE, settings.k()))) {
      search(query, data, 0, Math.min(500, data.queries().length));
      int[] count = {0};
      Map<String, Object> shares =
          Profile.record(
              () -> {
                long end = System.nanoTime() + (long) (settings.profileSeconds() * 1e9);
                while (System.nanoTime() < end) {
                  searchOne(query, data.queries()[count[0]++ % data.queries().length]);
                }
              },
              folder);
      Map<String, Object> fields =
          Json.fields(
              "dataset",
              data.name(),
              "system",
              "quiver",
              "workload",
              "profile",
              "parameter",
              "ef_search",
              "value",
              ef,
              "queries",
              count[0]);
      fields.putAll(shares);
      return Json.write(fields);
    }
  }

  /** Quiver's concurrent clients, each with its own Connection and PreparedStatement. */
  private static Clients.Factory clients(Dataset data, String url, int k, int ef) {
    return () -> {
      Connection c = DriverManager.getConnection(url);
      try (Statement s = c.createStatement()) {
        s.execute("SET ef_search = " + ef);
      }
      PreparedStatement query = c.prepareStatement(sql(data, Filter.NONE, k));
      return new Clients.Searcher() {
        @Override
        public int[] search(int q) throws SQLException {
          return searchOne(query, data.queries()[q]);
        }

        @Override
        public void close() throws SQLException {
          query.close();
          c.close();
        }
      };
    };
  }

  /**
   * Bytes per vector of the index kind, from the files of the table's live segments (those in
   * sys.segments: a segment replaced by its indexed rewrite lingers on disk for a minute), split by
   * file kind. {@code memory} is what a fast search keeps in the page cache: graph and raw vectors
   * for float HNSW, graph and codes for quantized HNSW (a search then reads only the few raw
   * vectors it re-ranks), lists and raw vectors for IVF_FLAT, raw vectors for FLAT.
   */
  private static String bytes(Dataset data, IndexKind kind, Statement s, Path dir)
      throws SQLException, IOException {
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (String part : List.of("raw", "graph", "codes", "ivf", "other")) {
      bytes.put(part, 0L);
    }
    long rows = 0;
    int segments = 0;
    try (ResultSet rs =
        s.executeQuery(
            "SELECT segment_id, row_count FROM sys.segments WHERE segment_id IS NOT NULL")) {
      while (rs.next()) {
        segments++;
        rows += rs.getLong(2);
        try (Stream<Path> files = Files.list(dir.resolve("segments/seg-" + rs.getLong(1)))) {
          for (Path f : files.toList()) {
            bytes.merge(fileKind(f.getFileName().toString()), Files.size(f), Long::sum);
          }
        }
      }
    }
    long total = bytes.values().stream().mapToLong(Long::longValue).sum();
    long memory =
        switch (kind.using()) {
          case "HNSW" ->
              bytes.get("graph")
                  + (kind.quantization().equals("none") ? bytes.get("raw") : bytes.get("codes"));
          case "IVF_FLAT" -> bytes.get("ivf") + bytes.get("raw");
          default -> bytes.get("raw");
        };
    Map<String, Object> fields =
        Json.fields(
            "dataset",
            data.name(),
            "system",
            kind.system(),
            "workload",
            "bytes",
            "rows",
            rows,
            "segments",
            segments);
    for (var part : bytes.entrySet()) {
      fields.put(part.getKey(), part.getValue() / (double) rows);
    }
    fields.put("disk", total / (double) rows);
    fields.put("memory", memory / (double) rows);
    return Json.write(fields);
  }

  /** The kind of a segment file, by the extensions of Lucene's vector formats and Quiver's IVF. */
  static String fileKind(String name) {
    if (name.startsWith("quiver_ivf_")) {
      return "ivf";
    }
    String extension = name.substring(name.lastIndexOf('.') + 1);
    return switch (extension) {
      case "vec" -> "raw";
      case "vex" -> "graph";
      case "veq" -> "codes";
      default -> "other";
    };
  }

  private static void awaitBuilt(Statement s) throws SQLException, InterruptedException {
    while (true) {
      try (ResultSet rs = s.executeQuery("SELECT state FROM sys.indexes")) {
        rs.next();
        if (!rs.getString(1).equals("BUILDING")) {
          return;
        }
      }
      Thread.sleep(50);
    }
  }
}
