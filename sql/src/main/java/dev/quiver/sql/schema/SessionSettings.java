package dev.quiver.sql.schema;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A connection's settings, changed by {@code SET name = value} and {@code RESET name}: the search
 * parameters that override an index's defaults for the connection's queries. A query hint overrides
 * them in turn. Used by one thread at a time, as a JDBC connection is.
 */
public final class SessionSettings {
  /** The settings there are, with their ranges. */
  private static final Map<String, long[]> RANGES =
      Map.of("ef_search", new long[] {1, 100_000}, "nprobe", new long[] {1, 65_536});

  private final Map<String, Integer> values = new TreeMap<>();

  /** Sets a setting; a null value resets it to the index default. */
  public void set(String name, Object value) {
    String key = name.toLowerCase(Locale.ROOT);
    long[] range = RANGES.get(key);
    if (range == null) {
      throw new QuiverException(
          ErrorCode.UNSUPPORTED,
          "unknown setting '"
              + name
              + "'; settings are "
              + String.join(", ", new TreeMap<>(RANGES).keySet()));
    }
    if (value == null) {
      values.remove(key);
      return;
    }
    long v;
    try {
      v = new BigDecimal(value.toString().trim()).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(key, value, range);
    }
    if (v < range[0] || v > range[1]) {
      throw invalid(key, value, range);
    }
    values.put(key, (int) v);
  }

  /** The connection's value of a setting, or null when it uses the index default. */
  public Integer get(String name) {
    return values.get(name);
  }

  private static QuiverException invalid(String name, Object value, long[] range) {
    return new QuiverException(
        ErrorCode.INVALID_VALUE,
        "SET "
            + name
            + " = "
            + value
            + ": expected a whole number from "
            + range[0]
            + " to "
            + range[1]);
  }
}
