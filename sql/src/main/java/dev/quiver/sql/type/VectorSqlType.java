package dev.quiver.sql.type;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.ArraySqlType;

/**
 * The SQL type {@code VECTOR(n)}: n float32 values.
 *
 * <p>It is an array of REAL to Calcite, so JDBC reports {@code Types.ARRAY}, {@code ARRAY[...]}
 * constructors assign to it and generated code treats values as {@code List<Float>}; its type
 * string, and so the JDBC type name, is {@code VECTOR(n)}. Dimension 0 stands for a vector whose
 * dimension is not known while validating (a parameter or a literal compared with no column).
 */
public final class VectorSqlType extends ArraySqlType {
  private final int dimension;

  VectorSqlType(RelDataType realType, int dimension, boolean nullable) {
    super(realType, nullable);
    this.dimension = dimension;
    // The superclass computed the digest before the dimension was set.
    computeDigest();
  }

  /** The number of components, or 0 when unknown. */
  public int dimension() {
    return dimension;
  }

  @Override
  protected void generateTypeString(StringBuilder sb, boolean withDetail) {
    if (dimension > 0) {
      sb.append("VECTOR(").append(dimension).append(')');
    } else {
      sb.append("VECTOR");
    }
  }
}
