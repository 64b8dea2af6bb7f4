package dev.quiver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashingEmbedderTest {

  private final HashingEmbedder embedder = new HashingEmbedder(64);

  @Test
  void sameTextGivesSameVectorAcrossInstances() {
    String text = "How to bake crusty sourdough bread at home";
    assertArrayEquals(embedder.embed(text), new HashingEmbedder(64).embed(text));
  }

  @Test
  void caseAndPunctuationDoNotChangeTheVector() {
    assertArrayEquals(
        embedder.embed("Bread, baked at HOME!"), embedder.embed("bread baked at home"));
  }

  @Test
  void vectorsHaveTheRequestedLengthAndUnitNorm() {
    String[] texts = {
      "bread",
      "Central bank raises interest rates to fight inflation",
      "a",
      "Ümlaut café naïve",
      "2024"
    };
    for (String text : texts) {
      float[] vector = embedder.embed(text);
      assertEquals(64, vector.length);
      assertEquals(1.0, norm(vector), 1e-5, text);
    }
  }

  @Test
  void aTextIsNearerToItsParaphraseThanToAnUnrelatedText() {
    float[] text = embedder.embed("How to bake sourdough bread at home");
    float[] paraphrase = embedder.embed("Baking homemade sourdough bread");
    float[] unrelated = embedder.embed("Central bank raises interest rates to fight inflation");
    double toParaphrase = cosineDistance(text, paraphrase);
    double toUnrelated = cosineDistance(text, unrelated);
    assertTrue(
        toParaphrase < toUnrelated, "paraphrase " + toParaphrase + ", unrelated " + toUnrelated);
  }

  @Test
  void aDemoTitleMissingItsLastWordStillFindsThatTitleFirst() {
    List<DemoDocument> documents = DemoDocument.loadAll();
    List<float[]> vectors = documents.stream().map(d -> embedder.embed(d.title())).toList();
    int foundFirst = 0;
    for (int i = 0; i < documents.size(); i++) {
      String title = documents.get(i).title();
      float[] query = embedder.embed(title.substring(0, title.lastIndexOf(' ')));
      int nearest = 0;
      for (int j = 1; j < vectors.size(); j++) {
        if (cosineDistance(query, vectors.get(j)) < cosineDistance(query, vectors.get(nearest))) {
          nearest = j;
        }
      }
      foundFirst += nearest == i ? 1 : 0;
    }
    assertTrue(foundFirst >= 0.95 * documents.size(), foundFirst + " of " + documents.size());
  }

  @Test
  void differentTextsGiveDifferentVectors() {
    assertNotEquals(
        Arrays.toString(embedder.embed("tennis")), Arrays.toString(embedder.embed("finance")));
  }

  @Test
  void textMadeOnlyOfStopWordsStillEmbeds() {
    assertEquals(1.0, norm(embedder.embed("to be or not to be")), 1e-5);
  }

  @Test
  void textWithoutLettersOrDigitsIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> embedder.embed(" -- !? "));
    assertTrue(e.getMessage().contains("-- !?"), e.getMessage());
  }

  @Test
  void tooFewDimensionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new HashingEmbedder(1));
  }

  static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }

  static double cosineDistance(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return 1 - dot / (norm(a) * norm(b));
  }
}
