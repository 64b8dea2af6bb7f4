package dev.quiver.sql.parser;

import static dev.quiver.sql.parser.ParserFixture.assertRoundTrips;
import static dev.quiver.sql.parser.ParserFixture.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.schema.ColumnStrategy;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.ddl.SqlColumnDeclaration;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.Litmus;
import org.junit.jupiter.api.Test;

/** Tests of CREATE TABLE in Quiver's grammar: columns, nullability, primary keys and options. */
class CreateTableParserTest {
  private static SqlCreateQuiverTable createTable(String sql) throws SqlParseException {
    return assertInstanceOf(SqlCreateQuiverTable.class, parse(sql));
  }

  private static SqlColumnDeclaration column(SqlCreateQuiverTable table, int i) {
    return assertInstanceOf(SqlColumnDeclaration.class, table.columns.get(i));
  }

  private static List<String> names(SqlNodeList identifiers) {
    return identifiers.stream().map(SqlNode::toString).toList();
  }

  @Test
  void createTableWithVectorColumnAndOptionsRoundTrips() throws SqlParseException {
    final String sql =
        "CREATE TABLE docs (id BIGINT PRIMARY KEY, title VARCHAR, category VARCHAR,"
            + " published TIMESTAMP, embedding VECTOR(384) NOT NULL)"
            + " WITH (segment_max_rows = 100000, consistency_level = 'BOUNDED')";
    final SqlCreateQuiverTable table = createTable(sql);

    assertEquals(SqlKind.CREATE_TABLE, table.getKind());
    assertEquals("docs", table.name.getSimple());
    assertFalse(table.ifNotExists);
    assertEquals(
        List.of("id", "title", "category", "published", "embedding"),
        table.columns.stream().map(c -> ((SqlColumnDeclaration) c).name.getSimple()).toList());
    final SqlColumnDeclaration embedding = column(table, 4);
    final SqlVectorTypeNameSpec vector =
        assertInstanceOf(SqlVectorTypeNameSpec.class, embedding.dataType.getTypeNameSpec());
    assertEquals(384, vector.dimension());
    assertEquals(List.of("id"), names(table.primaryKey));
    assertEquals(2, table.options.size());

    assertEquals(
        "CREATE TABLE \"docs\" (\"id\" BIGINT, \"title\" VARCHAR, \"category\" VARCHAR,"
            + " \"published\" TIMESTAMP, \"embedding\" VECTOR(384) NOT NULL,"
            + " PRIMARY KEY (\"id\"))"
            + " WITH (\"segment_max_rows\" = 100000, \"consistency_level\" = 'BOUNDED')",
        assertRoundTrips(sql));
  }

  @Test
  void createTableIfNotExistsSetsTheFlagAndRoundTrips() throws SqlParseException {
    final String sql = "create table if not exists s.t (a int)";
    final SqlCreateQuiverTable table = createTable(sql);
    assertTrue(table.ifNotExists);
    assertEquals(List.of("s", "t"), table.name.names);
    assertFalse(table.equalsDeep(createTable("create table s.t (a int)"), Litmus.IGNORE));
    assertEquals("CREATE TABLE IF NOT EXISTS \"s\".\"t\" (\"a\" INTEGER)", assertRoundTrips(sql));
  }

  @Test
  void ifNotExistsIsNotConfusedWithIfAsATableName() throws SqlParseException {
    final SqlCreateQuiverTable table = createTable("CREATE TABLE if (a INT)");
    assertFalse(table.ifNotExists);
    assertEquals("if", table.name.getSimple());
  }

  @Test
  void notNullMakesTheColumnNotNullableAndAnythingElseNullable() throws SqlParseException {
    final SqlCreateQuiverTable table =
        createTable("CREATE TABLE t (a INT NOT NULL, b INT NULL, c INT, d INT PRIMARY KEY)");

    assertEquals(Boolean.FALSE, column(table, 0).dataType.getNullable());
    assertEquals(ColumnStrategy.NOT_NULLABLE, column(table, 0).strategy);
    for (int i = 1; i < 4; i++) {
      assertEquals(Boolean.TRUE, column(table, i).dataType.getNullable());
      assertEquals(ColumnStrategy.NULLABLE, column(table, i).strategy);
    }
  }

