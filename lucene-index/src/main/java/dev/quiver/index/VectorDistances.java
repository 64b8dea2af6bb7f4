package dev.quiver.index;

import org.apache.lucene.util.VectorUtil;

/**
 * Distance kernels over float32 vectors, computed with Lucene's {@link VectorUtil} so that they use
 * the JDK's SIMD vector API when {@code jdk.incubator.vector} is enabled.
 *
 * <p>Every method requires both arrays to have the same length; callers check dimensions first and
 * report a mismatch in their own terms.
 */
public final class VectorDistances {
  private VectorDistances() {}

  /** Euclidean distance (not squared), as pgvector's {@code <->}. */
  public static double l2(float[] a, float[] b) {
    return Math.sqrt(VectorUtil.squareDistance(a, b));
  }

  /** Squared Euclidean distance: the ordering of {@link #l2} without the square root. */
  public static double squaredL2(float[] a, float[] b) {
    return VectorUtil.squareDistance(a, b);
  }

  /**
   * Cosine distance, {@code 1 - cos(a, b)}, as pgvector's {@code <=>}; NaN when either vector has
   * norm zero, since the angle is undefined (pgvector returns NaN too).
   */
  public static double cosine(float[] a, float[] b) {
    // VectorUtil.cosine rejects zero vectors by assertion only; keep the three sums explicit so a
    // zero vector gives NaN rather than a misleading number.
    double dot = VectorUtil.dotProduct(a, b);
    double normA = VectorUtil.dotProduct(a, a);
    double normB = VectorUtil.dotProduct(b, b);
    if (normA == 0 || normB == 0) {
      return Double.NaN;
    }
    double cos = dot / Math.sqrt(normA * normB);
    return 1 - Math.max(-1, Math.min(1, cos));
  }

  /** Inner (dot) product; larger means closer. */
  public static double innerProduct(float[] a, float[] b) {
    return VectorUtil.dotProduct(a, b);
  }
}
