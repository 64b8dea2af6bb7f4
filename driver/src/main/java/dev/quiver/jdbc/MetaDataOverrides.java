package dev.quiver.jdbc;

import dev.quiver.sql.function.VectorOperatorTable;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaSpecificDatabaseMetaData;
import org.apache.calcite.avatica.Meta.DatabaseProperty;
import org.apache.calcite.sql.SqlOperator;

/**
 * What Quiver's {@link DatabaseMetaData} changes: product and driver names, identifier case, and
 * the catalog queries (schemas, tables, columns, keys, indexes, types, functions), which it answers
 * with SQL over the {@code sys} tables, so that VECTOR columns appear as {@code VECTOR(n)} with
 * their dimension and vector indexes are listed. Being SQL, the answers are the same through the
 * thin driver, whose Avatica protocol has no request for keys, indexes or functions.
 */
public final class MetaDataOverrides {
  /** Quiver's functions beyond standard SQL, with what {@code getFunctions} says of each. */
  private static final Map<String, String> FUNCTION_REMARKS =
      Map.of(
          "L2_DISTANCE", "Euclidean distance of two vectors, not squared (operator <->)",
          "COSINE_DISTANCE", "1 - cosine similarity of two vectors (operator <=>)",
          "INNER_PRODUCT", "dot product of two vectors; larger is closer",
          "NEGATIVE_INNER_PRODUCT", "minus the dot product of two vectors (operator <#>)",
          "TO_VECTOR", "a vector from text such as '[0.1, 0.2]' or from an array",
          "VECTOR_DIMS", "the number of dimensions of a vector");

  private final DatabaseMetaData delegate;
  private final Connection connection;
  private final String url;
  private final String user;
  private final Backend backend;
  private Properties serverProperties;

  private MetaDataOverrides(
      DatabaseMetaData delegate, Connection connection, String url, String user, Backend backend) {
    this.delegate = delegate;
    this.connection = connection;
    this.url = url;
    this.user = user;
    this.backend = backend;
  }

  static DatabaseMetaData wrap(
      DatabaseMetaData delegate, Connection connection, String url, String user, Backend backend) {
    return JdbcProxy.create(
        DatabaseMetaData.class,
        delegate,
        new MetaDataOverrides(delegate, connection, url, user, backend),
        backend);
  }