  @Test
  void nullabilityAndPrimaryKeyMayComeInEitherOrder() throws SqlParseException {
    final SqlCreateQuiverTable before =
        createTable("CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)");
    final SqlCreateQuiverTable after =
        createTable("CREATE TABLE t (id BIGINT PRIMARY KEY NOT NULL)");
    assertTrue(before.equalsDeep(after, Litmus.THROW));
    assertEquals(Boolean.FALSE, column(after, 0).dataType.getNullable());
  }

  @Test
  void nullabilityDeclaredTwiceIsAParseErrorNamingTheColumn() {
    final SqlParseException e =
        assertThrows(SqlParseException.class, () -> parse("CREATE TABLE t (a INT NOT NULL NULL)"));
    assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    assertEquals(1, e.getPos().getLineNum());
    assertEquals(32, e.getPos().getColumnNum());
  }

  @Test
  void plainColumnsGiveAnEmptyPrimaryKeyAndNoOptions() throws SqlParseException {
    final SqlCreateQuiverTable table = createTable("CREATE TABLE t (a INT, b VARCHAR(10))");
    assertTrue(table.primaryKey.isEmpty());
    assertTrue(table.options.isEmpty());
    assertEquals(
        SqlTypeName.VARCHAR, SqlTypeName.get(column(table, 1).dataType.getTypeName().getSimple()));
  }

  @Test
  void tableLevelPrimaryKeyGivesTheSameTreeAsTheColumnAttribute() throws SqlParseException {
    final SqlCreateQuiverTable attribute =
        createTable("CREATE TABLE t (id VARCHAR PRIMARY KEY, v VECTOR(3))");
    final SqlCreateQuiverTable constraint =
        createTable("CREATE TABLE t (id VARCHAR, v VECTOR(3), PRIMARY KEY (id))");

    assertEquals(List.of("id"), names(constraint.primaryKey));
    assertTrue(attribute.equalsDeep(constraint, Litmus.THROW));
    assertEquals(2, constraint.columns.size());
  }

  @Test
  void tableLevelPrimaryKeyMayListSeveralColumns() throws SqlParseException {
    final SqlCreateQuiverTable table =
        createTable("CREATE TABLE t (PRIMARY KEY (a, b), a INT, b INT)");
    assertEquals(List.of("a", "b"), names(table.primaryKey));
    assertEquals(
        "CREATE TABLE \"t\" (\"a\" INTEGER, \"b\" INTEGER, PRIMARY KEY (\"a\", \"b\"))",
        assertRoundTrips("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b))"));
  }

  @Test
  void primaryKeyOnAColumnAndAsAConstraintIsAParseError() {
    final SqlParseException e =
        assertThrows(
            SqlParseException.class,
            () -> parse("CREATE TABLE t (id INT PRIMARY KEY, PRIMARY KEY (id))"));
    assertTrue(e.getMessage().contains("primary key is declared more than once"), e.getMessage());
    assertEquals(1, e.getPos().getLineNum());
    assertEquals(37, e.getPos().getColumnNum());
  }

  @Test
  void primaryKeyOnTwoColumnsIsAParseError() {
    final SqlParseException e =
        assertThrows(
            SqlParseException.class,
            () -> parse("CREATE TABLE t (a INT PRIMARY KEY,\n b INT PRIMARY KEY)"));
    assertTrue(e.getMessage().contains("primary key is declared more than once"), e.getMessage());
    assertEquals(2, e.getPos().getLineNum());
    assertEquals(8, e.getPos().getColumnNum());
  }

