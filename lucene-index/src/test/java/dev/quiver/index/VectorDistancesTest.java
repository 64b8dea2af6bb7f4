package dev.quiver.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorDistancesTest {
  private static final double EPS = 1e-5;

  @Test
  void l2IsEuclideanDistanceNotSquared() {
    assertEquals(5.0, VectorDistances.l2(new float[] {0, 0}, new float[] {3, 4}), EPS);
    assertEquals(25.0, VectorDistances.squaredL2(new float[] {0, 0}, new float[] {3, 4}), EPS);
  }

  @Test
  void cosineDistanceIsOneMinusCosine() {
    assertEquals(0.0, VectorDistances.cosine(new float[] {1, 2}, new float[] {2, 4}), EPS);
    assertEquals(1.0, VectorDistances.cosine(new float[] {1, 0}, new float[] {0, 3}), EPS);
    assertEquals(2.0, VectorDistances.cosine(new float[] {1, 0}, new float[] {-1, 0}), EPS);
  }

  @Test
  void cosineDistanceOfZeroVectorIsNaN() {
    assertTrue(Double.isNaN(VectorDistances.cosine(new float[] {0, 0}, new float[] {1, 0})));
  }

  @Test
  void innerProductIsDotProduct() {
    assertEquals(11.0, VectorDistances.innerProduct(new float[] {1, 2}, new float[] {3, 4}), EPS);
  }

  @Test
  void simdKernelsAgreeWithScalarFormulasOnRandomVectors() {
    long seed = System.nanoTime();
    System.out.println("VectorDistancesTest seed=" + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int dim = 1 + random.nextInt(300);
      float[] a = new float[dim];
      float[] b = new float[dim];
      double dot = 0;
      double sq = 0;
      double na = 0;
      double nb = 0;
      for (int i = 0; i < dim; i++) {
        a[i] = (float) random.nextGaussian();
        b[i] = (float) random.nextGaussian();
        dot += (double) a[i] * b[i];
        sq += (double) (a[i] - b[i]) * (a[i] - b[i]);
        na += (double) a[i] * a[i];
        nb += (double) b[i] * b[i];
      }
      double tolerance = 1e-3 * dim;
      assertEquals(Math.sqrt(sq), VectorDistances.l2(a, b), tolerance, "seed=" + seed);
      assertEquals(dot, VectorDistances.innerProduct(a, b), tolerance, "seed=" + seed);
      assertEquals(
          1 - dot / Math.sqrt(na * nb), VectorDistances.cosine(a, b), 1e-3, "seed=" + seed);
    }
  }
}
