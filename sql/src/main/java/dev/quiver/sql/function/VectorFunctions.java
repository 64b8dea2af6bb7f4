package dev.quiver.sql.function;

import dev.quiver.sql.type.VectorList;
import dev.quiver.sql.type.VectorValues;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.Metric;
import java.util.List;

/**
 * The run-time bodies of Quiver's SQL vector functions, called by Calcite's generated code. Each
 * takes vectors in any form {@link VectorValues} accepts and returns NULL when an argument is NULL.
 */
public final class VectorFunctions {
  private VectorFunctions() {}

  /** {@code L2_DISTANCE(a, b)} and {@code a <-> b}. */
  public static Double l2Distance(Object a, Object b) {
    return distance(Metric.L2, "L2_DISTANCE", a, b);
  }

  /** {@code COSINE_DISTANCE(a, b)} and {@code a <=> b}. */
  public static Double cosineDistance(Object a, Object b) {
    return distance(Metric.COSINE, "COSINE_DISTANCE", a, b);
  }

  /** {@code INNER_PRODUCT(a, b)}. */
  public static Double innerProduct(Object a, Object b) {
    return distance(Metric.INNER_PRODUCT, "INNER_PRODUCT", a, b);
  }

  /** {@code a <#> b}: the negative inner product, so that smaller is closer as for the others. */
  public static Double negativeInnerProduct(Object a, Object b) {
    Double d = distance(Metric.INNER_PRODUCT, "<#>", a, b);
    return d == null ? null : -d;
  }

  /**
   * The last text TO_VECTOR parsed on this thread and its result. Calcite's generated code calls
   * TO_VECTOR on a literal once per row; the literal is the same String object every time, so this
   * turns a parse per row into one per statement execution.
   */
  private static final ThreadLocal<Object[]> LAST_PARSED = new ThreadLocal<>();

  /** {@code TO_VECTOR(x)}: a vector from text or an array. */
  public static List<Float> toVector(Object value) {
    if (value instanceof String text) {
      Object[] last = LAST_PARSED.get();
      if (last != null && last[0] == text) {
        return (VectorList) last[1];
      }
      VectorList parsed = new VectorList(VectorValues.toFloatArray(text, "TO_VECTOR"));
      LAST_PARSED.set(new Object[] {text, parsed});
      return parsed;
    }
    float[] v = VectorValues.toFloatArray(value, "TO_VECTOR");
    return v == null ? null : new VectorList(v);
  }

  /** {@code VECTOR_DIMS(v)}: the number of components. */
  public static Integer vectorDims(Object value) {
    float[] v = VectorValues.toFloatArray(value, "VECTOR_DIMS");
    return v == null ? null : v.length;
  }

  private static Double distance(Metric metric, String function, Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    float[] x = VectorValues.toFloatArray(a, function + " argument 1");
    float[] y = VectorValues.toFloatArray(b, function + " argument 2");
    if (x.length != y.length) {
      throw new QuiverException(
          ErrorCode.VECTOR_DIMENSION_MISMATCH,
          function
              + ": different vector dimensions "
              + x.length
              + " and "
              + y.length
              + "; both arguments must have the same dimension");
    }
    return metric.distance(x, y);
  }
}
