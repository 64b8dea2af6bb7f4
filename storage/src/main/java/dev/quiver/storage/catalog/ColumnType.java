package dev.quiver.storage.catalog;

import java.math.BigDecimal;

/**
 * The column types a Quiver table can hold, each with the Java class its values have inside the
 * engine.
 *
 * <p>DATE values are days since 1970-01-01 ({@link Integer}) and TIMESTAMP values milliseconds
 * since 1970-01-01 00:00 without a zone ({@link Long}): Calcite's internal representation, so rows
 * cross the SQL layer without conversion.
 */
public enum ColumnType {
  BOOLEAN(Boolean.class),
  INTEGER(Integer.class),
  BIGINT(Long.class),
  REAL(Float.class),
  DOUBLE(Double.class),
  DECIMAL(BigDecimal.class),
  VARCHAR(String.class),
  DATE(Integer.class),
  TIMESTAMP(Long.class),
  VECTOR(float[].class);

  private final Class<?> javaClass;

  ColumnType(Class<?> javaClass) {
    this.javaClass = javaClass;
  }

  /** The class of this type's values inside the engine. */
  public Class<?> javaClass() {
    return javaClass;
  }

  /** Whether this type can be a primary key (SPEC: one INTEGER, BIGINT or VARCHAR column). */
  public boolean canBePrimaryKey() {
    return this == INTEGER || this == BIGINT || this == VARCHAR;
  }
}
