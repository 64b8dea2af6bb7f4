package dev.quiver.bench;

/**
 * One measured search point: a system on a data set under a filter, with a number of client
 * threads, at one value of its search parameter; a line of results.jsonl whose workload is {@code
 * search} (a one-thread sweep point) or {@code concurrency}. {@code queries} is the number of
 * distinct queries (a point may time them several times over), {@code shortResults} the number of
 * those that returned fewer than k rows.
 */
record Result(
    String dataset,
    String system,
    String workload,
    Filter filter,
    int threads,
    String parameter,
    Integer value,
    double recall,
    double qps,
    int queries,
    int shortResults,
    double buildSeconds) {

  String toJson() {
    return Json.write(
        Json.fields(
            "dataset", dataset,
            "system", system,
            "workload", workload,
            "filter", filter.label(),
            "threads", threads,
            "parameter", parameter,
            "value", value,
            "recall", recall,
            "qps", Math.round(qps * 10) / 10.0,
            "queries", queries,
            "short_results", shortResults,
            "build_seconds", Math.round(buildSeconds * 100) / 100.0));
  }
}
