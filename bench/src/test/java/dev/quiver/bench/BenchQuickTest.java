package dev.quiver.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's {@code --quick} mode runs in the test suite so that it keeps working: every system
 * measured, a report and results written, and Quiver's recall sane. Speed is not asserted.
 */
class BenchQuickTest {
  @TempDir Path out;

  @Test
  void quickRunWritesResultsAndAReportWithQuiverAndLuceneMeasured() throws Exception {
    BenchMain.run(true, out, 0, 0);
    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("\"system\": \"quiver\"")), lines.toString());
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("\"system\": \"lucene\"")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"workload\": \"insert\"")));
    // The peers are measured where Debian's python3-faiss and python3-hnswlib are installed, and
    // reported as not measured elsewhere.
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("hnswlib") || l.contains("\"error\"")),
        lines.toString());
    double best =
        lines.stream()
            .filter(l -> l.contains("\"system\": \"quiver\"") && l.contains("\"recall\""))
            .mapToDouble(
                l -> {
                  int i = l.indexOf("\"recall\": ") + 10;
                  return Double.parseDouble(l.substring(i, l.indexOf(',', i)));
                })
            .max()
            .orElse(0);
    assertTrue(best >= 0.95, "Quiver's best recall@10 " + best);
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("| quiver |"), report);
  }
}
