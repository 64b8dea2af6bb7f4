package dev.quiver.index.segment;

import dev.quiver.index.VectorDistances;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * A distance metric of a vector field: the one its HNSW graph is built with and the one {@link
 * VectorHit#distance()} is measured in.
 */
public enum VectorMetric {
  /** Euclidean distance, as pgvector's {@code <->}; Lucene's EUCLIDEAN similarity. */
  L2(VectorSimilarityFunction.EUCLIDEAN),
  /**
   * Cosine distance {@code 1 - cos}, as pgvector's {@code <=>}; Lucene's COSINE similarity, which
   * rejects zero vectors.
   */
  COSINE(VectorSimilarityFunction.COSINE),
  /**
   * Negative inner product, as pgvector's {@code <#>}, so that smaller is closer like the other
   * metrics; Lucene's MAXIMUM_INNER_PRODUCT similarity.
   */
  INNER_PRODUCT(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);

  private final VectorSimilarityFunction similarity;

  VectorMetric(VectorSimilarityFunction similarity) {
    this.similarity = similarity;
  }

  /** The Lucene similarity the HNSW graph of a field with this metric is built with. */
  public VectorSimilarityFunction similarity() {
    return similarity;
  }

  /**
   * The exact distance between two vectors of the same length; smaller is closer. NaN for {@link
   * #COSINE} when either vector is zero.
   */
  public double distance(float[] a, float[] b) {
    return switch (this) {
      case L2 -> VectorDistances.l2(a, b);
      case COSINE -> VectorDistances.cosine(a, b);
      case INNER_PRODUCT -> -VectorDistances.innerProduct(a, b);
    };
  }
}
