package dev.quiver.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * What Quiver's {@link DatabaseMetaData} changes: product and driver names, identifier case, and
 * the catalog queries (tables, columns, primary keys, schemas), which it answers by querying the
 * {@code sys} tables so that VECTOR columns appear as {@code VECTOR(n)} with their dimension.
 */
public final class MetaDataOverrides {

  private final Connection connection;
  private final String url;

  private MetaDataOverrides(Connection connection, String url) {
    this.connection = connection;
    this.url = url;
  }

  static DatabaseMetaData wrap(DatabaseMetaData calcite, Connection connection, String url) {
    return JdbcProxy.create(
        DatabaseMetaData.class, calcite, new MetaDataOverrides(connection, url));
  }

  static ResultSetMetaData wrapResultSetMetaData(ResultSetMetaData calcite) {
    return JdbcProxy.create(
        ResultSetMetaData.class, calcite, new ResultSetMetaDataOverrides(calcite));
  }

  /** Whether a result column is a VECTOR. */
  static boolean isVector(ResultSetMetaData meta, int column) throws SQLException {
    String name = meta.getColumnTypeName(column);
    return meta.getColumnType(column) == Types.ARRAY && name != null && name.startsWith("VECTOR");
  }

  public Connection getConnection() {
    return connection;
  }

  public String getURL() {
    return url;
  }

  public String getDatabaseProductName() {
    return "Quiver";
  }

  public String getDatabaseProductVersion() {
    return QuiverVersion.version();
  }

  public String getDriverName() {
    return "Quiver JDBC driver";
  }

  public String getDriverVersion() {
    return QuiverVersion.version();
  }

  public int getDriverMajorVersion() {
    return QuiverVersion.major();
  }

  public int getDriverMinorVersion() {
    return QuiverVersion.minor();
  }

  public int getDatabaseMajorVersion() {
    return QuiverVersion.major();
  }

  public int getDatabaseMinorVersion() {
    return QuiverVersion.minor();
  }

  public boolean storesLowerCaseIdentifiers() {
    return true;
  }

  public boolean storesUpperCaseIdentifiers() {
    return false;
  }

  public boolean storesMixedCaseIdentifiers() {
    return false;
  }

  public boolean storesMixedCaseQuotedIdentifiers() {
    return true;
  }

  public boolean supportsTransactions() {
    return false;
  }

  public ResultSet getSchemas() throws SQLException {
    return getSchemas(null, null);
  }

