package dev.quiver.storage.catalog;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.storage.ErrorCode;
import org.junit.jupiter.api.Test;

/** Tests of {@link Metric}: option names, order of nearness and distance values. */
class MetricTest {

  @Test
  void fromOptionAcceptsNamesAndSynonymsInAnyCase() {
    assertEquals(Metric.L2, Metric.fromOption("l2"));
    assertEquals(Metric.L2, Metric.fromOption("Euclidean"));
    assertEquals(Metric.COSINE, Metric.fromOption(" COSINE "));
    assertEquals(Metric.INNER_PRODUCT, Metric.fromOption("ip"));
    assertEquals(Metric.INNER_PRODUCT, Metric.fromOption("Inner_Product"));
    assertEquals(Metric.INNER_PRODUCT, Metric.fromOption("dot"));
  }

  @Test
  void optionNameParsesBackToTheMetric() {
    for (Metric metric : Metric.values()) {
      assertEquals(metric, Metric.fromOption(metric.optionName()));
    }
  }

  @Test
  void unknownMetricFailsNamingItAndTheChoices() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Metric.fromOption("manhattan"),
        "'manhattan'",
        "'l2', 'cosine' or 'ip'");
  }

  @Test
  void onlyInnerProductIsHigherCloser() {
    assertFalse(Metric.L2.higherIsCloser());
    assertFalse(Metric.COSINE.higherIsCloser());
    assertTrue(Metric.INNER_PRODUCT.higherIsCloser());
  }

  @Test
  void distancesAreTheSqlFunctionValues() {
    float[] a = {1, 0};
    float[] b = {0, 2};
    assertEquals(Math.sqrt(5), Metric.L2.distance(a, b), 1e-6);
    assertEquals(1.0, Metric.COSINE.distance(a, b), 1e-6);
    assertEquals(0.0, Metric.INNER_PRODUCT.distance(a, b), 1e-6);
    assertEquals(4.0, Metric.INNER_PRODUCT.distance(b, b), 1e-6);
  }
}
