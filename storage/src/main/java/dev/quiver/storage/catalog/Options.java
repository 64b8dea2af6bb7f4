package dev.quiver.storage.catalog;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The options a table or an index accepts, with defaults and checks; documented in docs/sql.md.
 *
 * <p>Unknown names and out-of-range values are rejected when the object is created, so a typo such
 * as {@code segment_max_row} is an error rather than a silently ignored setting.
 */
public final class Options {
  private Options() {}

  private static final List<OptionSpec> TABLE =
      List.of(
          OptionSpec.integer("segment_max_rows", 100_000, 1, Integer.MAX_VALUE),
          OptionSpec.integer("segment_max_bytes", 512L << 20, 1 << 16, Long.MAX_VALUE),
          OptionSpec.integer("segment_idle_seal_s", 600, 1, Integer.MAX_VALUE),
          OptionSpec.choice(
              "consistency_level", "session", Set.of("strong", "bounded", "session", "eventually")),
          OptionSpec.integer("bounded_staleness_ms", 5000, 0, Integer.MAX_VALUE),
          OptionSpec.integer("time_travel_retention_s", 3600, 0, Integer.MAX_VALUE),
          OptionSpec.bool("auto_compaction", true),
          OptionSpec.number("deleted_ratio_threshold", 0.2, 0.01, 1.0),
          OptionSpec.integer("compaction_min_segments", 10, 2, 10_000),
          OptionSpec.integer("full_compaction_interval_s", 0, 0, Integer.MAX_VALUE),
          OptionSpec.columnName("cluster_by"),
          OptionSpec.columnName("partition_key"),
          OptionSpec.integer("partition_count", 16, 1, 4096));

  private static final List<OptionSpec> METRIC =
      List.of(OptionSpec.choice("metric", "l2", Set.of("l2", "cosine", "ip", "inner_product")));

  private static final Map<IndexMethod, List<OptionSpec>> INDEX =
      Map.of(
          IndexMethod.HNSW,
          List.of(
              METRIC.get(0),
              OptionSpec.integer("m", 16, 2, 512),
              OptionSpec.integer("ef_construction", 100, 4, 4096),
              OptionSpec.integer("ef_search", 100, 1, 100_000),
              OptionSpec.choice("quantization", "none", Set.of("none", "int8", "int4", "binary"))),
          IndexMethod.IVF_FLAT,
          List.of(
              METRIC.get(0),
              OptionSpec.integer("nlist", 1024, 1, 65_536),
              OptionSpec.integer("nprobe", 16, 1, 65_536)),
          IndexMethod.FLAT,
          METRIC);

  /** Checks table options and returns them normalized, defaults filled in. */
  public static Map<String, String> table(Map<String, ?> given) {
    return normalize("table", TABLE, given);
  }

  /** Checks index options for a method and returns them normalized, defaults filled in. */
  public static Map<String, String> index(IndexMethod method, Map<String, ?> given) {
    return normalize("index " + method.name(), INDEX.get(method), given);
  }

  private static Map<String, String> normalize(
      String owner, List<OptionSpec> specs, Map<String, ?> given) {
    Map<String, OptionSpec> byName = new LinkedHashMap<>();
    specs.forEach(s -> byName.put(s.name(), s));
    Map<String, String> result = new TreeMap<>();
    for (OptionSpec spec : specs) {
      if (spec.defaultValue() != null) {
        result.put(spec.name(), spec.defaultValue());
      }
    }
    for (Map.Entry<String, ?> e : given.entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      OptionSpec spec = byName.get(key);
      if (spec == null) {
        throw new QuiverException(
            ErrorCode.INVALID_OPTION,
            "unknown "
                + owner
                + " option '"
                + e.getKey()
                + "'; known options: "
                + byName.keySet().stream().collect(Collectors.joining(", ")));
      }
      result.put(key, spec.normalize(owner, e.getValue()));
    }
    return result;
  }
}
