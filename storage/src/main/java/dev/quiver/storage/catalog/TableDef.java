package dev.quiver.storage.catalog;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A table's definition: its columns in order, the position of the primary key column (-1 when the
 * table has none and rows are identified by a hidden row id), and its normalized options.
 */
public record TableDef(
    String name, List<ColumnDef> columns, int primaryKey, Map<String, String> options) {

  public TableDef {
    columns = List.copyOf(columns);
    options = Map.copyOf(options);
    if (columns.isEmpty()) {
      throw new QuiverException(
          ErrorCode.INVALID_DEFINITION, "table " + name + " must have at least one column");
    }
    Set<String> seen = new HashSet<>();
    for (ColumnDef c : columns) {
      if (RESERVED_COLUMNS.contains(c.name().toLowerCase(Locale.ROOT))) {
        throw new QuiverException(
            ErrorCode.INVALID_DEFINITION,
            "table "
                + name
                + ": column name "
                + c.name()
                + " is reserved (Quiver's own columns are "
                + String.join(", ", RESERVED_COLUMNS.stream().sorted().toList())
                + "); choose another name");
      }
      if (!seen.add(c.name())) {
        throw new QuiverException(
            ErrorCode.INVALID_DEFINITION,
            "table " + name + " declares column " + c.name() + " twice");
      }
    }
    if (primaryKey >= columns.size() || primaryKey < -1) {
      throw new QuiverException(
          ErrorCode.INVALID_DEFINITION,
          "table "
              + name
              + ": primary key position "
              + primaryKey
              + " is not one of its "
              + columns.size()
              + " columns");
    }
    if (primaryKey >= 0) {
      ColumnDef key = columns.get(primaryKey);
      if (!key.type().canBePrimaryKey()) {
        throw new QuiverException(
            ErrorCode.INVALID_DEFINITION,
            "primary key column "
                + key.name()
                + " has type "
                + key.typeName()
                + "; a primary key must be INTEGER, BIGINT or VARCHAR");
      }
      if (key.nullable()) {
        // A primary key is NOT NULL whether or not the user wrote it, as in every SQL database.
        List<ColumnDef> copy = new ArrayList<>(columns);
        copy.set(primaryKey, key.withNullable(false));
        columns = List.copyOf(copy);
      }
    }
    for (String option : List.of("cluster_by", "partition_key")) {
      String column = options.get(option);
      if (column != null && columns.stream().noneMatch(c -> c.name().equals(column))) {
        throw new QuiverException(
            ErrorCode.INVALID_OPTION,
            "table option "
                + option
                + " names column "
                + column
                + ", which "
                + name
                + " does not have; its columns are "
                + String.join(", ", columns.stream().map(ColumnDef::name).toList()));
      }
    }
    String clusterBy = options.get("cluster_by");
    for (ColumnDef c : columns) {
      if (c.name().equals(clusterBy) && c.type() == ColumnType.VECTOR) {
        throw new QuiverException(
            ErrorCode.INVALID_OPTION,
            "table option cluster_by names column "
                + c.name()
                + " of "
                + name
                + ", which is "
                + c.typeName()
                + "; rows are ordered by a scalar column, one of "
                + String.join(
                    ", ",
                    columns.stream()
                        .filter(s -> s.type() != ColumnType.VECTOR)
                        .map(ColumnDef::name)
                        .toList()));
      }
    }
  }

  /**
   * The option, kept by the engine and never shown or set by users (their option names never start
   * with an underscore), that holds {@link #historySinceMillis}.
   */
  private static final String HISTORY_SINCE = "_history_since_ms";

  private static final String RETENTION = "time_travel_retention_s";

  /**
   * This definition with its options changed by ALTER TABLE at {@code atMillis}, checked as at
   * creation: the changed options are set, the reset ones return to their defaults. Raising {@code
   * time_travel_retention_s} cannot bring back the history that segments sealed before it left out
   * (they keep deleted rows only for the old retention), so the result then also records since when
   * its history is complete: {@code atMillis} minus the old retention.
   *
   * @throws QuiverException INVALID_OPTION if cluster_by names a missing or VECTOR column
   */
  public TableDef withOptions(OptionChanges changes, long atMillis) {
    Map<String, Object> given = new TreeMap<>(userOptions());
    given.keySet().removeAll(changes.reset());
    given.putAll(changes.set());
    Map<String, String> altered = new TreeMap<>(Options.table(given));
    long oldRetention = longOption(RETENTION, 3600);
    long newRetention = Long.parseLong(altered.get(RETENTION));
    long since = historySinceMillis();
    if (newRetention > oldRetention) {
      since = Math.max(since, atMillis - oldRetention * 1000);
    }
    // Once the new retention reaches no further back, the record says nothing more.
    if (since > 0 && since > atMillis - newRetention * 1000) {
      altered.put(HISTORY_SINCE, Long.toString(since));
    }
    return new TableDef(name, columns, primaryKey, altered);
  }

  /** The options users set and see: all but those the engine keeps for itself. */
  public Map<String, String> userOptions() {
    Map<String, String> result = new TreeMap<>(options);
    result.keySet().removeIf(key -> key.startsWith("_"));
    return result;
  }

  /**
   * The instant (epoch milliseconds) since which the table's history is complete for {@code FOR
   * SYSTEM_TIME AS OF}, besides its retention; 0 unless ALTER TABLE raised {@code
   * time_travel_retention_s} (see {@link #withOptions}).
   */
  public long historySinceMillis() {
    return longOption(HISTORY_SINCE, 0);
  }

  /**
   * Column names Quiver keeps for itself: a segment's row id and insert timestamp, and the
   * partition pseudo-column.
   */
  public static final Set<String> RESERVED_COLUMNS = Set.of("_rowid", "_ts", "_partition");

  /** A whole-number option, as normalized by {@link Options#table}, or its fallback if absent. */
  public long longOption(String option, long fallback) {
    String value = options.get(option);
    return value == null ? fallback : Long.parseLong(value);
  }

  /** The position of a column, or -1. */
  public int columnIndex(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) {
        return i;
      }
    }
    return -1;
  }

  /** The column at a position. */
  public ColumnDef column(int index) {
    return columns.get(index);
  }

  /** Whether rows are identified by a primary key column rather than a hidden row id. */
  public boolean hasPrimaryKey() {
    return primaryKey >= 0;
  }
}