  static ResultSetMetaData wrapResultSetMetaData(ResultSetMetaData delegate, Backend backend) {
    return JdbcProxy.create(
        ResultSetMetaData.class, delegate, new ResultSetMetaDataOverrides(delegate), backend);
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

  /** The user given when connecting (a server's user; empty embedded or without one). */
  public String getUserName() {
    return user;
  }

  /**
   * Not read-only: whether a statement may change data depends on the server user's role, which the
   * server checks per statement.
   */
  public boolean isReadOnly() {
    return false;
  }

  public String getDatabaseProductName() {
    return "Quiver";
  }

  /** This Quiver's version embedded; the server's when remote. */
  public String getDatabaseProductVersion() throws SQLException {
    return backend instanceof Backend.Remote
        ? serverProperty(DatabaseProperty.GET_DATABASE_PRODUCT_VERSION)
        : QuiverVersion.version();
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

  public int getDatabaseMajorVersion() throws SQLException {
    return backend instanceof Backend.Remote
        ? Integer.parseInt(serverProperty(DatabaseProperty.GET_DATABASE_MAJOR_VERSION))
        : QuiverVersion.major();
  }

  public int getDatabaseMinorVersion() throws SQLException {
    return backend instanceof Backend.Remote
        ? Integer.parseInt(serverProperty(DatabaseProperty.GET_DATABASE_MINOR_VERSION))
        : QuiverVersion.minor();
  }

  /**
   * What the server's own metadata says. Avatica's client answers product questions from its own
   * driver ("unknown version"); the server's answers come with one request, once.
   */
  private String serverProperty(DatabaseProperty property) throws SQLException {
    if (serverProperties == null) {
      serverProperties =
          delegate.unwrap(AvaticaSpecificDatabaseMetaData.class).getRemoteAvaticaProperties();
    }
    return serverProperties.getProperty(property.name());
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

  /** No catalogs: a Quiver database is one catalog without a name (TABLE_CAT is null). */
  public ResultSet getCatalogs() throws SQLException {
    return query(
        "SELECT CAST(NULL AS VARCHAR) AS \"TABLE_CAT\" FROM (VALUES (1)) AS v(x) WHERE x = 0");
  }

  /**
   * A table's indexes: its primary key (unique) and its vector indexes (HNSW, IVF_FLAT, FLAT, type
   * tableIndexOther, approximate by nature); {@code unique} leaves only the key.
   */
  public ResultSet getIndexInfo(
      String catalog, String schema, String table, boolean unique, boolean approximate)
      throws SQLException {
    String columns =
        "CAST(NULL AS VARCHAR) AS \"TABLE_CAT\", CAST('public' AS VARCHAR) AS \"TABLE_SCHEM\","
            + " table_name AS \"TABLE_NAME\", %s AS \"NON_UNIQUE\","
            + " CAST(NULL AS VARCHAR) AS \"INDEX_QUALIFIER\", %s AS \"INDEX_NAME\","
            + " CAST("
            + DatabaseMetaData.tableIndexOther
            + " AS SMALLINT) AS \"TYPE\", CAST(1 AS SMALLINT) AS \"ORDINAL_POSITION\","
            + " column_name AS \"COLUMN_NAME\", CAST(NULL AS VARCHAR) AS \"ASC_OR_DESC\","
            + " CAST(NULL AS BIGINT) AS \"CARDINALITY\", CAST(NULL AS BIGINT) AS \"PAGES\","
            + " CAST(NULL AS VARCHAR) AS \"FILTER_CONDITION\"";
    String keys =
        "SELECT "
            + columns.formatted("FALSE", "table_name || '_pkey'")
            + " FROM sys.columns WHERE is_primary_key AND table_schema = 'public'"
            + " AND table_name LIKE ? AND CAST('public' AS VARCHAR) LIKE CAST(? AS VARCHAR)";
    String vectorIndexes =
        "SELECT "
            + columns.formatted("TRUE", "index_name")
            + " FROM sys.indexes WHERE table_name LIKE ?"
            + " AND CAST('public' AS VARCHAR) LIKE CAST(? AS VARCHAR)";
    String order = " ORDER BY \"NON_UNIQUE\", \"TYPE\", \"INDEX_NAME\", \"ORDINAL_POSITION\"";
    String tableName = table == null ? "%" : table;
    String schemaName = schema == null ? "%" : schema;
    return unique
        ? query(keys + order, tableName, schemaName)
        : query(
            keys + " UNION ALL " + vectorIndexes + order,
            tableName,
            schemaName,
            tableName,
            schemaName);
  }

  /** The types a column may have, VECTOR among them (as ARRAY, its JDBC type). */
  public ResultSet getTypeInfo() throws SQLException {
    StringBuilder values = new StringBuilder();
    for (TypeInfo t : TypeInfo.ALL) {
      values
          .append(values.isEmpty() ? "" : ", ")
          .append("(")
          .append(literal(t.name()))
          .append(", ")
          .append(t.jdbcType())
          .append(", ")
          .append(t.precision())
          .append(", ")
          .append(literal(t.prefix()))
          .append(", ")
          .append(literal(t.suffix()))
          .append(", ")
          .append(literal(t.createParams()))
          .append(", ")
          .append(t.caseSensitive())
          .append(", ")
          .append(t.searchable())
          .append(", ")
          .append(t.unsigned())
          .append(", ")
          .append(t.maximumScale())
          .append(", ")
          .append(t.radix())
          .append(")");
    }
    return query(
        "SELECT CAST(name AS VARCHAR) AS \"TYPE_NAME\", data_type AS \"DATA_TYPE\","
            + " \"PRECISION\", CAST(prefix AS VARCHAR) AS \"LITERAL_PREFIX\","
            + " CAST(suffix AS VARCHAR) AS \"LITERAL_SUFFIX\","
            + " CAST(params AS VARCHAR) AS \"CREATE_PARAMS\", CAST("
            + DatabaseMetaData.typeNullable
            + " AS SMALLINT) AS \"NULLABLE\", case_sensitive AS \"CASE_SENSITIVE\","
            + " CAST(searchable AS SMALLINT) AS \"SEARCHABLE\","
            + " unsigned_attribute AS \"UNSIGNED_ATTRIBUTE\", FALSE AS \"FIXED_PREC_SCALE\","
            + " FALSE AS \"AUTO_INCREMENT\", CAST(name AS VARCHAR) AS \"LOCAL_TYPE_NAME\","
            + " CAST(0 AS SMALLINT) AS \"MINIMUM_SCALE\","
            + " CAST(maximum_scale AS SMALLINT) AS \"MAXIMUM_SCALE\","
            + " CAST(NULL AS INTEGER) AS \"SQL_DATA_TYPE\","
            + " CAST(NULL AS INTEGER) AS \"SQL_DATETIME_SUB\", radix AS \"NUM_PREC_RADIX\""
            + " FROM (VALUES "
            + values
            + ") AS t(name, data_type, \"PRECISION\", prefix, suffix, params, case_sensitive,"
            + " searchable, unsigned_attribute, maximum_scale, radix)"
            + " ORDER BY \"DATA_TYPE\", \"TYPE_NAME\"");
  }

  /** Quiver's vector functions (standard SQL functions are listed by getNumericFunctions etc.). */
  public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
      throws SQLException {
    StringBuilder values = new StringBuilder();
    for (SqlOperator function : VectorOperatorTable.INSTANCE.getOperatorList()) {
      String name = function.getName().toUpperCase(Locale.ROOT);
      values
          .append(values.isEmpty() ? "" : ", ")
          .append("(")
          .append(literal(name))
          .append(", ")
          .append(literal(FUNCTION_REMARKS.get(name)))
          .append(")");
    }
    return query(
        "SELECT CAST(NULL AS VARCHAR) AS \"FUNCTION_CAT\","
            + " CAST('public' AS VARCHAR) AS \"FUNCTION_SCHEM\","
            + " CAST(name AS VARCHAR) AS \"FUNCTION_NAME\", CAST(remarks AS VARCHAR) AS \"REMARKS\","
            + " CAST("
            + DatabaseMetaData.functionNoTable
            + " AS SMALLINT) AS \"FUNCTION_TYPE\", CAST(name AS VARCHAR) AS \"SPECIFIC_NAME\""
            + " FROM (VALUES "
            + values
            + ") AS f(name, remarks) WHERE CAST('public' AS VARCHAR) LIKE CAST(? AS VARCHAR)"
            + " AND UPPER(name) LIKE UPPER(CAST(? AS VARCHAR))"
            + " ORDER BY \"FUNCTION_CAT\", \"FUNCTION_SCHEM\", \"FUNCTION_NAME\"",
        pattern(schemaPattern),
        pattern(functionNamePattern));
  }

  /** A VARCHAR literal (a bare one would be a CHAR, padded to the longest of a VALUES column). */
  private static String literal(String text) {
    return text == null
        ? "CAST(NULL AS VARCHAR)"
        : "CAST('" + text.replace("'", "''") + "' AS VARCHAR)";
  }

  /** One row of getTypeInfo. */
  private record TypeInfo(
      String name,
      int jdbcType,
      int precision,
      String prefix,
      String suffix,
      String createParams,
      boolean caseSensitive,
      int searchable,
      boolean unsigned,
      int maximumScale,
      int radix) {
    static final List<TypeInfo> ALL =
        List.of(
            new TypeInfo("BOOLEAN", Types.BOOLEAN, 1, null, null, null, false, BASIC, true, 0, 0),
            new TypeInfo(
                "INTEGER", Types.INTEGER, 10, null, null, null, false, BASIC, false, 0, 10),
            new TypeInfo("BIGINT", Types.BIGINT, 19, null, null, null, false, BASIC, false, 0, 10),
            new TypeInfo("REAL", Types.REAL, 7, null, null, null, false, BASIC, false, 0, 10),
            new TypeInfo("DOUBLE", Types.DOUBLE, 15, null, null, null, false, BASIC, false, 0, 10),
            new TypeInfo(
                "DECIMAL",
                Types.DECIMAL,
                19,
                null,
                null,
                "precision,scale",
                false,
                BASIC,
                false,
                19,
                10),
            new TypeInfo(
                "VARCHAR",
                Types.VARCHAR,
                Integer.MAX_VALUE,
                "'",
                "'",
                "length",
                true,
                SEARCHABLE,
                true,
                0,
                0),
            new TypeInfo("DATE", Types.DATE, 10, "DATE '", "'", null, false, BASIC, true, 0, 0),
            new TypeInfo(
                "TIMESTAMP",
                Types.TIMESTAMP,
                23,
                "TIMESTAMP '",
                "'",
                null,
                false,
                BASIC,
                true,
                3,
                0),
            new TypeInfo(
                "VECTOR", Types.ARRAY, 4096, "'[", "]'", "dimensions", false, NONE, true, 0, 0));
  }

  private static final int NONE = DatabaseMetaData.typePredNone;
  private static final int BASIC = DatabaseMetaData.typePredBasic;
  private static final int SEARCHABLE = DatabaseMetaData.typeSearchable;

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
