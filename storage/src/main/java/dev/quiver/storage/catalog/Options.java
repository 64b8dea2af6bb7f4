package dev.quiver.storage.catalog;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The options a table or an index accepts, with defaults and checks; documented in docs/sql.md.
 *
 * <p>Unknown names and out-of-range values are rejected when the object is created or altered, so a
 * typo such as {@code segment_max_row} is an error rather than a silently ignored setting.
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

  /**
   * Table options that ALTER TABLE cannot change: every row was placed in its partition by them
   * when it was written.
   */
  private static final Set<String> FIXED_TABLE = Set.of("partition_key", "partition_count");

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

  /**
   * Checks the changes of {@code ALTER TABLE table SET (...)} and {@code RESET (...)}: the values
   * to set are normalized, the names to reset lower-cased. Whether the result suits the table (a
   * cluster_by column) is for {@link TableDef#withOptions} to check.
   *
   * @throws QuiverException INVALID_OPTION for an unknown name, a bad value, a name both set and
   *     reset, or no change at all; UNSUPPORTED for an option fixed when the table was created
   */
  public static OptionChanges tableChanges(
      String table, Map<String, ?> set, Collection<String> reset) {
    Map<String, OptionSpec> byName = byName(TABLE);
    Map<String, String> values = new TreeMap<>();
    for (Map.Entry<String, ?> e : set.entrySet()) {
      OptionSpec spec = alterable(table, e.getKey(), byName);
      values.put(spec.name(), spec.normalize("table", e.getValue()));
    }
    Set<String> names = new TreeSet<>();
    for (String name : reset) {
      OptionSpec spec = alterable(table, name, byName);
      if (values.containsKey(spec.name())) {
        throw new QuiverException(
            ErrorCode.INVALID_OPTION,
            "table "
                + table
                + ": option "
                + spec.name()
                + " is both set and reset; give it in one of them");
      }
      names.add(spec.name());
    }
    if (values.isEmpty() && names.isEmpty()) {
      throw new QuiverException(
          ErrorCode.INVALID_OPTION,
          "ALTER TABLE " + table + " names no option; known options: " + known(byName));
    }
    return new OptionChanges(values, names);
  }

  private static OptionSpec alterable(String table, String name, Map<String, OptionSpec> byName) {
    String key = name.toLowerCase(Locale.ROOT);
    OptionSpec spec = byName.get(key);
    if (spec == null) {
      throw unknown("table", name, byName);
    }
    if (FIXED_TABLE.contains(key)) {
      throw new QuiverException(
          ErrorCode.UNSUPPORTED,
          "table "
              + table
              + ": option "
              + key
              + " cannot be changed after the table is created, since its rows were placed in"
              + " partitions by it; create another table WITH (partition_key = ...,"
              + " partition_count = ...) and copy the rows with INSERT INTO ... SELECT");
    }
    return spec;
  }

  /** Checks index options for a method and returns them normalized, defaults filled in. */
  public static Map<String, String> index(IndexMethod method, Map<String, ?> given) {
    return normalize("index " + method.name(), INDEX.get(method), given);
  }

  private static Map<String, String> normalize(
      String owner, List<OptionSpec> specs, Map<String, ?> given) {
    Map<String, OptionSpec> byName = byName(specs);
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
        throw unknown(owner, e.getKey(), byName);
      }
      result.put(key, spec.normalize(owner, e.getValue()));
    }
    return result;
  }

  private static Map<String, OptionSpec> byName(List<OptionSpec> specs) {
    Map<String, OptionSpec> byName = new LinkedHashMap<>();
    specs.forEach(s -> byName.put(s.name(), s));
    return byName;
  }

  private static QuiverException unknown(
      String owner, String name, Map<String, OptionSpec> byName) {
    return new QuiverException(
        ErrorCode.INVALID_OPTION,
        "unknown " + owner + " option '" + name + "'; known options: " + known(byName));
  }

  private static String known(Map<String, OptionSpec> byName) {
    return byName.keySet().stream().collect(Collectors.joining(", "));
  }
}
