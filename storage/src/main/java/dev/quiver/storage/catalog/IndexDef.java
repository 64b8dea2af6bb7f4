package dev.quiver.storage.catalog;

import java.util.Map;

/**
 * A vector index's definition: name, table, the VECTOR column it covers, method, metric and its
 * normalized options (including the metric under {@code metric}).
 */
public record IndexDef(
    String name,
    String table,
    String column,
    IndexMethod method,
    Metric metric,
    Map<String, String> options) {

  public IndexDef {
    options = Map.copyOf(options);
  }
}
