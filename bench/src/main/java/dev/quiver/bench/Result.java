package dev.quiver.bench;

import java.util.Locale;

/** One measured point: a system at one search parameter, as a JSON line of results.jsonl. */
record Result(
    String dataset,
    String system,
    String parameter,
    Integer value,
    double recall,
    double qps,
    int queries,
    double buildSeconds) {

  String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"dataset\": \"%s\", \"system\": \"%s\", \"parameter\": %s, \"value\": %s,"
            + " \"recall\": %.4f, \"qps\": %.1f, \"queries\": %d, \"build_seconds\": %.2f}",
        dataset,
        system,
        parameter == null ? "null" : "\"" + parameter + "\"",
        value == null ? "null" : value.toString(),
        recall,
        qps,
        queries,
        buildSeconds);
  }
}
