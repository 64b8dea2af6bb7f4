package dev.quiver.jdbc;

import dev.quiver.sql.QuiverSqlSession;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a Quiver {@link ResultSet} changes: a VECTOR column reads as {@code float[]} from {@code
 * getObject}, as pgvector's text {@code [1, 0.5]} from {@code getString} and as an Array of REAL
 * from {@code getArray}.
 */
public final class ResultSetOverrides {
  private final ResultSet calcite;
  private final Statement statement;
  private final Backend backend;
  private boolean[] vectorColumns;

  private ResultSetOverrides(ResultSet calcite, Statement statement, Backend backend) {
    this.calcite = calcite;
    this.statement = statement;
    this.backend = backend;
  }

  static ResultSet wrap(ResultSet calcite, Statement statement, Backend backend) {
    return JdbcProxy.create(
        ResultSet.class, calcite, new ResultSetOverrides(calcite, statement, backend), backend);
  }

  public Statement getStatement() {
    return statement;
  }

  public ResultSetMetaData getMetaData() throws SQLException {
    return MetaDataOverrides.wrapResultSetMetaData(calcite.getMetaData(), backend);
  }

  public Object getObject(int column) throws SQLException {
    Object value = calcite.getObject(column);
    return isVector(column) ? QuiverSqlSession.vectorResult(value) : value;
  }

  public Object getObject(String label) throws SQLException {
    return getObject(calcite.findColumn(label));
  }

  public <T> T getObject(int column, Class<T> type) throws SQLException {
    if (isVector(column)) {
      if (type == String.class) {
        return type.cast(getString(column));
      }
      return type.cast(getObject(column));
    }
    return calcite.getObject(column, type);
  }

  public <T> T getObject(String label, Class<T> type) throws SQLException {
    return getObject(calcite.findColumn(label), type);
  }

  public String getString(int column) throws SQLException {
    if (isVector(column)) {
      float[] v = (float[]) getObject(column);
      return v == null ? null : QuiverSqlSession.formatVector(v);
    }
    return calcite.getString(column);
  }

  public String getString(String label) throws SQLException {
    return getString(calcite.findColumn(label));
  }

  /** A VECTOR column's value as an Array of REAL; other columns as the delegate has them. */
  public Array getArray(int column) throws SQLException {
    if (isVector(column)) {
      float[] v = (float[]) getObject(column);
      return v == null ? null : new VectorArray(v);
    }
    return calcite.getArray(column);
  }

  public Array getArray(String label) throws SQLException {
    return getArray(calcite.findColumn(label));
  }

  private boolean isVector(int column) throws SQLException {
    if (vectorColumns == null) {
      ResultSetMetaData meta = calcite.getMetaData();
      boolean[] vectors = new boolean[meta.getColumnCount() + 1];
      for (int i = 1; i < vectors.length; i++) {
        vectors[i] = MetaDataOverrides.isVector(meta, i);
      }
      vectorColumns = vectors;
    }
    return column > 0 && column < vectorColumns.length && vectorColumns[column];
  }
}