  @Test
  void optionsOfEveryValueKindRoundTripAndGiveJavaValues() throws SqlParseException {
    final String sql =
        "CREATE TABLE t (a INT) WITH (segment_max_rows = 100000, ratio = 0.25, shift = -3, big ="
            + " 12345678901234567890, name = 'BOUNDED', compact = TRUE, wait = false, metric ="
            + " Cosine, q = \"Int8\")";
    final SqlCreateQuiverTable table = createTable(sql);
    final List<Object> values =
        table.options.stream().map(o -> ((SqlOption) o).javaValue()).toList();

    assertEquals(
        List.of(
            100000L,
            new BigDecimal("0.25"),
            -3L,
            new BigDecimal("12345678901234567890"),
            "BOUNDED",
            true,
            false,
            "cosine",
            "Int8"),
        values);
    assertEquals(
        List.of(
            "segment_max_rows", "ratio", "shift", "big", "name", "compact", "wait", "metric", "q"),
        table.options.stream().map(o -> ((SqlOption) o).name()).toList());
    assertEquals(
        "CREATE TABLE \"t\" (\"a\" INTEGER) WITH (\"segment_max_rows\" = 100000, \"ratio\" = 0.25,"
            + " \"shift\" = -3, \"big\" = 12345678901234567890, \"name\" = 'BOUNDED',"
            + " \"compact\" = TRUE, \"wait\" = FALSE, \"metric\" = \"cosine\", \"q\" = \"Int8\")",
        assertRoundTrips(sql));
  }

  @Test
  void reservedWordsThatAreDocumentedOptionValuesParseAsNames() throws SqlParseException {
    final SqlCreateQuiverTable table =
        createTable("CREATE TABLE t (a INT) WITH (quantization = NONE, q = binary)");
    assertEquals(
        List.of("none", "binary"),
        table.options.stream().map(o -> ((SqlOption) o).javaValue()).toList());
    assertRoundTrips("CREATE TABLE t (a INT) WITH (quantization = NONE, q = binary)");
  }

  @Test
  void optionUnparsesAsKeyEqualsValue() throws SqlParseException {
    final SqlCreateQuiverTable table = createTable("CREATE TABLE t (a INT) WITH (m = 16)");
    assertEquals("\"m\" = 16", ParserFixture.unparse(table.options.get(0)));
  }

  @Test
  void optionValueMustBeALiteralOrAName() {
    assertThrows(SqlParseException.class, () -> parse("CREATE TABLE t (a INT) WITH (m = 1 + 2)"));
    assertThrows(SqlParseException.class, () -> parse("CREATE TABLE t (a INT) WITH (m = NULL)"));
    assertThrows(SqlParseException.class, () -> parse("CREATE TABLE t (a INT) WITH ()"));
  }

  @Test
  void columnsNamedLikeQuiverKeywordsStillParse() throws SqlParseException {
    final SqlCreateQuiverTable table =
        createTable(
            "CREATE TABLE vector (vector VECTOR(2), index INT, method VARCHAR, if INT, key INT)");
    assertEquals("vector", table.name.getSimple());
    assertEquals(
        List.of("vector", "index", "method", "if", "key"),
        table.columns.stream().map(c -> ((SqlColumnDeclaration) c).name.getSimple()).toList());
    assertRoundTrips(
        "SELECT vector, index, method, if FROM vector WHERE index = 1 ORDER BY method");
  }

  @Test
  void createOrReplaceTableIsRejectedWithAHint() {
    final SqlParseException e =
        assertThrows(SqlParseException.class, () -> parse("CREATE OR REPLACE TABLE t (a INT)"));
    assertTrue(e.getMessage().contains("DROP TABLE IF EXISTS"), e.getMessage());
    assertEquals(1, e.getPos().getColumnNum());
  }

  @Test
  void malformedCreateTableIsAParseErrorWithItsPosition() {
    final SqlParseException e =
        assertThrows(SqlParseException.class, () -> parse("CREATE TABLE t (\n  id BIGINT,\n)"));
    assertEquals(3, e.getPos().getLineNum());
    assertEquals(1, e.getPos().getColumnNum());
    assertTrue(e.getMessage().contains("\")\""), e.getMessage());
  }
}
