package dev.quiver.sql.parser;

import static dev.quiver.sql.parser.ParserFixture.assertRoundTrips;
import static dev.quiver.sql.parser.ParserFixture.parse;
import static dev.quiver.sql.parser.ParserFixture.parseExpression;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quiver.sql.type.QuiverTypeFactory;
import dev.quiver.sql.type.VectorSqlType;
import java.util.List;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.ddl.SqlColumnDeclaration;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.junit.jupiter.api.Test;

/** Tests of the {@code VECTOR(n)} data type in Quiver's grammar. */
class VectorTypeParserTest {
  private static SqlVectorTypeNameSpec vectorOf(String columnDefinition) throws SqlParseException {
    final SqlCreateQuiverTable table =
        assertInstanceOf(
            SqlCreateQuiverTable.class, parse("CREATE TABLE t (" + columnDefinition + ")"));
    final SqlColumnDeclaration column = (SqlColumnDeclaration) table.columns.get(0);
    return assertInstanceOf(SqlVectorTypeNameSpec.class, column.dataType.getTypeNameSpec());
  }

  @Test
  void vectorTypeKeepsItsDimensionAndUnparsesAsWritten() throws SqlParseException {
    assertEquals(3, vectorOf("v vector(3)").dimension());
    assertEquals(
        "CREATE TABLE \"t\" (\"v\" VECTOR(4096))",
        assertRoundTrips("CREATE TABLE t (v Vector (4096))"));
  }

  @Test
  void anyUnsignedDimensionParsesSinceRangeChecksComeLater() throws SqlParseException {
    assertEquals(0, vectorOf("v VECTOR(0)").dimension());
    assertEquals(100000, vectorOf("v VECTOR(100000)").dimension());
  }

  @Test
  void vectorWithoutANumericDimensionIsAParseError() {
    assertThrows(SqlParseException.class, () -> parse("CREATE TABLE t (v VECTOR(-3))"));
    assertThrows(SqlParseException.class, () -> parse("CREATE TABLE t (v VECTOR(2.5))"));
    assertThrows(SqlParseException.class, () -> parse("CREATE TABLE t (v VECTOR('3'))"));
  }

  @Test
  void vectorTypeWorksInCast() throws SqlParseException {
    final SqlBasicCall cast =
        assertInstanceOf(SqlBasicCall.class, parseExpression("CAST('[1,2]' AS VECTOR(2))"));
    final SqlDataTypeSpec type = assertInstanceOf(SqlDataTypeSpec.class, cast.operand(1));
    assertEquals(
        2, assertInstanceOf(SqlVectorTypeNameSpec.class, type.getTypeNameSpec()).dimension());
    assertRoundTrips("SELECT CAST(x AS VECTOR(2)) FROM t");
  }

  @Test
  void vectorTypeDerivesQuiversVectorType() throws SqlParseException {
    final QuiverTypeFactory typeFactory = new QuiverTypeFactory();
    final SqlValidator validator =
        SqlValidatorUtil.newValidator(
            SqlStdOperatorTable.instance(),
            new CalciteCatalogReader(
                CalciteSchema.createRootSchema(false),
                List.of(),
                typeFactory,
                CalciteConnectionConfig.DEFAULT),
            typeFactory,
            SqlValidator.Config.DEFAULT);

    final RelDataType type = vectorOf("v VECTOR(384)").deriveType(validator);

    assertEquals(384, assertInstanceOf(VectorSqlType.class, type).dimension());
    assertEquals(typeFactory.createVectorType(384), type);
  }
}
