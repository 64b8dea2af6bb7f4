package dev.quiver.bench;

import java.util.List;

/**
 * A filter of the filtered workloads: every row has {@code cat = id mod 100}, and the filter keeps
 * the rows with {@code cat < below}, so {@code below} percent of the table, spread evenly over it.
 */
record Filter(String label, int below) {
  static final Filter NONE = new Filter("none", 100);
  static final List<Filter> ALL = List.of(NONE, new Filter("10%", 10), new Filter("1%", 1));

  /** The category of a row, as stored in the table's {@code cat} column. */
  static int category(int id) {
    return id % 100;
  }

  boolean accepts(int id) {
    return category(id) < below;
  }

  /** The WHERE clause of the SQL query, empty for no filter. */
  String where() {
    return below >= 100 ? "" : " WHERE cat < " + below;
  }

  /** The filter for a label of results.jsonl ({@code none} when absent). */
  static Filter of(String label) {
    return ALL.stream().filter(f -> f.label.equals(label)).findFirst().orElse(NONE);
  }
}