  public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
    return query(
        "SELECT name AS \"TABLE_SCHEM\", CAST(NULL AS VARCHAR) AS \"TABLE_CATALOG\""
            + " FROM (VALUES (CAST('public' AS VARCHAR)), (CAST('sys' AS VARCHAR))) AS s(name)"
            + " WHERE name LIKE ? ORDER BY name",
        pattern(schemaPattern));
  }

  public ResultSet getTableTypes() throws SQLException {
    return query(
        "SELECT t AS \"TABLE_TYPE\" FROM (VALUES (CAST('SYSTEM TABLE' AS VARCHAR)),"
            + " (CAST('TABLE' AS VARCHAR))) AS v(t) ORDER BY t");
  }

  public ResultSet getTables(
      String catalog, String schemaPattern, String tableNamePattern, String[] types)
      throws SQLException {
    List<Object> params = new ArrayList<>();
    StringBuilder sql =
        new StringBuilder(
            "SELECT CAST(NULL AS VARCHAR) AS \"TABLE_CAT\", table_schema AS \"TABLE_SCHEM\","
                + " table_name AS \"TABLE_NAME\", table_type AS \"TABLE_TYPE\","
                + " CAST(NULL AS VARCHAR) AS \"REMARKS\", CAST(NULL AS VARCHAR) AS \"TYPE_CAT\","
                + " CAST(NULL AS VARCHAR) AS \"TYPE_SCHEM\", CAST(NULL AS VARCHAR) AS \"TYPE_NAME\","
                + " CAST(NULL AS VARCHAR) AS \"SELF_REFERENCING_COL_NAME\","
                + " CAST(NULL AS VARCHAR) AS \"REF_GENERATION\""
                + " FROM (SELECT DISTINCT table_schema, table_name,"
                + " CASE WHEN table_schema = 'sys' THEN CAST('SYSTEM TABLE' AS VARCHAR)"
                + " ELSE CAST('TABLE' AS VARCHAR) END AS table_type FROM sys.columns) AS t"
                + " WHERE table_schema LIKE ? AND table_name LIKE ?");
    params.add(pattern(schemaPattern));
    params.add(pattern(tableNamePattern));
    if (types != null) {
      sql.append(" AND table_type IN (");
      for (int i = 0; i < types.length; i++) {
        sql.append(i == 0 ? "?" : ", ?");
        params.add(types[i]);
      }
      sql.append(')');
    }
    sql.append(" ORDER BY \"TABLE_TYPE\", \"TABLE_SCHEM\", \"TABLE_NAME\"");
    return query(sql.toString(), params.toArray());
  }

  public ResultSet getColumns(
      String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern)
      throws SQLException {
    return query(
        "SELECT CAST(NULL AS VARCHAR) AS \"TABLE_CAT\", table_schema AS \"TABLE_SCHEM\","
            + " table_name AS \"TABLE_NAME\", column_name AS \"COLUMN_NAME\","
            + " data_type AS \"DATA_TYPE\", type_name AS \"TYPE_NAME\","
            + " column_size AS \"COLUMN_SIZE\", CAST(NULL AS INTEGER) AS \"BUFFER_LENGTH\","
            + " decimal_digits AS \"DECIMAL_DIGITS\", 10 AS \"NUM_PREC_RADIX\","
            + " CASE WHEN is_nullable THEN "
            + DatabaseMetaData.columnNullable
            + " ELSE "
            + DatabaseMetaData.columnNoNulls
            + " END AS \"NULLABLE\", CAST(NULL AS VARCHAR) AS \"REMARKS\","
            + " CAST(NULL AS VARCHAR) AS \"COLUMN_DEF\", CAST(NULL AS INTEGER) AS \"SQL_DATA_TYPE\","
            + " CAST(NULL AS INTEGER) AS \"SQL_DATETIME_SUB\","
            + " CAST(NULL AS INTEGER) AS \"CHAR_OCTET_LENGTH\","
            + " ordinal_position AS \"ORDINAL_POSITION\","
            + " CASE WHEN is_nullable THEN CAST('YES' AS VARCHAR) ELSE CAST('NO' AS VARCHAR) END"
            + " AS \"IS_NULLABLE\", CAST(NULL AS VARCHAR) AS \"SCOPE_CATALOG\","
            + " CAST(NULL AS VARCHAR) AS \"SCOPE_SCHEMA\", CAST(NULL AS VARCHAR) AS \"SCOPE_TABLE\","
            + " CAST(NULL AS SMALLINT) AS \"SOURCE_DATA_TYPE\","
            + " CAST('NO' AS VARCHAR) AS \"IS_AUTOINCREMENT\","
            + " CAST('NO' AS VARCHAR) AS \"IS_GENERATEDCOLUMN\""
            + " FROM sys.columns WHERE table_schema LIKE ? AND table_name LIKE ?"
            + " AND column_name LIKE ?"
            + " ORDER BY \"TABLE_SCHEM\", \"TABLE_NAME\", \"ORDINAL_POSITION\"",
        pattern(schemaPattern),
        pattern(tableNamePattern),
        pattern(columnNamePattern));
  }

  public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
    return query(
        "SELECT CAST(NULL AS VARCHAR) AS \"TABLE_CAT\", table_schema AS \"TABLE_SCHEM\","
            + " table_name AS \"TABLE_NAME\", column_name AS \"COLUMN_NAME\","
            + " CAST(1 AS SMALLINT) AS \"KEY_SEQ\", table_name || '_pkey' AS \"PK_NAME\""
            + " FROM sys.columns WHERE is_primary_key AND table_schema LIKE ? AND table_name LIKE ?"
            + " ORDER BY \"COLUMN_NAME\"",
        schema == null ? "%" : schema,
        table == null ? "%" : table);
  }

  private static String pattern(String jdbcPattern) {
    return jdbcPattern == null ? "%" : jdbcPattern;
  }

  private ResultSet query(String sql, Object... params) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      statement.setObject(i + 1, params[i]);
    }
    statement.closeOnCompletion();
    return statement.executeQuery();
  }

  /** What a Quiver {@link ResultSetMetaData} changes: VECTOR columns' Java class is float[]. */
  public static final class ResultSetMetaDataOverrides {
    private final ResultSetMetaData calcite;

    ResultSetMetaDataOverrides(ResultSetMetaData calcite) {
      this.calcite = calcite;
    }

    public String getColumnClassName(int column) throws SQLException {
      return isVector(calcite, column)
          ? float[].class.getName()
          : calcite.getColumnClassName(column);
    }
  }
}
