package dev.quiver.storage.catalog;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.quiver.storage.ErrorCode;
import org.junit.jupiter.api.Test;

/** Tests of {@link ColumnDef}: the VECTOR dimension range and the type names users see. */
class ColumnDefTest {

  @Test
  void vectorDimensionFromOneTo4096IsAccepted() {
    assertEquals(1, ColumnDef.vector("v", 1, true).dimension());
    assertEquals(4096, ColumnDef.vector("v", ColumnDef.MAX_DIMENSION, true).dimension());
  }

  @Test
  void vectorDimensionOutsideOneTo4096FailsNamingColumnAndDimension() {
    for (int dimension : new int[] {0, -1, 4097, Integer.MAX_VALUE}) {
      assertFails(
          ErrorCode.INVALID_DEFINITION,
          () -> ColumnDef.vector("embedding", dimension, true),
          "column embedding",
          "VECTOR(" + dimension + ")",
          "1 to 4096");
    }
  }

  @Test
  void scalarColumnIgnoresDimension() {
    assertEquals(ColumnType.INTEGER, new ColumnDef("n", ColumnType.INTEGER, 0, -1, 0, true).type());
  }

  @Test
  void typeNameIsWrittenAsInSql() {
    assertEquals("VECTOR(384)", ColumnDef.vector("v", 384, true).typeName());
    assertEquals("VARCHAR", ColumnDef.of("s", ColumnType.VARCHAR, true).typeName());
    assertEquals("VARCHAR(20)", new ColumnDef("s", ColumnType.VARCHAR, 0, 20, 0, true).typeName());
    assertEquals(
        "DECIMAL(10, 2)", new ColumnDef("d", ColumnType.DECIMAL, 0, 10, 2, true).typeName());
    assertEquals("DECIMAL", ColumnDef.of("d", ColumnType.DECIMAL, true).typeName());
    assertEquals("TIMESTAMP", ColumnDef.of("t", ColumnType.TIMESTAMP, true).typeName());
  }

  @Test
  void withNullableKeepsEverythingElse() {
    ColumnDef c = new ColumnDef("d", ColumnType.DECIMAL, 0, 10, 2, true).withNullable(false);

    assertFalse(c.nullable());
    assertEquals(new ColumnDef("d", ColumnType.DECIMAL, 0, 10, 2, false), c);
  }

  @Test
  void onlyIntegerBigintAndVarcharCanBePrimaryKeys() {
    for (ColumnType type : ColumnType.values()) {
      boolean allowed =
          type == ColumnType.INTEGER || type == ColumnType.BIGINT || type == ColumnType.VARCHAR;
      assertEquals(allowed, type.canBePrimaryKey(), type.name());
    }
    assertEquals(float[].class, ColumnType.VECTOR.javaClass());
  }
}
