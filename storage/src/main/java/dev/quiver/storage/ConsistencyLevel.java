package dev.quiver.storage;

import java.util.Locale;

/**
 * How fresh a query's snapshot must be (Milvus's consistency levels, SPEC section 5): each level
 * gives the query a guarantee timestamp, and the query reads once the engine has applied everything
 * up to it.
 */
public enum ConsistencyLevel {
  /** Every write acknowledged before the query started, from any connection. */
  STRONG,
  /** Every write acknowledged at least {@code bounded_staleness_ms} before the query started. */
  BOUNDED,
  /** Every write of the query's own connection (read-your-writes). */
  SESSION,
  /** Whatever is applied; never waits. */
  EVENTUALLY;

  /**
   * Parses a level name in any case.
   *
   * @param where what gave the value, for the message (e.g. "SET CONSISTENCY LEVEL")
   * @throws QuiverException INVALID_VALUE naming the value and the levels
   */
  public static ConsistencyLevel parse(String value, String where) {
    if (value != null) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // Reported below with the levels there are.
      }
    }
    throw new QuiverException(
        ErrorCode.INVALID_VALUE,
        where
            + ": '"
            + value
            + "' is not a consistency level; use STRONG, BOUNDED, SESSION or EVENTUALLY");
  }
}
