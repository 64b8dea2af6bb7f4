package dev.quiver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DemoDocumentTest {

  private final List<DemoDocument> documents = DemoDocument.loadAll();

  @Test
  void resourceHasAtLeast250UniqueTitles() {
    Set<String> titles =
        documents.stream().map(d -> d.title().strip().toLowerCase()).collect(Collectors.toSet());
    assertTrue(titles.size() >= 250, titles.size() + " unique titles");
    assertEquals(documents.size(), titles.size(), "every title appears once");
  }

  @Test
  void titlesSpreadEvenlyOverSixCategories() {
    Map<String, Long> perCategory =
        new TreeMap<>(
            documents.stream()
                .collect(Collectors.groupingBy(DemoDocument::category, Collectors.counting())));
    assertEquals(
        Set.of("finance", "recipes", "science", "sports", "technology", "travel"),
        perCategory.keySet());
    perCategory.forEach(
        (category, count) -> assertTrue(count >= 40, category + " has only " + count + " titles"));
  }

  @Test
  void idsAreUniqueAndPositive() {
    Set<Long> ids = new HashSet<>();
    for (DemoDocument document : documents) {
      assertTrue(document.id() > 0, document.toString());
      assertTrue(ids.add(document.id()), "duplicate id " + document.id());
    }
  }

  @Test
  void titlesAreShortNonEmptyTexts() {
    for (DemoDocument document : documents) {
      String title = document.title();
      assertTrue(!title.isBlank() && title.length() <= 80, document.toString());
    }
  }
}
