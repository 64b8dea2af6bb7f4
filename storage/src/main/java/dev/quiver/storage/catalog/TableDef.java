package dev.quiver.storage.catalog;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
                + " does not have");
      }
    }
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
