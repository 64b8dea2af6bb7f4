package dev.quiver.storage.catalog;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;

/**
 * A column of a table: name, type, and for VECTOR its dimension, for VARCHAR and DECIMAL the
 * declared precision (-1 when none was given) and scale.
 */
public record ColumnDef(
    String name, ColumnType type, int dimension, int precision, int scale, boolean nullable) {

  /** The largest vector dimension a column may declare. */
  public static final int MAX_DIMENSION = 4096;

  public ColumnDef {
    if (type == ColumnType.VECTOR && (dimension < 1 || dimension > MAX_DIMENSION)) {
      throw new QuiverException(
          ErrorCode.INVALID_DEFINITION,
          "column "
              + name
              + ": VECTOR("
              + dimension
              + ") is out of range; a vector has 1 to "
              + MAX_DIMENSION
              + " dimensions");
    }
  }

  /** A scalar column without precision. */
  public static ColumnDef of(String name, ColumnType type, boolean nullable) {
    return new ColumnDef(name, type, 0, -1, 0, nullable);
  }

  /** A VECTOR(dimension) column. */
  public static ColumnDef vector(String name, int dimension, boolean nullable) {
    return new ColumnDef(name, ColumnType.VECTOR, dimension, -1, 0, nullable);
  }

  /** This column with another nullability. */
  public ColumnDef withNullable(boolean nullable) {
    return new ColumnDef(name, type, dimension, precision, scale, nullable);
  }

  /** The type as a user writes it, e.g. {@code VECTOR(384)} or {@code VARCHAR(20)}. */
  public String typeName() {
    return switch (type) {
      case VECTOR -> "VECTOR(" + dimension + ")";
      case VARCHAR -> precision >= 0 ? "VARCHAR(" + precision + ")" : "VARCHAR";
      case DECIMAL -> precision >= 0 ? "DECIMAL(" + precision + ", " + scale + ")" : "DECIMAL";
      default -> type.name();
    };
  }
}
