package dev.quiver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's {@code --quick} mode runs in the test suite so that it keeps working: every
 * workload measured, a report and results written, and Quiver's recall and row counts sane. Speed
 * is not asserted.
 */
class BenchQuickTest {
  @TempDir Path out;

  @Test
  void quickRunMeasuresEveryWorkloadAndWritesTheReport() throws Exception {
    BenchMain.run(true, out, 0, 0, null, null, BenchMain.Selection.ALL, "--quick");
    List<Map<String, Object>> rows =
        Files.readAllLines(out.resolve("results.jsonl")).stream().map(Json::read).toList();
    for (String system :
        List.of(
            "quiver",
            "quiver-int8",
            "quiver-int4",
            "quiver-binary",
            "quiver-ivf",
            "quiver-flat",
            "lucene")) {
      boolean filtered = !system.equals("quiver-int4") && !system.equals("quiver-binary");
      for (Filter filter : filtered ? Filter.ALL : List.of(Filter.NONE)) {
        assertTrue(
            rows.stream()
                .anyMatch(
                    r ->
                        system.equals(r.get("system"))
                            && "search".equals(r.get("workload"))
                            && filter.label().equals(r.get("filter"))),
            system + " under filter " + filter.label());
      }
    }
    for (String workload :
        List.of("insert", "bytes", "prepare", "profile", "concurrency", "paired")) {
      assertTrue(rows.stream().anyMatch(r -> workload.equals(r.get("workload"))), workload);
    }
    for (String system : List.of("quiver", "lucene")) {
      for (double threads : List.of(1.0, 2.0)) {
        assertTrue(
            rows.stream()
                .anyMatch(
                    r ->
                        "concurrency".equals(r.get("workload"))
                            && system.equals(r.get("system"))
                            && threads == (Double) r.get("threads")
                            && (Double) r.get("qps") > 0
                            && (Double) r.get("recall") >= 0.9),
            system + " with " + threads + " client threads");
      }
    }
    // The peers are measured where Debian's python3-faiss and python3-hnswlib are installed, and
    // reported as not measured elsewhere.
    assertTrue(
        rows.stream().anyMatch(r -> "hnswlib".equals(r.get("system")) || r.get("error") != null));
    double best =
        rows.stream()
            .filter(r -> "quiver".equals(r.get("system")) && "none".equals(r.get("filter")))
            .mapToDouble(r -> (Double) r.get("recall"))
            .max()
            .orElse(0);
    assertTrue(best >= 0.95, "Quiver's best recall@10 " + best);
    assertTrue(
        rows.stream()
            .filter(
                r ->
                    String.valueOf(r.get("system")).startsWith("quiver")
                        && "search".equals(r.get("workload")))
            .allMatch(r -> (Double) r.get("short_results") == 0),
        "every Quiver query, filtered or not, returns 10 rows");
    Map<String, Object> hnswBytes =
        rows.stream()
            .filter(r -> "bytes".equals(r.get("workload")) && "quiver".equals(r.get("system")))
            .findFirst()
            .orElseThrow();
    assertEquals(4.0 * 32, (Double) hnswBytes.get("raw"), 1.0, "raw float bytes per vector");
    assertTrue((Double) hnswBytes.get("graph") > 0, hnswBytes.toString());
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("| quiver |"), report);
    assertTrue(report.contains("measured in turns"), report);
    assertTrue(report.contains("Bytes per vector"), report);
    assertFalse(report.contains("NaN"), report);
  }
}
