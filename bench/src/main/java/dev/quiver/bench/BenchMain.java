package dev.quiver.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code ./quiver bench suite [--quick] [--out DIR] [--report-only]}: prepares the data, runs
 * Quiver through JDBC, raw Lucene in this JVM and the Python peers (FAISS, hnswlib) on the same
 * vectors, and writes {@code results.jsonl}, {@code report.md} and one recall/QPS plot per data set
 * into the output folder (default {@code docs/bench}). {@code --quick} uses a small synthetic set,
 * for the test suite.
 */
public final class BenchMain {
  static final int K = 10;
  static final int M = 16;
  static final int EF_CONSTRUCTION = 100;
  static final int[] EF_SEARCH = {10, 20, 40, 80, 160, 320};
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean reportOnly = false;
    Path out = Path.of("docs/bench");
    int rows = 60_000;
    int queries = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--report-only" -> reportOnly = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (reportOnly) {
      // Rewrites the report and plots from the results of an earlier run.
      Path jsonl = out.resolve("results.jsonl");
      plot(jsonl, out);
      Files.writeString(
          out.resolve("report.md"),
          report(Files.readAllLines(jsonl, StandardCharsets.UTF_8), false),
          StandardCharsets.UTF_8);
      return;
    }
    System.exit(run(quick, out, rows, queries));
  }

  static int run(boolean quick, Path out, int rows, int queries) throws Exception {
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("quiver-bench");
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "quiver-bench");
    List<Dataset> datasets = new ArrayList<>();
    if (quick) {
      datasets.add(Dataset.synthetic(3000, 50, 32, K, cache));
    } else {
      if (Files.isDirectory(Dataset.FASHION)) {
        datasets.add(Dataset.fashionMnist(rows, queries, K, cache));
      } else {
        System.err.println(
            "fashion-mnist skipped: apt-get install dataset-fashion-mnist to include it");
      }
      datasets.add(Dataset.synthetic(100_000, queries, 128, K, cache));
    }
    List<String> lines = new ArrayList<>();
    try {
      for (Dataset data : datasets) {
        System.err.println("== " + data.name());
        List<Result> results = new ArrayList<>();
        results.addAll(QuiverRunner.run(data, work, M, EF_CONSTRUCTION, EF_SEARCH, K, lines));
        results.addAll(LuceneRunner.run(data, work, M, EF_CONSTRUCTION, EF_SEARCH, K));
        results.forEach(r -> lines.add(r.toJson()));
        lines.addAll(peers(data, work));
      }
    } finally {
      delete(work);
    }
    Path jsonl = out.resolve("results.jsonl");
    Files.write(jsonl, lines, StandardCharsets.UTF_8);
    plot(jsonl, out);
    Files.writeString(out.resolve("report.md"), report(lines, quick), StandardCharsets.UTF_8);
    System.err.println("wrote " + jsonl + ", " + out.resolve("report.md") + " and the plots");
    return 0;
  }

  /** Runs peers.py on the data set; its JSON lines, or one error line when Python is missing. */
  private static List<String> peers(Dataset data, Path work) throws IOException {
    Path script = script("peers.py");
    if (!Files.isExecutable(PYTHON) || script == null) {
      return List.of(
          "{\"dataset\": \""
              + data.name()
              + "\", \"system\": \"peers\", \"error\": \"no "
              + PYTHON
              + " or peers.py\"}");
    }
    Path base = work.resolve(data.name() + ".base.fvecs");
    Path queries = work.resolve(data.name() + ".query.fvecs");
    Path truth = work.resolve(data.name() + ".truth.ivecs");
    Dataset.writeFvecs(data.base(), base);
    Dataset.writeFvecs(data.queries(), queries);
    Dataset.writeIvecs(data.truth(), truth);
    List<String> command =
        List.of(
            PYTHON.toString(),
            script.toString(),
            "--base",
            base.toString(),
            "--queries",
            queries.toString(),
            "--truth",
            truth.toString(),
            "--k",
            Integer.toString(K),
            "--metric",
            data.metric(),
            "--m",
            Integer.toString(M),
            "--ef-construction",
            Integer.toString(EF_CONSTRUCTION),
            "--ef-search",
            Arrays.stream(EF_SEARCH).mapToObj(Integer::toString).collect(Collectors.joining(",")),
            "--dataset",
            data.name());
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

  /** The markdown report: per data set, QPS at recall targets and the ratios to the baselines. */
  static String report(List<String> lines, boolean quick) {
    StringBuilder md = new StringBuilder("# Benchmark results\n\n");
    md.append(
        quick
            ? "A `--quick` run on tiny synthetic data: it shows the harness works, not speed.\n\n"
            : "Produced by `./quiver bench suite`. Top-10, one query at a time on one thread;"
                + " HNSW m = 16, ef_construction = 100 everywhere.\n\n"
                + "Caveats: a shared 2-core VM, one run per point (repeats differ by up to 30%)."
                + " Quiver is measured through JDBC after a warm-up; raw Lucene in the same JVM"
                + " with the same warm-up; hnswlib and FAISS in Python (Debian's packages), whose"
                + " per-query call overhead is included. The data sets are a 60,000-image"
                + " Fashion-MNIST sample and 100,000 synthetic 128-d vectors, not yet the 1M set"
                + " or the WordNet embeddings the harness is meant to add.\n\n");
    Map<String, Map<String, List<double[]>>> byDataset = new TreeMap<>();
    for (String line : lines) {
      if (line.contains("\"error\"") || line.contains("\"workload\": \"insert\"")) {
        continue;
      }
      String dataset = field(line, "dataset");
      String system = field(line, "system");
      double recall = Double.parseDouble(number(line, "recall"));
      double qps = Double.parseDouble(number(line, "qps"));
      byDataset
          .computeIfAbsent(dataset, d -> new TreeMap<>())
          .computeIfAbsent(system, s -> new ArrayList<>())
          .add(new double[] {recall, qps});
    }
    for (var dataset : byDataset.entrySet()) {
      md.append("## ").append(dataset.getKey()).append("\n\n");
      md.append("![recall vs QPS](recall-qps-").append(dataset.getKey()).append(".png)\n\n");
      md.append("| system | best QPS at recall@10 ≥ 0.95 | at ≥ 0.90 | highest recall |\n");
      md.append("|---|---:|---:|---:|\n");
      Map<String, Double> at95 = new TreeMap<>();
      for (var system : dataset.getValue().entrySet()) {
        double q95 = best(system.getValue(), 0.95);
        double q90 = best(system.getValue(), 0.90);
        double top = system.getValue().stream().mapToDouble(p -> p[0]).max().orElse(Double.NaN);
        at95.put(system.getKey(), q95);
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %.3f |%n",
                system.getKey(),
                show(q95),
                show(q90),
                top));
      }
      md.append('\n');
      Double quiver = at95.get("quiver");
      for (String peer : List.of("lucene", "hnswlib", "faiss-hnsw")) {
        Double other = at95.get(peer);
        if (quiver != null && other != null && quiver > 0 && other > 0) {
          md.append(
              String.format(
                  Locale.ROOT, "Quiver / %s at recall ≥ 0.95: %.2f×%n%n", peer, quiver / other));
        }
      }
    }
    md.append(
        "## Where a Quiver query's time goes\n\n"
            + "See the JDK Flight Recorder profile in [../indexes.md](../indexes.md#query-time):"
            + " most of an indexed top-10 is Lucene's HNSW search; JDBC, Calcite and the"
            + " projection take a few percent.\n\n");
    md.append("## Durable bulk insert (batches of 1000, sync=commit) and time until indexed\n\n");
    lines.stream()
        .filter(l -> l.contains("\"workload\": \"insert\""))
        .forEach(l -> md.append("- `").append(l).append("`\n"));
    md.append('\n');
    lines.stream()
        .filter(l -> l.contains("\"error\""))
        .forEach(l -> md.append("- not measured: `").append(l).append("`\n"));
    return md.toString();
  }

  private static double best(List<double[]> points, double recall) {
    return points.stream().filter(p -> p[0] >= recall).mapToDouble(p -> p[1]).max().orElse(0);
  }

  private static String show(double qps) {
    return qps > 0 ? String.format(Locale.ROOT, "%.0f", qps) : "–";
  }

  private static String field(String json, String name) {
    int i = json.indexOf("\"" + name + "\": \"") + name.length() + 5;
    return json.substring(i, json.indexOf('"', i));
  }

  private static String number(String json, String name) {
    int i = json.indexOf("\"" + name + "\": ") + name.length() + 4;
    int end = i;
    while (end < json.length() && "0123456789.-eE".indexOf(json.charAt(end)) >= 0) {
      end++;
    }
    return json.substring(i, end);
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
