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
  void productAndDriverIdentifyQuiver() throws SQLException {
    assertEquals("Quiver", meta.getDatabaseProductName());
    assertTrue(meta.getDriverVersion().matches("\\d+\\.\\d+.*"), meta.getDriverVersion());
    assertTrue(meta.storesLowerCaseIdentifiers());
    assertEquals(connection, meta.getConnection());
  }
}
