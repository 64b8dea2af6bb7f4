package dev.quiver.index.segment;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A column of a segment: its name, the kind of value it holds and, for vectors, their dimension and
 * metric.
 *
 * <p>Row values are Java objects of one class per kind (see {@link Kind}); {@code null} is SQL
 * NULL.
 *
 * @param name the column name, also the Lucene field name
 * @param kind the kind of value
 * @param dimension the number of components of every vector; 0 for scalar kinds
 * @param metric the metric the vector index is built with; {@code null} for scalar kinds
 */
public record SegmentField(String name, Kind kind, int dimension, VectorMetric metric) {

  /**
   * The largest vector dimension a segment accepts. Lucene's HNSW format defaults to 1024; the
   * segment codec raises the limit (as Elasticsearch does) so that 1536- and 3072-d embeddings fit.
   */
  public static final int MAX_DIMENSION = 4096;

  /** A kind of value, with the Java class of its values. */
  public enum Kind {
    /** {@link Boolean}. */
    BOOLEAN(Boolean.class),
    /** {@link Integer}. */
    INT(Integer.class),
    /** {@link Long}. */
    LONG(Long.class),
    /** {@link Float}. */
    FLOAT(Float.class),
    /** {@link Double}. */
    DOUBLE(Double.class),
    /** {@link BigDecimal}, read back with the scale it was written with. */
    DECIMAL(BigDecimal.class),
    /** {@link String} of at most {@value SegmentLayout#MAX_STRING_BYTES} UTF-8 bytes. */
    STRING(String.class),
    /** {@code float[]} of the field's dimension, finite components. */
    VECTOR(float[].class);

    private final Class<?> javaClass;

    Kind(Class<?> javaClass) {
      this.javaClass = javaClass;
    }

    /** The class every non-null value of this kind has. */
    public Class<?> javaClass() {
      return javaClass;
    }
  }

  /** Checks that vector attributes are present exactly for vectors. */
  public SegmentField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a field name must not be empty");
    }
    if (kind == Kind.VECTOR) {
      if (dimension < 1 || dimension > MAX_DIMENSION) {
        throw new IllegalArgumentException(
            "vector field '"
                + name
                + "' has dimension "
                + dimension
                + "; it must be between 1 and "
                + MAX_DIMENSION);
      }
      Objects.requireNonNull(metric, "metric of vector field '" + name + "'");
    } else if (dimension != 0 || metric != null) {
      throw new IllegalArgumentException(
          kind + " field '" + name + "' must have dimension 0 and no metric");
    }
  }

  /** A scalar field. */
  public static SegmentField scalar(String name, Kind kind) {
    if (kind == Kind.VECTOR) {
      throw new IllegalArgumentException(
          "vector field '" + name + "' needs a dimension and a metric: use SegmentField.vector");
    }
    return new SegmentField(name, kind, 0, null);
  }

  /** A vector field. */
  public static SegmentField vector(String name, int dimension, VectorMetric metric) {
    return new SegmentField(name, Kind.VECTOR, dimension, metric);
  }
}
