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
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSetOption;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;
import org.junit.jupiter.api.Test;

/** Tests of ALTER TABLE ... SET (...) and RESET (...) in Quiver's grammar. */
class AlterTableParserTest {
  private static SqlAlterTableOptions alter(String sql) throws SqlParseException {
    return assertInstanceOf(SqlAlterTableOptions.class, parse(sql));
  }

  @Test
  void alterTableSetTakesTheOptionsOfWith() throws SqlParseException {
    final String sql =
        "ALTER TABLE docs SET (auto_compaction = false, deleted_ratio_threshold = 0.2,"
            + " consistency_level = 'bounded', cluster_by = published, segment_max_rows = 5000)";
    final SqlAlterTableOptions alter = alter(sql);

    assertEquals(SqlKind.ALTER_TABLE, alter.getKind());
    assertFalse(alter.ifExists);
    assertEquals("docs", alter.name.getSimple());
    assertTrue(alter.reset.isEmpty());
    assertEquals(
        List.of(
            "auto_compaction",
            "deleted_ratio_threshold",
            "consistency_level",
            "cluster_by",
            "segment_max_rows"),
        alter.set.stream().map(o -> ((SqlOption) o).name()).toList());
    assertEquals(
        List.of(false, new BigDecimal("0.2"), "bounded", "published", 5000L),
        alter.set.stream().map(o -> ((SqlOption) o).javaValue()).toList());
    assertEquals(
        "ALTER TABLE \"docs\" SET (\"auto_compaction\" = FALSE, \"deleted_ratio_threshold\" = 0.2,"
            + " \"consistency_level\" = 'bounded', \"cluster_by\" = \"published\","
            + " \"segment_max_rows\" = 5000)",
        assertRoundTrips(sql));
  }

  @Test
  void alterTableIfExistsResetNamesOptionsAndRoundTrips() throws SqlParseException {
    final SqlAlterTableOptions alter =
        alter("alter table if exists public.Docs reset (Cluster_By, auto_compaction)");

    assertTrue(alter.ifExists);
    assertEquals(List.of("public", "docs"), alter.name.names);
    assertTrue(alter.set.isEmpty());
    assertEquals(
        List.of("cluster_by", "auto_compaction"),
        alter.reset.stream().map(SqlNode::toString).toList());
    assertEquals(
        "ALTER TABLE IF EXISTS \"public\".\"docs\" RESET (\"cluster_by\", \"auto_compaction\")",
        assertRoundTrips("alter table if exists public.Docs reset (Cluster_By, auto_compaction)"));
    assertFalse(
        alter.equalsDeep(
            alter("ALTER TABLE public.docs RESET (cluster_by, auto_compaction)"), Litmus.IGNORE));
  }

  @Test
  void aTableNamedIfCanBeAltered() throws SqlParseException {
    assertEquals("if", alter("ALTER TABLE if SET (auto_compaction = true)").name.getSimple());
  }

  @Test
  void alterTableNeedsSetOrResetWithAtLeastOneOption() {
    for (String sql :
        List.of(
            "ALTER TABLE docs",
            "ALTER TABLE docs SET ()",
            "ALTER TABLE docs SET auto_compaction = false",
            "ALTER TABLE docs RESET ()",
            "ALTER TABLE docs RESET (auto_compaction = false)")) {
      assertThrows(SqlParseException.class, () -> parse(sql), sql);
    }
  }

  @Test
  void calcitesAlterSystemAndSessionStillParse() throws SqlParseException {
    final SqlSetOption system =
        assertInstanceOf(SqlSetOption.class, parse("ALTER SYSTEM SET ef_search = 1"));
    assertEquals("SYSTEM", system.getScope());
    final SqlSetOption session =
        assertInstanceOf(SqlSetOption.class, parse("ALTER SESSION RESET nprobe"));
    assertEquals("SESSION", session.getScope());
  }
}
