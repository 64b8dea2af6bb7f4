package dev.quiver.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code ./quiver bench suite [--quick] [--out DIR] [--rows N] [--queries Q] [--only SET] [--kinds
 * LIST] [--no-peers] [--peers LIST] [--report-only]}: prepares the data, runs Quiver through JDBC,
 * raw Lucene in this JVM and the Python peers (FAISS, hnswlib) on the same vectors, and writes
 * {@code results.jsonl}, {@code report.md} and the recall/QPS plots into the output folder (default
 * {@code docs/bench}). {@code --quick} uses tiny data, for the test suite; it installs nothing and
 * needs no network. {@code --kinds} names the Quiver index kinds to measure (e.g. {@code quiver}
 * for float HNSW alone) and {@code --no-peers} leaves out the Python peers: together with {@code
 * --only} and {@code --out} they make a partial run, such as Quiver HNSW against Lucene on one set.
 */
public final class BenchMain {
  static final int K = 10;
  static final int M = 16;
  static final int EF_CONSTRUCTION = 100;
  static final int[] EF_SEARCH = {10, 20, 40, 80, 160, 320};
  static final int[] NPROBE = {1, 2, 4, 8, 16, 32, 64};
  static final Path PYTHON = Path.of("/usr/bin/python3");

  /** The WordNet sample: 100,000 of the 117,033 distinct glosses keep it to one segment. */
  static final int WORDNET_ROWS = 100_000;

  static final int SCALE_ROWS = 1_000_000;

