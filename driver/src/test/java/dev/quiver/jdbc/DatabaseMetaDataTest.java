package dev.quiver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DatabaseMetaData as SQL tools (DBeaver, sqlline) read it. */
class DatabaseMetaDataTest {
  private Connection connection;
  private DatabaseMetaData meta;

  /** The connection each test uses; {@code Remote...Test} runs the same tests through a server. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:quiver:mem:");
  }

  @BeforeEach
  void open() throws SQLException {
    connection = connect();
    connection
        .createStatement()
        .execute(
            "CREATE TABLE docs (id BIGINT PRIMARY KEY, title VARCHAR(200), embedding VECTOR(384) NOT NULL)");
    connection.createStatement().execute("CREATE TABLE notes (body VARCHAR)");
    meta = connection.getMetaData();
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void getTablesListsUserTablesAsTablesAndSysTablesAsSystemTables() throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        tables.add(
            rs.getString("TABLE_SCHEM")
                + "."
                + rs.getString("TABLE_NAME")
                + ":"
                + rs.getString("TABLE_TYPE"));
      }
    }
    assertEquals(List.of("public.docs:TABLE", "public.notes:TABLE"), tables);
    try (ResultSet rs = meta.getTables(null, "sys", "tab%", null)) {
      assertTrue(rs.next());
      assertEquals("tables", rs.getString("TABLE_NAME"));
      assertEquals("SYSTEM TABLE", rs.getString("TABLE_TYPE"));
      assertFalse(rs.next());
    }
  }

  @Test
  void getColumnsReportsVectorAsArrayWithDimensionAsColumnSize() throws SQLException {
    try (ResultSet rs = meta.getColumns(null, "public", "docs", null)) {
      assertTrue(rs.next());
      assertEquals("id", rs.getString("COLUMN_NAME"));
      assertEquals(Types.BIGINT, rs.getInt("DATA_TYPE"));
      assertEquals("NO", rs.getString("IS_NULLABLE"));
      assertTrue(rs.next());
      assertEquals("title", rs.getString("COLUMN_NAME"));
      assertEquals(Types.VARCHAR, rs.getInt("DATA_TYPE"));
      assertEquals(200, rs.getInt("COLUMN_SIZE"));
      assertTrue(rs.next());
      assertEquals("embedding", rs.getString("COLUMN_NAME"));
      assertEquals(Types.ARRAY, rs.getInt("DATA_TYPE"));
      assertEquals("VECTOR(384)", rs.getString("TYPE_NAME"));
      assertEquals(384, rs.getInt("COLUMN_SIZE"));
      assertEquals(DatabaseMetaData.columnNoNulls, rs.getInt("NULLABLE"));
      assertEquals(3, rs.getInt("ORDINAL_POSITION"));
      assertFalse(rs.next());
    }
  }

  @Test
  void getPrimaryKeysNamesTheKeyColumn() throws SQLException {
    try (ResultSet rs = meta.getPrimaryKeys(null, null, "docs")) {
      assertTrue(rs.next());
      assertEquals("id", rs.getString("COLUMN_NAME"));
      assertEquals(1, rs.getShort("KEY_SEQ"));
      assertFalse(rs.next());
    }
    try (ResultSet rs = meta.getPrimaryKeys(null, null, "notes")) {
      assertFalse(rs.next(), "a table without a primary key has none to report");
    }
  }

  @Test
  void getCatalogsIsEmptyAndGetSchemasListsPublicAndSys() throws SQLException {
    try (ResultSet rs = meta.getCatalogs()) {
      assertEquals("TABLE_CAT", rs.getMetaData().getColumnLabel(1));
      assertFalse(rs.next(), "a Quiver database is one catalog without a name");
    }
    List<String> schemas = new ArrayList<>();
    try (ResultSet rs = meta.getSchemas()) {
      while (rs.next()) {
        schemas.add(rs.getString("TABLE_SCHEM"));
      }
    }
    assertEquals(List.of("public", "sys"), schemas);
    List<String> types = new ArrayList<>();
    try (ResultSet rs = meta.getTableTypes()) {
      while (rs.next()) {
        types.add(rs.getString("TABLE_TYPE"));
      }
    }
    assertEquals(List.of("SYSTEM TABLE", "TABLE"), types);
  }

  @Test
  void getIndexInfoListsThePrimaryKeyAndTheVectorIndexes() throws SQLException {
    connection
        .createStatement()
        .execute("CREATE INDEX docs_hnsw ON docs USING HNSW (embedding) WITH (metric = 'cosine')");
    List<String> indexes = new ArrayList<>();
    try (ResultSet rs = meta.getIndexInfo(null, "public", "docs", false, true)) {
      while (rs.next()) {
        indexes.add(
            rs.getString("INDEX_NAME")
                + ":"
                + rs.getString("COLUMN_NAME")
                + ":unique="
                + !rs.getBoolean("NON_UNIQUE")
                + ":type="
                + rs.getShort("TYPE")
                + ":"
                + rs.getString("TABLE_NAME"));
      }
    }
    assertEquals(
        List.of(
            "docs_pkey:id:unique=true:type=" + DatabaseMetaData.tableIndexOther + ":docs",
            "docs_hnsw:embedding:unique=false:type=" + DatabaseMetaData.tableIndexOther + ":docs"),
        indexes);
    try (ResultSet rs = meta.getIndexInfo(null, null, "docs", true, true)) {
      assertTrue(rs.next());
      assertEquals("docs_pkey", rs.getString("INDEX_NAME"));
      assertFalse(rs.next(), "only unique indexes were asked for");
    }
    try (ResultSet rs = meta.getIndexInfo(null, null, "notes", false, true)) {
      assertFalse(rs.next(), "notes has neither key nor index");
    }
  }

  @Test
  void getTypeInfoListsEveryColumnTypeWithVectorAsArray() throws SQLException {
    List<String> types = new ArrayList<>();
    int vectorType = 0;
    int vectorPrecision = 0;
    try (ResultSet rs = meta.getTypeInfo()) {
      while (rs.next()) {
        types.add(rs.getString("TYPE_NAME"));
        if (rs.getString("TYPE_NAME").equals("VECTOR")) {
          vectorType = rs.getInt("DATA_TYPE");
          vectorPrecision = rs.getInt("PRECISION");
          assertEquals("dimensions", rs.getString("CREATE_PARAMS"));
        }
        assertEquals(DatabaseMetaData.typeNullable, rs.getShort("NULLABLE"));
      }
    }
    assertEquals(
        List.of(
            "BIGINT",
            "DECIMAL",
            "INTEGER",
            "REAL",
            "DOUBLE",
            "VARCHAR",
            "BOOLEAN",
            "DATE",
            "TIMESTAMP",
            "VECTOR"),
        types,
        "ordered by DATA_TYPE, as JDBC asks");
    assertEquals(Types.ARRAY, vectorType);
    assertEquals(4096, vectorPrecision);
  }

  @Test
  void getFunctionsListsTheVectorFunctions() throws SQLException {
    List<String> functions = new ArrayList<>();
    try (ResultSet rs = meta.getFunctions(null, null, "%")) {
      while (rs.next()) {
        functions.add(rs.getString("FUNCTION_NAME"));
        assertTrue(rs.getString("REMARKS").length() > 10, rs.getString("REMARKS"));
      }
    }
    assertEquals(
        List.of(
            "COSINE_DISTANCE",
            "INNER_PRODUCT",
            "L2_DISTANCE",
            "NEGATIVE_INNER_PRODUCT",
            "TO_VECTOR",
            "VECTOR_DIMS"),
        functions);
    try (ResultSet rs = meta.getFunctions(null, "public", "l2%")) {
      assertTrue(rs.next());
      assertEquals("L2_DISTANCE", rs.getString("FUNCTION_NAME"));
      assertEquals(DatabaseMetaData.functionNoTable, rs.getShort("FUNCTION_TYPE"));
      assertFalse(rs.next());
    }
    try (ResultSet rs = meta.getFunctions(null, "sys", "%")) {
      assertFalse(rs.next(), "the functions are in the default schema");
    }
  }

  @Test
  void productAndDriverIdentifyQuiver() throws SQLException {
    assertEquals("Quiver", meta.getDatabaseProductName());
    assertTrue(meta.getDriverVersion().matches("\\d+\\.\\d+.*"), meta.getDriverVersion());
    assertTrue(meta.storesLowerCaseIdentifiers());
    assertFalse(meta.isReadOnly(), "what a user may change is the server's decision");
    assertEquals(connection, meta.getConnection());
  }
}
