package dev.quiver.sql.parser;

import static dev.quiver.sql.parser.ParserFixture.assertRoundTrips;
import static dev.quiver.sql.parser.ParserFixture.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.ddl.SqlDropTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;
import org.junit.jupiter.api.Test;

/** Tests of CREATE INDEX, DROP INDEX and DROP TABLE in Quiver's grammar. */
class IndexAndDropParserTest {
  private static SqlCreateVectorIndex createIndex(String sql) throws SqlParseException {
    return assertInstanceOf(SqlCreateVectorIndex.class, parse(sql));
  }

  @Test
  void createHnswIndexWithOptionsRoundTrips() throws SqlParseException {
    final String sql =
        "CREATE INDEX docs_hnsw ON docs USING HNSW (embedding)"
            + " WITH (metric = 'cosine', m = 16, ef_construction = 100, quantization = 'int8')";
    final SqlCreateVectorIndex index = createIndex(sql);

    assertEquals(SqlKind.CREATE_INDEX, index.getKind());
    assertFalse(index.ifNotExists);
    assertEquals("docs_hnsw", index.name.getSimple());
    assertEquals("docs", index.table.getSimple());
    assertEquals("hnsw", index.method.getSimple());
    assertEquals(List.of("embedding"), index.columns.stream().map(SqlNode::toString).toList());
    assertEquals(
        List.of("cosine", 16L, 100L, "int8"),
        index.options.stream().map(o -> ((SqlOption) o).javaValue()).toList());
    assertEquals(
        "CREATE INDEX \"docs_hnsw\" ON \"docs\" USING \"hnsw\" (\"embedding\")"
            + " WITH (\"metric\" = 'cosine', \"m\" = 16, \"ef_construction\" = 100,"
            + " \"quantization\" = 'int8')",
        assertRoundTrips(sql));
  }

  @Test
  void createIndexIfNotExistsWithIvfFlatRoundTrips() throws SqlParseException {
    final String sql =
        "CREATE INDEX IF NOT EXISTS docs_ivf ON app.docs USING IVF_FLAT (embedding)"
            + " WITH (metric = 'l2', nlist = 1024)";
    final SqlCreateVectorIndex index = createIndex(sql);
    assertTrue(index.ifNotExists);
    assertEquals(List.of("app", "docs"), index.table.names);
    assertEquals("ivf_flat", index.method.getSimple());
    assertRoundTrips(sql);
  }

  @Test
  void createIndexWithoutUsingOrWithHasNoMethodAndNoOptions() throws SqlParseException {
    final String sql = "CREATE INDEX i ON t (a, b)";
    final SqlCreateVectorIndex index = createIndex(sql);
    assertNull(index.method);
    assertTrue(index.options.isEmpty());
    assertEquals(2, index.columns.size());
    assertEquals("CREATE INDEX \"i\" ON \"t\" (\"a\", \"b\")", assertRoundTrips(sql));
  }

  @Test
  void indexMethodIsAnyIdentifierAndQuotedOnesKeepTheirCase() throws SqlParseException {
    assertEquals("FLAT", createIndex("CREATE INDEX i ON t USING \"FLAT\" (v)").method.getSimple());
    assertEquals(
        "diskann", createIndex("CREATE INDEX i ON t USING DiskANN (v)").method.getSimple());
  }

  @Test
  void createIndexNeedsItsColumnList() {
    final SqlParseException e =
        assertThrows(SqlParseException.class, () -> parse("CREATE INDEX i ON t USING hnsw"));
    assertEquals(1, e.getPos().getLineNum());
  }

  @Test
  void createOrReplaceIndexIsRejected() {
    final SqlParseException e =
        assertThrows(SqlParseException.class, () -> parse("CREATE OR REPLACE INDEX i ON t (v)"));
    assertTrue(e.getMessage().contains("CREATE OR REPLACE INDEX"), e.getMessage());
  }

  @Test
  void dropIndexAndDropIndexIfExistsRoundTrip() throws SqlParseException {
    final SqlDropVectorIndex plain =
        assertInstanceOf(SqlDropVectorIndex.class, parse("DROP INDEX docs_hnsw"));
    assertEquals(SqlKind.DROP_INDEX, plain.getKind());
    assertFalse(plain.ifExists);
    assertEquals("docs_hnsw", plain.name.getSimple());

    final SqlDropVectorIndex ifExists =
        assertInstanceOf(SqlDropVectorIndex.class, parse("drop index if exists docs_hnsw"));
    assertTrue(ifExists.ifExists);
    assertFalse(plain.equalsDeep(ifExists, Litmus.IGNORE));
    assertEquals(
        "DROP INDEX IF EXISTS \"docs_hnsw\"", assertRoundTrips("drop index if exists docs_hnsw"));
    assertEquals("DROP INDEX \"docs_hnsw\"", assertRoundTrips("DROP INDEX docs_hnsw"));
  }

  @Test
  void dropTableUsesCalcitesNodeAndRoundTrips() throws SqlParseException {
    final SqlDropTable plain = assertInstanceOf(SqlDropTable.class, parse("DROP TABLE docs"));
    assertEquals(SqlKind.DROP_TABLE, plain.getKind());
    assertFalse(plain.ifExists);
    assertEquals("docs", plain.name.getSimple());

    final SqlDropTable ifExists =
        assertInstanceOf(SqlDropTable.class, parse("DROP TABLE IF EXISTS s.docs"));
    assertTrue(ifExists.ifExists);
    assertEquals(List.of("s", "docs"), ifExists.name.names);
    assertEquals(
        "DROP TABLE IF EXISTS \"s\".\"docs\"", assertRoundTrips("DROP TABLE IF EXISTS s.docs"));
  }

  @Test
  void tablesAndIndexesNamedIfStillParse() throws SqlParseException {
    assertEquals(
        "if", assertInstanceOf(SqlDropTable.class, parse("DROP TABLE if")).name.getSimple());
    final SqlCreateVectorIndex index = createIndex("CREATE INDEX index ON vector (method)");
    assertEquals("index", index.name.getSimple());
    assertEquals("vector", index.table.getSimple());
  }
}
