package dev.quiver.storage.catalog;

import dev.quiver.index.VectorDistances;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.util.Locale;

/**
 * A vector distance, as the SQL functions and index metrics name it. {@link #distance} is the value
 * SQL returns; {@link #higherIsCloser} tells the order of nearness.
 */
public enum Metric {
  /** Euclidean distance, {@code L2_DISTANCE} and {@code <->}. */
  L2("l2") {
    @Override
    public double distance(float[] a, float[] b) {
      return VectorDistances.l2(a, b);
    }
  },
  /** One minus cosine similarity, {@code COSINE_DISTANCE} and {@code <=>}. */
  COSINE("cosine") {
    @Override
    public double distance(float[] a, float[] b) {
      return VectorDistances.cosine(a, b);
    }
  },
  /** Dot product, {@code INNER_PRODUCT}; larger is closer. */
  INNER_PRODUCT("ip") {
    @Override
    public double distance(float[] a, float[] b) {
      return VectorDistances.innerProduct(a, b);
    }

    @Override
    public boolean higherIsCloser() {
      return true;
    }
  };

  private final String optionName;

  Metric(String optionName) {
    this.optionName = optionName;
  }

  /** The function value for vectors of equal length. */
  public abstract double distance(float[] a, float[] b);

  /** Whether larger values mean nearer vectors (only for the inner product). */
  public boolean higherIsCloser() {
    return false;
  }

  /** The name used in {@code WITH (metric = ...)}. */
  public String optionName() {
    return optionName;
  }

  /** Parses an index option value: l2, cosine, ip or inner_product, in any case. */
  public static Metric fromOption(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "l2", "euclidean" -> L2;
      case "cosine" -> COSINE;
      case "ip", "inner_product", "dot" -> INNER_PRODUCT;
      default ->
          throw new QuiverException(
              ErrorCode.INVALID_OPTION,
              "unknown metric '" + value + "'; use 'l2', 'cosine' or 'ip'");
    };
  }
}
