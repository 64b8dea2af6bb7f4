package dev.quiver.storage.vector;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;

/**
 * The text form of vectors, {@code [0.1, 0.2, 0.3]} as pgvector writes it, and the checks every
 * stored vector passes (finite components).
 */
public final class Vectors {
  private Vectors() {}

  private static final int NEGATIVE_ZERO_BITS = Float.floatToRawIntBits(-0f);

  private static final java.util.Set<String> NON_FINITE_WORDS =
      java.util.Set.of(
          "nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");

  /**
   * Parses {@code [x, y, ...]}: brackets required, components separated by commas, any white space.
   *
   * @param text the literal
   * @param what what the value is for, used in error messages (e.g. "column embedding")
   */
  public static float[] parse(String text, String what) {
    String s = text.trim();
    if (s.length() < 2 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') {
      throw malformed(text, what, "a vector is written in brackets, e.g. '[0.1, 0.2, 0.3]'");
    }
    String body = s.substring(1, s.length() - 1).trim();
    if (body.isEmpty()) {
      throw malformed(text, what, "a vector needs at least one component");
    }
    String[] parts = body.split(",", -1);
    float[] result = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim();
      if (NON_FINITE_WORDS.contains(part.toLowerCase(java.util.Locale.ROOT))) {
        throw new QuiverException(
            ErrorCode.VECTOR_NOT_FINITE,
            what
                + ": component "
                + (i + 1)
                + " is "
                + part
                + "; vectors must not contain NaN or Infinity");
      }
      if (part.isEmpty() || !isDecimalNumber(part)) {
        throw malformed(text, what, "component " + (i + 1) + " ('" + part + "') is not a number");
      }
      result[i] = Float.parseFloat(part);
      if (!Float.isFinite(result[i])) {
        throw new QuiverException(
            ErrorCode.VECTOR_NOT_FINITE,
            what + ": component " + (i + 1) + " (" + part + ") is outside the float32 range");
      }
    }
    return result;
  }

  /** Formats a vector as pgvector does: {@code [1, 0.5, -2]}. */
  public static String format(float[] vector) {
    StringBuilder sb = new StringBuilder(vector.length * 8 + 2).append('[');
    for (int i = 0; i < vector.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      float v = vector[i];
      if (Float.floatToRawIntBits(v) == NEGATIVE_ZERO_BITS) {
        // (long) -0.0 is 0: keep the sign so that parsing the text gives back the same vector.
        sb.append("-0");
      } else if (v == (long) v && Math.abs(v) < 1e15) {
        sb.append((long) v);
      } else {
        sb.append(v);
      }
    }
    return sb.append(']').toString();
  }

  /** Throws if a component is NaN or infinite, naming the first such component. */
  public static void checkFinite(float[] vector, String what) {
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new QuiverException(
            ErrorCode.VECTOR_NOT_FINITE,
            what
                + ": component "
                + (i + 1)
                + " is "
                + vector[i]
                + "; vectors must not contain NaN or Infinity");
      }
    }
  }

  /** Throws if a vector's length is not the expected dimension. */
  public static void checkDimension(float[] vector, int expected, String what) {
    if (vector.length != expected) {
      throw new QuiverException(
          ErrorCode.VECTOR_DIMENSION_MISMATCH,
          what
              + " expects VECTOR("
              + expected
              + ") but got "
              + vector.length
              + " values: "
              + abbreviate(vector));
    }
  }

  /** A short text form for error messages: the first components of a long vector. */
  public static String abbreviate(float[] vector) {
    if (vector.length <= 8) {
      return format(vector);
    }
    float[] head = java.util.Arrays.copyOf(vector, 6);
    String text = format(head);
    return text.substring(0, text.length() - 1) + ", ... (" + vector.length + " values)]";
  }

  private static boolean isDecimalNumber(String s) {
    // Float.parseFloat also takes "NaN", "Infinity", hex and a trailing 'f'; a vector literal
    // takes only plain decimal notation, so reject those before parsing.
    int i = 0;
    int n = s.length();
    if (s.charAt(i) == '+' || s.charAt(i) == '-') {
      i++;
    }
    boolean digits = false;
    while (i < n && Character.isDigit(s.charAt(i))) {
      i++;
      digits = true;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && Character.isDigit(s.charAt(i))) {
        i++;
        digits = true;
      }
    }
    if (!digits) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int start = i;
      while (i < n && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (i == start) {
        return false;
      }
    }
    return i == n;
  }

  private static QuiverException malformed(String text, String what, String why) {
    return new QuiverException(
        ErrorCode.MALFORMED_VECTOR,
        what + ": malformed vector literal '" + abbreviateText(text) + "': " + why);
  }

  private static String abbreviateText(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
