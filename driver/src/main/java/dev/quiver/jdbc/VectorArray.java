package dev.quiver.jdbc;

import java.sql.Array;
import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Types;
import java.util.Arrays;
import java.util.Map;

/**
 * A VECTOR value as a {@link java.sql.Array} of REAL, what {@code ResultSet.getArray} returns for a
 * VECTOR column. {@link #getArray()} gives a {@code float[]} copy. Avatica's server reads result
 * arrays this way to send them; its fallback when {@link #getResultSet()} is not supported.
 */
final class VectorArray implements Array {
  private final float[] values;

  VectorArray(float[] values) {
    this.values = values;
  }

  @Override
  public String getBaseTypeName() {
    return JDBCType.REAL.getName();
  }

  @Override
  public int getBaseType() {
    return Types.REAL;
  }

  @Override
  public Object getArray() {
    return values.clone();
  }

  @Override
  public Object getArray(Map<String, Class<?>> map) {
    return getArray();
  }

  @Override
  public Object getArray(long index, int count) {
    int from = Math.toIntExact(index - 1);
    return Arrays.copyOfRange(values, from, Math.min(values.length, from + count));
  }

  @Override
  public Object getArray(long index, int count, Map<String, Class<?>> map) {
    return getArray(index, count);
  }

  @Override
  public ResultSet getResultSet() throws SQLFeatureNotSupportedException {
    throw notSupported();
  }

  @Override
  public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLFeatureNotSupportedException {
    throw notSupported();
  }

  @Override
  public ResultSet getResultSet(long index, int count) throws SQLFeatureNotSupportedException {
    throw notSupported();
  }

  @Override
  public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map)
      throws SQLFeatureNotSupportedException {
    throw notSupported();
  }

  @Override
  public void free() {}

  private static SQLFeatureNotSupportedException notSupported() {
    return new SQLFeatureNotSupportedException(
        "a vector's components are read with getArray() (a float[]) or getObject, not as a"
            + " result set",
        "0A000");
  }
}