  /** The Debian packages the full suite installs when missing. */
  static final List<String> PACKAGES =
      List.of(
          "python3-faiss",
          "python3-hnswlib",
          "python3-matplotlib",
          "dataset-fashion-mnist",
          "wordnet-base");

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean reportOnly = false;
    Path out = Path.of("docs/bench");
    int rows = 60_000;
    int queries = 1000;
    String only = null;
    List<String> peersOnly = null;
    Selection selection = Selection.ALL;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--report-only" -> reportOnly = true;
        case "--only" -> only = args[++i];
        case "--peers" -> peersOnly = List.of(args[++i].split(","));
        case "--kinds" -> selection = selection.withKinds(List.of(args[++i].split(",")));
        case "--no-peers" -> selection = selection.withoutPeers();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (reportOnly) {
      // Rewrites the report and plots from the results of an earlier run.
      Path jsonl = out.resolve("results.jsonl");
      plot(jsonl, out);
      Files.writeString(
          out.resolve("report.md"),
          Report.write(Files.readAllLines(jsonl, StandardCharsets.UTF_8)),
          StandardCharsets.UTF_8);
      return;
    }
    System.exit(run(quick, out, rows, queries, only, peersOnly, selection, String.join(" ", args)));
  }

  /**
   * What of each data set's plan a run measures: the Quiver index kinds named (all when null) and
   * whether the Python peers run.
   */
  record Selection(List<String> kinds, boolean peers) {
    static final Selection ALL = new Selection(null, true);

    Selection withKinds(List<String> names) {
      List<String> known =
          QuiverRunner.kinds(EF_SEARCH, NPROBE, 0).stream()
              .map(QuiverRunner.IndexKind::system)
              .toList();
      for (String name : names) {
        if (!known.contains(name)) {
          throw new IllegalArgumentException(
              "unknown index kind " + name + "; the kinds are " + String.join(", ", known));
        }
      }
      return new Selection(names, peers);
    }

    Selection withoutPeers() {
      return new Selection(kinds, false);
    }

    List<QuiverRunner.IndexKind> of(List<QuiverRunner.IndexKind> planned) {
      return kinds == null
          ? planned
          : planned.stream().filter(k -> kinds.contains(k.system())).toList();
    }
  }

  /** One data set of the suite, what runs on it, and how it is made. */
  private record Plan(
      String label, List<QuiverRunner.IndexKind> kinds, List<String> peers, DatasetSource source) {}

  private interface DatasetSource {
    Dataset load() throws IOException;
  }

  /**
   * Runs the suite, or with {@code only} (a plan label: fashion-mnist, synthetic, wordnet,
   * synthetic-1M) that data set alone, or with {@code peersOnly} (peer systems of peers.py) only
   * those peers, replacing what they measure in an existing results.jsonl; {@code selection}
   * narrows what each data set's plan measures.
   */
  static int run(
      boolean quick,
      Path out,
      int rows,
      int queries,
      String only,
      List<String> peersOnly,
      Selection selection,
      String arguments)
      throws Exception {
    long suiteStart = System.nanoTime();
    LoadMonitor load = new LoadMonitor();
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("quiver-bench");
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "quiver-bench");
    List<String> lines = new ArrayList<>();
    // With --only, the other data sets' lines of an earlier run stay.
    List<String> previous = new ArrayList<>();
    Path jsonl = out.resolve("results.jsonl");
    if ((only != null || peersOnly != null) && Files.exists(jsonl)) {
      for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
        Map<String, Object> row = Json.read(line);
        // A peers-only run keeps the suite's header line: it measures no data set's time.
        if (row.get("dataset") != null
            || peersOnly != null && "suite".equals(row.get("workload"))) {
          previous.add(line);
        }
      }
    }
    List<String> problems = new ArrayList<>();
    if (!quick) {
      PACKAGES.forEach(p -> Debian.ensure(p, problems));
    }
    // The quick run sweeps two values per parameter: it checks the harness, not the curves.
    int[] efs = quick ? new int[] {10, 80} : EF_SEARCH;
    int[] nprobes = quick ? new int[] {2, 16} : NPROBE;
    List<QuiverRunner.IndexKind> all = QuiverRunner.kinds(efs, nprobes, queries);
    List<String> allPeers = List.of("hnswlib", "faiss-hnsw", "faiss-flat", "faiss-ivf");
    List<Plan> plans = new ArrayList<>();
    QuiverRunner.Settings settings;
    if (quick) {
      settings =
          new QuiverRunner.Settings(M, EF_CONSTRUCTION, K, 50, new int[] {1, 2}, 0.2, 0.5, 4);
      plans.add(
          new Plan("synthetic", all, allPeers, () -> Dataset.synthetic(3000, 50, 32, K, cache)));
      if (Wordnet.installed()) {
        // Embeds 1,020 glosses once (a few seconds), then reads them from the cache.
        plans.add(
            new Plan(
                "wordnet",
                List.of(all.getFirst()),
                List.of(),
                () -> Wordnet.dataset(1000, 20, K, cache)));
      } else {
        problems.add("wordnet-base is not installed: the quick run skips the WordNet set");
      }
    } else {
      settings =
          new QuiverRunner.Settings(M, EF_CONSTRUCTION, K, 200, new int[] {1, 2, 4, 8}, 4, 3, 40);
      int fashionRows = rows;
      if (Files.isDirectory(Dataset.FASHION)) {
        plans.add(
            new Plan(
                "fashion-mnist",
                all,
                allPeers,
                () -> Dataset.fashionMnist(fashionRows, queries, K, cache)));
      } else {
        problems.add("dataset-fashion-mnist is missing: the Fashion-MNIST set is skipped");
      }
      plans.add(
          new Plan(
              "synthetic",
              all,
              allPeers,
              () -> Dataset.synthetic(100_000, queries, 128, K, cache)));
      if (Wordnet.installed()) {
        plans.add(
            new Plan(
                "wordnet", all, allPeers, () -> Wordnet.dataset(WORDNET_ROWS, queries, K, cache)));
      } else {
        problems.add("wordnet-base is missing: the WordNet set is skipped");
      }
      // At 1M rows each HNSW build takes minutes: the float graph with two filtered points over
      // 200 queries (each run in turns with Lucene, three times over), IVF and exact search
      // without filters, against Lucene, hnswlib and FAISS IVF, keep the set to about a quarter
      // of an hour.
      List<QuiverRunner.IndexKind> scale =
          all.stream()
              .filter(k -> List.of("quiver", "quiver-ivf", "quiver-flat").contains(k.system()))
              .map(
                  k ->
                      k.system().equals("quiver")
                          ? k.filtered(new int[] {40, 160}, 200)
                          : k.filtered(new int[] {}, 0))
              .toList();
      plans.add(
          new Plan(
              "synthetic-1M",
              scale,
              List.of("hnswlib", "faiss-ivf"),
              () -> Dataset.synthetic(SCALE_ROWS, queries, 128, K, cache)));
    }
    if (only != null) {
      plans.removeIf(p -> !p.label().equals(only));
    }
    problems.forEach(p -> System.err.println("note: " + p));
    try {
      for (Plan plan : plans) {
        long start = System.nanoTime();
        Dataset data = plan.source().load();
        System.err.println("== " + data.name());
        if (peersOnly != null) {
          List<String> systems = plan.peers().stream().filter(peersOnly::contains).toList();
          previous.removeIf(
              line -> {
                Map<String, Object> row = Json.read(line);
                return data.name().equals(row.get("dataset"))
                    && systems.contains(String.valueOf(row.get("system")));
              });
          if (!systems.isEmpty()) {
            lines.addAll(peers(data, work, systems, settings.exactQueries(), efs, nprobes));
          }
          Files.write(jsonl, concat(previous, lines), StandardCharsets.UTF_8);
          continue;
        }
        previous.removeIf(line -> data.name().equals(Json.read(line).get("dataset")));
        lines.add(
            Json.write(
                Json.fields(
                    "dataset",
                    data.name(),
                    "workload",
                    "dataset",
                    "rows",
                    data.base().length,
                    "queries",
                    data.queries().length,
                    "dimension",
                    data.dimension(),
                    "metric",
                    data.metric(),
                    "seconds_to_load",
                    Math.round((System.nanoTime() - start) / 1e8) / 10.0)));
        try (LuceneRunner.Index lucene = LuceneRunner.build(data, work, settings)) {
          QuiverRunner.run(data, work, selection.of(plan.kinds()), settings, lucene, efs, lines);
        }
        if (selection.peers() && !plan.peers().isEmpty()) {
          lines.addAll(peers(data, work, plan.peers(), settings.exactQueries(), efs, nprobes));
        }
        lines.add(
            Json.write(
                Json.fields(
                    "dataset",
                    data.name(),
                    "workload",
                    "phase",
                    "seconds",
                    Math.round((System.nanoTime() - start) / 1e8) / 10.0)));
        // Each data set's databases are deleted once measured: the 1M set needs the disk.
        deleteContents(work);
        // A long run shows its results so far.
        Files.write(jsonl, concat(previous, lines), StandardCharsets.UTF_8);
      }
    } finally {
      delete(work);
    }
    problems.forEach(p -> lines.add(Json.write(Json.fields("system", "harness", "error", p))));
    load.close();
    if (peersOnly == null) {
      lines.add(suiteLine(quick, arguments, (System.nanoTime() - suiteStart) / 1e9, load));
    }
    List<String> results = concat(previous, lines);
    Files.write(jsonl, results, StandardCharsets.UTF_8);
    plot(jsonl, out);
    Files.writeString(out.resolve("report.md"), Report.write(results), StandardCharsets.UTF_8);
    System.err.println("wrote " + jsonl + ", " + out.resolve("report.md") + " and the plots");
    return 0;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** The run's command, date, wall time and machine, for the report's header. */
  private static String suiteLine(
      boolean quick, String arguments, double seconds, LoadMonitor load) {
    String cpu = "unknown CPU";
    long memoryKb = 0;
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .findFirst()
              .orElse(cpu);
      memoryKb =
          Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(l -> l.startsWith("MemTotal:"))
              .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
              .findFirst()
              .orElse(0);
    } catch (IOException e) {
      // Not Linux: the report says less about the machine.
    }
    Map<String, Object> fields =
        Json.fields(
            "workload",
            "suite",
            "quick",
            quick ? 1 : 0,
            "command",
            ("./quiver bench suite " + arguments).strip(),
            "date",
            LocalDate.now().toString(),
            "seconds",
            Math.round(seconds * 10) / 10.0,
            "cores",
            Runtime.getRuntime().availableProcessors(),
            "memory_gib",
            Math.round(memoryKb / 1048576.0 * 10) / 10.0,
            "max_heap_gib",
            Math.round(Runtime.getRuntime().maxMemory() / 1073741824.0 * 10) / 10.0,
            "cpu",
            cpu,
            "mean_load",
            Math.round(load.mean() * 100) / 100.0,
            "max_load",
            Math.round(load.max() * 100) / 100.0,
            "jdk",
            System.getProperty("java.vm.name") + " " + Runtime.version());
    for (String pkg : List.of("python3-faiss", "python3-hnswlib")) {
      fields.put(pkg, Debian.version(pkg));
    }
    return Json.write(fields);
  }

  /** Runs peers.py on the data set; its JSON lines, or one error line when Python is missing. */
  private static List<String> peers(
      Dataset data, Path work, List<String> systems, int exactQueries, int[] efs, int[] nprobes)
      throws IOException {
    Path script = script("peers.py");
    if (!Files.isExecutable(PYTHON) || script == null) {
      return List.of(
          Json.write(
              Json.fields(
                  "dataset",
                  data.name(),
                  "system",
                  "peers",
                  "error",
                  "no " + PYTHON + " or peers.py")));
    }
    Path base = work.resolve(data.name() + ".base.fvecs");
    Path queries = work.resolve(data.name() + ".query.fvecs");
    Dataset.writeFvecs(data.base(), base);
    Dataset.writeFvecs(data.queries(), queries);
    List<String> command =
        new ArrayList<>(
            List.of(
                PYTHON.toString(),
                script.toString(),
                "--base",
                base.toString(),
                "--queries",
                queries.toString(),
                "--k",
                Integer.toString(K),
                "--metric",
                data.metric(),
                "--m",
                Integer.toString(M),
                "--ef-construction",
                Integer.toString(EF_CONSTRUCTION),
                "--ef-search",
                Arrays.stream(efs).mapToObj(Integer::toString).collect(Collectors.joining(",")),
                "--nprobe",
                Arrays.stream(nprobes).mapToObj(Integer::toString).collect(Collectors.joining(",")),
                "--exact-queries",
                Integer.toString(exactQueries),
                "--systems",
                String.join(",", systems),
                "--dataset",
                data.name()));
    for (Filter filter : Filter.ALL) {
      Path truth = work.resolve(data.name() + ".truth-" + filter.below() + ".ivecs");
      Dataset.writeIvecs(data.truth().get(filter), truth);
      command.add("--truth");
      command.add(filter.label() + ":" + filter.below() + ":" + truth);
    }
    return runPython(command);
  }

  private static void plot(Path jsonl, Path out) throws IOException {
    Path script = script("plot.py");
    if (Files.isExecutable(PYTHON) && script != null) {
      runPython(
          List.of(
              PYTHON.toString(),
              script.toString(),
              "--results",
              jsonl.toString(),
              "--out",
              out.toString()));
    }
  }

  private static List<String> runPython(List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("{")) {
          lines.add(line);
        }
      }
    }
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return lines;
  }

  /** The Python script, from the source tree (the harness runs from a checkout). */
  private static Path script(String name) {
    for (Path dir : List.of(Path.of("bench/src/main/python"), Path.of("src/main/python"))) {
      if (Files.isRegularFile(dir.resolve(name))) {
        return dir.resolve(name).toAbsolutePath();
      }
    }
    return null;
  }

  private static void deleteContents(Path root) throws IOException {
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        delete(child);
      }
    }
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
