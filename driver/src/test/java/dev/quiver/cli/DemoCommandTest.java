package dev.quiver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End-to-end tests of {@code quiver demo} on the embedded driver, {@code jdbc:quiver:mem:}. */
class DemoCommandTest {

  private static String output;
  private static List<TextTable> tables;

  @BeforeAll
  static void runDemo() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      tables = new DemoCommand(out).run("jdbc:quiver:mem:demotest");
    }
    output = bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsFourResultTablesEachAfterItsSql() {
    assertEquals(4, tables.size());
    List<String> statements =
        List.of(
            DemoCommand.NEAREST,
            DemoCommand.NEAREST_IN_CATEGORY,
            DemoCommand.NEAREST_PGVECTOR,
            DemoCommand.COUNT_BY_CATEGORY);
    int from = 0;
    for (int i = 0; i < 4; i++) {
      int sqlAt = output.indexOf(statements.get(i) + ";", from);
      assertTrue(sqlAt >= from, "SQL " + (i + 1) + " missing or out of order:\n" + output);
      int tableAt = output.indexOf(tables.get(i).render(), sqlAt);
      assertTrue(tableAt > sqlAt, "table " + (i + 1) + " not printed after its SQL:\n" + output);
      from = tableAt;
    }
  }

  @Test
  void printsTheSchemaAndLoadBeforeTheQueries() {
    int create = output.indexOf(DemoCommand.CREATE_TABLE);
    int insert = output.indexOf(DemoCommand.INSERT);
    int firstQuery = output.indexOf(DemoCommand.NEAREST);
    assertTrue(create >= 0 && insert > create && insert < firstQuery, output);
    assertTrue(output.contains("300 rows"), output);
  }

  @Test
  void freeTextSearchFindsTheMatchingTopicFirst() {
    TextTable nearest = tables.get(0);
    assertEquals(5, nearest.rows().size());
    assertEquals("recipes", nearest.column("CATEGORY").get(0), nearest.render());
    assertAscending(nearest.column("D"));
  }

  @Test
  void filteredSearchReturnsFiveRowsAllOfTheCategory() {
    TextTable filtered = tables.get(1);
    assertEquals(5, filtered.rows().size(), filtered.render());
    assertEquals(Set.of(DemoCommand.FILTER_CATEGORY), Set.copyOf(filtered.column("CATEGORY")));
    assertAscending(filtered.column("D"));
  }

  @Test
  void pgvectorOperatorQueryHonoursTheLimitParameter() {
    TextTable pgvector = tables.get(2);
    assertEquals(DemoCommand.PGVECTOR_LIMIT, pgvector.rows().size(), pgvector.render());
    assertEquals("science", pgvector.column("CATEGORY").get(0), pgvector.render());
    assertAscending(pgvector.column("D"));
  }

  @Test
  void groupByCountsEveryCategory() {
    TextTable counts = tables.get(3);
    assertEquals(
        List.of("finance", "recipes", "science", "sports", "technology", "travel"),
        counts.column("CATEGORY"));
    assertEquals(300, counts.column("N").stream().mapToInt(Integer::parseInt).sum());
  }

  private static void assertAscending(List<String> distances) {
    for (int i = 1; i < distances.size(); i++) {
      assertTrue(
          Double.parseDouble(distances.get(i - 1)) <= Double.parseDouble(distances.get(i)),
          "distances not ascending: " + distances);
    }
  }
}
