package dev.quiver.sql.type;

import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The type factory of a Quiver connection: Calcite's Java type factory that also knows {@link
 * VectorSqlType}, so the vector type survives nullability changes instead of decaying into a plain
 * {@code REAL ARRAY}.
 */
public final class QuiverTypeFactory extends JavaTypeFactoryImpl {
  public QuiverTypeFactory() {
    super(RelDataTypeSystem.DEFAULT);
  }

  /** Returns the (not null) type {@code VECTOR(dimension)}; dimension 0 means unknown. */
  public RelDataType createVectorType(int dimension) {
    return canonize(new VectorSqlType(createSqlType(SqlTypeName.REAL), dimension, false));
  }

  @Override
  public RelDataType createTypeWithNullability(RelDataType type, boolean nullable) {
    if (type instanceof VectorSqlType vector) {
      if (vector.isNullable() == nullable) {
        return type;
      }
      return canonize(
          new VectorSqlType(createSqlType(SqlTypeName.REAL), vector.dimension(), nullable));
    }
    return super.createTypeWithNullability(type, nullable);
  }

  /**
   * Returns {@code VECTOR(dimension)} from any type factory: a Quiver factory canonizes it; another
   * (a bare parser or validator in tests) gets a fresh instance.
   */
  public static RelDataType vectorType(RelDataTypeFactory factory, int dimension) {
    if (factory instanceof QuiverTypeFactory quiver) {
      return quiver.createVectorType(dimension);
    }
    return new VectorSqlType(factory.createSqlType(SqlTypeName.REAL), dimension, false);
  }
}
