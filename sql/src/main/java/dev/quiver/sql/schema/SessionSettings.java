package dev.quiver.sql.schema;

import dev.quiver.storage.ConsistencyLevel;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.Session;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A connection's settings, changed by {@code SET name = value} (and {@code SET CONSISTENCY LEVEL
 * level}) and {@code RESET name}: the search parameters that override an index's defaults for the
 * connection's queries, and the consistency settings of its engine {@link Session}, which override
 * each table's options. A query hint overrides both in turn. {@code RESET} goes back to the value
 * the connection was opened with, or to none. Used by one thread at a time, as a JDBC connection
 * is.
 */
public final class SessionSettings {
  /** The search parameters, with their ranges. */
  private static final Map<String, long[]> SEARCH =
      Map.of("ef_search", new long[] {1, 100_000}, "nprobe", new long[] {1, 65_536});

  /** The consistency settings that take a number of milliseconds, with their ranges. */
  private static final Map<String, long[]> WAITS =
      Map.of(
          "bounded_staleness_ms", new long[] {0, Integer.MAX_VALUE},
          "consistency_timeout_ms", new long[] {0, Integer.MAX_VALUE});

  /** The connection properties that are also settings. */
  public static final Set<String> CONNECTION_SETTINGS =
      Set.of("consistency_level", "bounded_staleness_ms", "consistency_timeout_ms");

  private final Session session;
  private final Map<String, String> connectionValues;
  private final Map<String, Integer> search = new TreeMap<>();

  /**
   * The settings of a connection whose engine session is {@code session}, opened with these
   * connection properties (by lower-case name); those that are settings take effect now.
   */
  public SessionSettings(Session session, Map<String, String> properties) {
    this.session = session;
    this.connectionValues = new TreeMap<>();
    for (String name : CONNECTION_SETTINGS) {
      String value = properties.get(name);
      if (value != null) {
        connectionValues.put(name, value);
        set(name, value);
      }
    }
  }

  /** The connection's engine session. */
  public Session session() {
    return session;
  }

  /** Sets a setting; a null value resets it. */
  public void set(String name, Object value) {
    String key = name.toLowerCase(Locale.ROOT);
    if (value == null && connectionValues.containsKey(key)) {
      value = connectionValues.get(key);
    }
    if (key.equals("consistency_level")) {
      session.setLevel(
          value == null ? null : ConsistencyLevel.parse(value.toString(), "SET CONSISTENCY LEVEL"));
      return;
    }
    if (WAITS.containsKey(key)) {
      Long millis = value == null ? null : whole(key, value, WAITS.get(key));
      if (key.equals("bounded_staleness_ms")) {
        session.setBoundedStalenessMillis(millis);
      } else {
        session.setTimeoutMillis(millis == null ? Session.DEFAULT_TIMEOUT_MILLIS : millis);
      }
      return;
    }
    long[] range = SEARCH.get(key);
    if (range == null) {
      Set<String> names = new TreeSet<>(SEARCH.keySet());
      names.addAll(CONNECTION_SETTINGS);
      throw new QuiverException(
          ErrorCode.UNSUPPORTED,
          "unknown setting '" + name + "'; settings are " + String.join(", ", names));
    }
    if (value == null) {
      search.remove(key);
      return;
    }
    search.put(key, (int) whole(key, value, range));
  }

  /** The connection's value of a search parameter, or null when it uses the index default. */
  public Integer get(String name) {
    return search.get(name);
  }

  /**
   * A search parameter's value checked against its range, as a query hint gives it.
   *
   * @throws QuiverException INVALID_VALUE for a value out of range or not a whole number
   */
  public static int searchParameter(String name, Object value) {
    String key = name.toLowerCase(Locale.ROOT);
    return (int) whole(key, value, SEARCH.get(key));
  }

  private static long whole(String name, Object value, long[] range) {
    long v;
    try {
      v = new BigDecimal(value.toString().trim()).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(name, value, range);
    }
    if (v < range[0] || v > range[1]) {
      throw invalid(name, value, range);
    }
    return v;
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
