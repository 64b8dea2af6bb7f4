package dev.quiver.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The markdown report (docs/bench/report.md), written from the lines of results.jsonl alone, so
 * that {@code --report-only} can rewrite it: per data set QPS at recall targets and the ratios to
 * the baselines, filtered search, concurrency, bytes per vector, the query profile, inserts.
 */
final class Report {
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private final StringBuilder md = new StringBuilder();

  private Report(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith("{")) {
        rows.add(Json.read(line));
      }
    }
  }

  static String write(List<String> lines) {
    return new Report(lines).render();
  }

  private String render() {
    Map<String, Object> suite = first("workload", "suite");
    boolean quick = suite != null && num(suite, "quick") == 1;
    md.append("# Benchmark results\n\n");
    if (quick) {
      md.append("A `--quick` run on tiny data: it shows the harness works, not speed.\n\n");
    }
    header(suite);
    List<String> datasets =
        rows.stream()
            .filter(r -> "dataset".equals(r.get("workload")))
            .map(r -> str(r, "dataset"))
            .toList();
    summary(datasets);
    for (String dataset : datasets) {
      dataset(dataset);
    }
    caveats();
    List<Map<String, Object>> errors = rows.stream().filter(r -> r.get("error") != null).toList();
    if (!errors.isEmpty()) {
      md.append("## Not measured\n\n");
      for (var e : errors) {
        md.append("- ")
            .append(e.get("dataset") == null ? "" : "**" + str(e, "dataset") + "**, ")
            .append(str(e, "system"))
            .append(e.get("filter") == null ? "" : " (filter " + str(e, "filter") + ")")
            .append(": ")
            .append(str(e, "error"))
            .append('\n');
      }
      md.append('\n');
    }
    return md.toString();
  }

  private void header(Map<String, Object> suite) {
    if (suite != null) {
      md.append(
          String.format(
              Locale.ROOT,
              "Produced by `%s` on %s, on %d cores (%s) with %.0f GiB of memory, %s, heap %.0f GiB."
                  + " That run took **%.1f minutes** of wall time; the data sets below took"
                  + " %.1f minutes in all (the sum of their parts, each given with its set)."
                  + " Peers: Debian's python3-faiss %s and python3-hnswlib %s.%n%n",
              str(suite, "command"),
              str(suite, "date"),
              (int) num(suite, "cores"),
              str(suite, "cpu"),
              num(suite, "memory_gib"),
              str(suite, "jdk"),
              num(suite, "max_heap_gib"),
              num(suite, "seconds") / 60,
              rows.stream()
                      .filter(r -> "phase".equals(r.get("workload")))
                      .mapToDouble(r -> num(r, "seconds"))
                      .sum()
                  / 60,
              str(suite, "python3-faiss"),
              str(suite, "python3-hnswlib")));
      md.append(
          String.format(
              Locale.ROOT,
              "The 1-minute load average during the run was %.1f on average (at most %.1f): the"
                  + " harness keeps one or two cores busy, so much more than 2 means other work"
                  + " competed with it for these %d cores and slowed every system.%n%n",
              num(suite, "mean_load"),
              num(suite, "max_load"),
              (int) num(suite, "cores")));
    }
    md.append(
        "Top-10 everywhere. Quiver runs through a JDBC PreparedStatement (one per query shape,"
            + " prepared once), one query at a time on one client thread unless a table says"
            + " otherwise. HNSW: m = 16, ef_construction = 100 in every system; ef_search swept"
            + " over 10–320, IVF nprobe over 1–64, FLAT (exact) measured once. Recall@10 is"
            + " against exact ground truth computed by the harness (under the same filter for"
            + " filtered queries).\n\n");
    md.append(
        "| data set | rows | dimension | metric | queries | Quiver segments (float HNSW) |\n");
    md.append("|---|---:|---:|---|---:|---:|\n");
    for (var d : rows.stream().filter(r -> "dataset".equals(r.get("workload"))).toList()) {
      Map<String, Object> bytes = first("dataset", str(d, "dataset"), "workload", "bytes");
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %d | %s | %,d | %s |%n",
              str(d, "dataset"),
              (long) num(d, "rows"),
              (long) num(d, "dimension"),
              str(d, "metric"),
              (long) num(d, "queries"),
              bytes == null ? "–" : String.valueOf((long) num(bytes, "segments"))));
    }
    md.append('\n');
  }

  /** QPS at recall ≥ 0.95 of every data set side by side, and Quiver's ratios. */
  private void summary(List<String> datasets) {
    List<String> systems = List.of("quiver", "quiver-int8", "lucene", "hnswlib", "faiss-hnsw");
    md.append("## Summary: queries per second at recall@10 ≥ 0.95, one thread, no filter\n\n");
    md.append("| data set | ")
        .append(String.join(" | ", systems))
        .append(" | Quiver / Lucene | Quiver / hnswlib |\n");
    md.append("|---|").append("---:|".repeat(systems.size() + 2)).append('\n');
    for (String dataset : datasets) {
      Map<String, List<Map<String, Object>>> bySystem = searches(dataset, "none", 1);
      md.append("| ").append(dataset).append(" |");
      for (String system : systems) {
        var points = bySystem.get(system);
        md.append(' ').append(points == null ? "–" : show(best(points, 0.95))).append(" |");
      }
      for (String peer : List.of("lucene", "hnswlib")) {
        double ratio = ratio(dataset, bySystem, peer, 0.95);
        md.append(' ')
            .append(ratio > 0 ? String.format(Locale.ROOT, "%.2f×", ratio) : "–")
            .append(" |");
      }
      md.append('\n');
    }
    boolean inTurns = rows.stream().anyMatch(r -> "paired".equals(r.get("workload")));
    md.append(
        "\n(quiver is HNSW without quantization; – means not measured or never reached 0.95."
            + (inTurns
                ? " Quiver / Lucene is measured in turns, at the smallest ef_search where both"
                    + " reach 0.95; Quiver / hnswlib compares the two systems' best rates,"
                    + " measured apart."
                : "")
            + ")\n\n");
  }

  private void dataset(String dataset) {
    md.append("## ").append(dataset).append("\n\n");
    md.append("![recall vs QPS](recall-qps-").append(dataset).append(".png)\n\n");
    if (!searches(dataset, Filter.ALL.get(1).label(), 1).isEmpty()) {
      md.append("![recall vs QPS, filtered](recall-qps-")
          .append(dataset)
          .append("-filtered.png)\n\n");
    }
    Map<String, List<Map<String, Object>>> bySystem = searches(dataset, "none", 1);
    md.append("### Recall against queries per second, one thread\n\n");
    md.append(
        "| system | QPS at recall@10 ≥ 0.95 | at ≥ 0.90 | highest recall | its QPS |"
            + " index build (s) |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    for (var system : bySystem.entrySet()) {
      var points = system.getValue();
      var top = points.stream().max((a, b) -> Double.compare(num(a, "recall"), num(b, "recall")));
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %.3f | %s | %s |%n",
              system.getKey(),
              show(best(points, 0.95)),
              show(best(points, 0.90)),
              top.map(p -> num(p, "recall")).orElse(Double.NaN),
              show(top.map(p -> num(p, "qps")).orElse(0.0)),
              points.getFirst().get("build_seconds") == null
                  ? "–"
                  : String.format(Locale.ROOT, "%.1f", num(points.getFirst(), "build_seconds"))));
    }
    md.append('\n');
    ratios(dataset, bySystem);
    paired(dataset);
    filtered(dataset);
    concurrency(dataset);
    bytes(dataset);
    profile(dataset);
    inserts(dataset);
  }

  private void ratios(String dataset, Map<String, List<Map<String, Object>>> bySystem) {
    if (bySystem.get("quiver") == null) {
      return;
    }
    for (String peer : List.of("lucene", "hnswlib", "faiss-hnsw")) {
      if (bySystem.get(peer) == null) {
        continue;
      }
      md.append("Quiver HNSW / ").append(peer).append(": ");
      List<String> parts = new ArrayList<>();
      for (double target : new double[] {0.95, 0.90}) {
        double ratio = ratio(dataset, bySystem, peer, target);
        parts.add(
            String.format(
                Locale.ROOT,
                "%s at recall ≥ %.2f",
                ratio > 0 ? String.format(Locale.ROOT, "**%.2f×**", ratio) : "–",
                target));
      }
      md.append(String.join(", ", parts)).append("  \n");
    }
    md.append('\n');
  }

  /**
   * Quiver HNSW's rate over a peer's at a recall target, unfiltered; 0 when either never reaches
   * it. Against Lucene, from the points measured in turns: the ratio at the smallest ef_search
   * where both reach the target. Otherwise (other peers, or results from before turn-taking) the
   * best rate of each system at the target, measured apart.
   */
  private double ratio(
      String dataset, Map<String, List<Map<String, Object>>> bySystem, String peer, double target) {
    if (peer.equals("lucene")) {
      var paired =
          all("dataset", dataset, "workload", "paired", "filter", "none").stream()
              .filter(p -> num(p, "recall") >= target && num(p, "peer_recall") >= target)
              .min((a, b) -> Double.compare(num(a, "value"), num(b, "value")));
      if (paired.isPresent()) {
        return num(paired.get(), "ratio");
      }
    }
    var quiver = bySystem.get("quiver");
    var other = bySystem.get(peer);
    if (quiver == null || other == null) {
      return 0;
    }
    double ratio = best(quiver, target) / best(other, target);
    return Double.isFinite(ratio) ? ratio : 0;
  }

  /**
   * Quiver's float HNSW and Lucene at each point of the sweep, measured in turns: both rates and
   * their ratio, which machine load sways much less than the rates themselves.
   */
  private void paired(String dataset) {
    List<Map<String, Object>> points = all("dataset", dataset, "workload", "paired");
    if (points.isEmpty()) {
      return;
    }
    Map<String, Object> first = points.getFirst();
    md.append("### Quiver HNSW and raw Lucene point by point, measured in turns\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "At each point the two systems took turns in blocks of %d queries, going over the"
                + " point's queries %d times; each rate is over the system's own blocks, so load"
                + " from other work falls on both alike.%n%n",
            (long) num(first, "block_queries"),
            (long) num(first, "passes")));
    md.append(
        "| filter | ef_search | Quiver QPS | Lucene QPS | Quiver / Lucene | Quiver recall |"
            + " Lucene recall |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (var p : points) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %.2f× | %.3f | %.3f |%n",
              str(p, "filter"),
              (long) num(p, "value"),
              show(num(p, "qps")),
              show(num(p, "peer_qps")),
              num(p, "ratio"),
              num(p, "recall"),
              num(p, "peer_recall")));
    }
    md.append('\n');
  }

  private void filtered(String dataset) {
    for (Filter filter : Filter.ALL.subList(1, Filter.ALL.size())) {
      Map<String, List<Map<String, Object>>> bySystem = searches(dataset, filter.label(), 1);
      if (bySystem.isEmpty()) {
        continue;
      }
      md.append("### Filter `cat < ")
          .append(filter.below())
          .append("` (")
          .append(filter.label())
          .append(" of the rows)\n\n");
      md.append(
          "| system | QPS at recall@10 ≥ 0.95 | at ≥ 0.90 | highest recall |"
              + " queries with fewer than 10 rows |\n");
      md.append("|---|---:|---:|---:|---:|\n");
      for (var system : bySystem.entrySet()) {
        var points = system.getValue();
        long shortResults =
            points.stream().mapToLong(p -> (long) numOr(p, "short_results", 0)).sum();
        long queries = points.stream().mapToLong(p -> (long) num(p, "queries")).sum();
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %.3f | %,d of %,d |%n",
                system.getKey(),
                show(best(points, 0.95)),
                show(best(points, 0.90)),
                points.stream().mapToDouble(p -> num(p, "recall")).max().orElse(Double.NaN),
                shortResults,
                queries));
      }
      md.append('\n');
    }
    long quiverShort = 0;
    long quiverQueries = 0;
    for (var r : rows) {
      if (dataset.equals(r.get("dataset"))
          && "search".equals(r.get("workload"))
          && !"none".equals(r.get("filter"))
          && str(r, "system").startsWith("quiver")) {
        quiverShort += (long) numOr(r, "short_results", 0);
        quiverQueries += (long) num(r, "queries");
      }
    }
    if (quiverQueries > 0) {
      md.append(
          String.format(
              Locale.ROOT,
              quiverShort == 0
                  ? "Quiver returned exactly 10 rows for every one of its %,d filtered queries"
                      + " on this set (every index kind, every parameter).%n%n"
                  : "Quiver returned fewer than 10 rows for %2$,d of its %1$,d filtered"
                      + " queries on this set.%n%n",
              quiverQueries,
              quiverShort));
    }
  }

  private void concurrency(String dataset) {
    Map<Integer, Map<String, Map<String, Object>>> byThreads = new TreeMap<>();
    for (var r : all("dataset", dataset, "workload", "concurrency")) {
      byThreads
          .computeIfAbsent((int) num(r, "threads"), t -> new TreeMap<>())
          .put(str(r, "system"), r);
    }
    if (byThreads.isEmpty()) {
      return;
    }
    md.append("### Concurrent clients (unfiltered, at the ef_search reaching recall ≥ 0.95)\n\n");
    md.append(
        "Each Quiver client thread has its own Connection and PreparedStatement; Lucene's"
            + " threads share one IndexSearcher in the same JVM. At each thread count the two"
            + " take turns: each runs for half its time (two seconds in a full run), then the"
            + " other, then each its second half.\n\n");
    md.append(
        "| client threads | Quiver QPS | recall | raw Lucene QPS | recall | Quiver / Lucene |\n");
    md.append("|---:|---:|---:|---:|---:|---:|\n");
    String efs = "";
    for (var entry : byThreads.entrySet()) {
      var q = entry.getValue().get("quiver");
      var l = entry.getValue().get("lucene");
      efs =
          String.format(
              Locale.ROOT,
              "ef_search: Quiver %s, Lucene %s.",
              q == null ? "–" : String.valueOf((long) num(q, "value")),
              l == null ? "–" : String.valueOf((long) num(l, "value")));
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %s | %s |%n",
              entry.getKey(),
              q == null ? "–" : show(num(q, "qps")),
              q == null ? "–" : String.format(Locale.ROOT, "%.3f", num(q, "recall")),
              l == null ? "–" : show(num(l, "qps")),
              l == null ? "–" : String.format(Locale.ROOT, "%.3f", num(l, "recall")),
              q == null || l == null
                  ? "–"
                  : String.format(Locale.ROOT, "%.2f×", num(q, "qps") / num(l, "qps"))));
    }
    md.append('\n').append(efs).append("\n\n");
  }

  private void bytes(String dataset) {
    List<Map<String, Object>> bytes = all("dataset", dataset, "workload", "bytes");
    if (bytes.isEmpty()) {
      return;
    }
    md.append("### Bytes per vector\n\n");
    md.append(
        "| index | segments | raw vectors (.vec) | graph (.vex) | quantized codes (.veq) |"
            + " IVF lists | other | disk | resident for fast search |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (var b : bytes) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
              str(b, "system"),
              (long) num(b, "segments"),
              num(b, "raw"),
              num(b, "graph"),
              num(b, "codes"),
              num(b, "ivf"),
              num(b, "other"),
              num(b, "disk"),
              num(b, "memory")));
    }
    md.append('\n');
  }

  private void profile(String dataset) {
    Map<String, Object> profile = first("dataset", dataset, "workload", "profile");
    Map<String, Object> prepare = first("dataset", dataset, "workload", "prepare");
    if (profile == null && prepare == null) {
      return;
    }
    md.append("### Where the time of one Quiver query goes\n\n");
    if (profile != null) {
      long samples = (long) num(profile, "samples");
      long queries = (long) num(profile, "queries");
      md.append(
          String.format(
              Locale.ROOT,
              "JFR execution samples (every 1 ms) over %,d unfiltered HNSW queries at ef_search"
                  + " %d on one client thread: %,d samples, each counted in the bucket of its"
                  + " innermost frame that has one.%n%n",
              queries,
              (long) num(profile, "value"),
              samples));
      md.append("| bucket | share of samples |\n|---|---:|\n");
      for (var bucket : Profile.BUCKETS) {
        md.append(
            String.format(
                Locale.ROOT, "| %s | %.1f%% |%n", bucket.label(), num(profile, bucket.label())));
      }
      md.append(
          String.format(
              Locale.ROOT, "| %s | %.1f%% |%n%n", Profile.OTHER, num(profile, Profile.OTHER)));
    }
    if (prepare != null) {
      md.append(
          String.format(
              Locale.ROOT,
              "Parse, validate, plan and compile happen once per PreparedStatement:"
                  + " `prepareStatement` took %.2f ms (unfiltered top-10) and %.2f ms (with"
                  + " `WHERE cat < 10`), mean of %d after a warm-up.%n%n",
              num(prepare, "ms_per_prepare_unfiltered"),
              num(prepare, "ms_per_prepare_filtered"),
              (long) num(prepare, "statements")));
    }
  }

  private void inserts(String dataset) {
    List<Map<String, Object>> inserts = all("dataset", dataset, "workload", "insert");
    if (inserts.isEmpty()) {
      return;
    }
    md.append("### Durable insert (JDBC batches of 1000, sync=commit) and time until indexed\n\n");
    md.append(
        "| index | rows | insert rows/s | seconds from the first insert until fully indexed |\n");
    md.append("|---|---:|---:|---:|\n");
    for (var r : inserts) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %,.0f | %.1f |%n",
              str(r, "system"),
              (long) num(r, "rows"),
              num(r, "rows_per_s"),
              num(r, "seconds_until_indexed")));
    }
    Map<String, Object> phase = first("dataset", dataset, "workload", "phase");
    if (phase != null) {
      md.append(
          String.format(
              Locale.ROOT,
              "%nThis data set's part of the suite took %.1f minutes.%n",
              num(phase, "seconds") / 60));
    }
    md.append('\n');
  }

  private void caveats() {
    md.append(
        """
        ## How the numbers are made, and caveats

        - **One machine, one run per point.** A shared 2-core VM; repeats of a point differ by up
          to 30%. Every system is warmed up (1,000 queries per statement, 300 when filtered, and
          100 per point) before it is timed.
        - **Quiver HNSW and raw Lucene take turns.** At every point of the float HNSW sweep
          (each ef_search, unfiltered and under each filter) the two run in alternating blocks
          of 50 queries in the same JVM, over the point's queries three times, and each rate is
          the system's queries over the time of its own blocks. Load from other work, which
          comes and goes within seconds on this machine, then falls on both alike: the ratios
          in the *point by point* tables hold where the rates themselves swing. Quiver's other
          index kinds run alone, one after another, and so do hnswlib and FAISS (in their own
          Python process, after the Java systems): their ratios to Lucene or to Quiver HNSW
          compare runs made at different times.
        - **Raw Lucene** runs in the same JVM on the same vectors, in segments of 100,000
          documents (Quiver's `segment_max_rows`), never merged, searched without an executor:
          one segment after another on the client thread. Quiver may seal smaller segments: a
          checkpoint also runs whenever the write-ahead log has grown by 64 MiB, which for 784-d
          vectors is about every 21,000 rows. The bytes tables give Quiver's segment count per
          index. Quiver searches a table's segments in parallel on its fork-join pool. Lucene's
          filter is an `IntPoint` range query passed to `KnnFloatVectorQuery`.
        - **hnswlib and FAISS** are Debian's Python packages, called once per query from Python:
          their per-call overhead (a few µs) is included. Their indexes are built on 2 threads,
          searched on one. hnswlib 0.6.2 has no filtered search (its `filter` argument came in
          0.7); FAISS 1.7.3 filters through `SearchParameters` with an `IDSelectorBitmap`. At 1M
          rows only hnswlib and FAISS IVF run (FAISS's HNSW build would add minutes).
        - **Exact search** (Quiver FLAT, FAISS flat) is timed over the first 200 queries.
        - **Index build** for Quiver is the time from the first insert until `sys.indexes` says
          BUILT: inserting, sealing 100,000-row segments and building their graphs on Quiver's one
          index thread, which overlaps the inserts.
        - **Bytes per vector** are the sizes of the files of the table's live segments (those in
          `sys.segments`) divided by the rows, by file: Lucene's raw float vectors (`.vec`), HNSW
          graph (`.vex`), scalar-quantized codes (`.veq`), Quiver's IVF lists
          (`quiver_ivf_<column>.bin`), and everything else (vector metadata, stored fields, doc
          values, points, the key Bloom filter, checksums). *Resident for fast search* is what a
          search keeps touching, so what should fit in the page cache: graph + raw vectors for
          HNSW without quantization, graph + codes for quantized HNSW (it then reads only the few
          raw vectors it re-ranks), IVF lists + raw vectors for IVF_FLAT, raw vectors for FLAT.
        - **The profile** is a JDK Flight Recorder recording made by the harness
          (`jdk.ExecutionSample` every 1 ms). A sample counts in the bucket of the innermost
          frame that belongs to one, so time in JDK classes counts for their caller. Buckets,
          most specific first: vector distance (`org.apache.lucene.internal.vectorization`,
          `VectorUtil`), Lucene HNSW graph search (`org.apache.lucene.util.hnsw`), Lucene other
          (stored fields, doc values, the rest of `org.apache.lucene`), JDBC and driver
          (`dev.quiver.jdbc`, Avatica), Quiver's top-k executor and merge (`dev.quiver.sql`),
          storage (`dev.quiver.storage`, `dev.quiver.index`: segment search, row reads,
          visibility), Calcite runtime (`org.apache.calcite`, generated classes), other (the
          harness, JDK-only stacks). *Lucene other* is mostly graph search too: in a separate
          look at the stacks (100,000 × 128, ef_search 40), about 80% of its samples were under
          `HnswGraphSearcher`, decoding neighbour lists from the memory-mapped graph
          (`readVInt`/`readInt` in `graphSeek`), checking the collector, and keeping the
          candidate heaps and the visited set; about 5% were Quiver reading the returned rows'
          columns. So the graph search's share is roughly the HNSW, vector distance and Lucene
          other buckets together.

        """);
  }

  /** Search results of a data set under a filter with a thread count, by system. */
  private Map<String, List<Map<String, Object>>> searches(
      String dataset, String filter, int threads) {
    Map<String, List<Map<String, Object>>> bySystem = new TreeMap<>();
    for (var r : rows) {
      if (dataset.equals(r.get("dataset"))
          && r.get("error") == null
          && r.get("recall") != null
          && filter.equals(Objects.requireNonNullElse(r.get("filter"), "none"))
          && "search".equals(r.get("workload"))
          && numOr(r, "threads", 1) == threads) {
        bySystem.computeIfAbsent(str(r, "system"), s -> new ArrayList<>()).add(r);
      }
    }
    return bySystem;
  }

  private Map<String, Object> first(Object... keysAndValues) {
    List<Map<String, Object>> found = all(keysAndValues);
    return found.isEmpty() ? null : found.getFirst();
  }

  private List<Map<String, Object>> all(Object... keysAndValues) {
    Map<String, Object> wanted = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      wanted.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return rows.stream()
        .filter(
            r -> wanted.entrySet().stream().allMatch(e -> e.getValue().equals(r.get(e.getKey()))))
        .toList();
  }

  private static double best(List<Map<String, Object>> points, double recall) {
    return points.stream()
        .filter(p -> num(p, "recall") >= recall)
        .mapToDouble(p -> num(p, "qps"))
        .max()
        .orElse(0);
  }

  private static String show(double qps) {
    return qps > 0 ? String.format(Locale.ROOT, "%,.0f", qps) : "–";
  }

  private static String str(Map<String, Object> row, String key) {
    return String.valueOf(row.get(key));
  }

  private static double num(Map<String, Object> row, String key) {
    return row.get(key) instanceof Double d ? d : Double.NaN;
  }

  private static double numOr(Map<String, Object> row, String key, double fallback) {
    return row.get(key) instanceof Double d ? d : fallback;
  }
}
