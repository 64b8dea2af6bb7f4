package dev.quiver.sql.type;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.vector.Vectors;
import java.sql.Array;
import java.sql.SQLException;
import java.util.List;

/**
 * Conversions of the many forms a vector takes on its way through JDBC and Calcite ({@code
 * float[]}, {@code double[]}, lists, {@link java.sql.Array}, {@code '[...]'} text) into the
 * engine's {@code float[]}, with the checks SPEC section 3 requires.
 */
public final class VectorValues {
  private VectorValues() {}

  /**
   * Converts a value to a finite float vector; null stays null.
   *
   * @param what what the value is for, named in error messages (e.g. "column embedding")
   */
  public static float[] toFloatArray(Object value, String what) {
    if (value == null) {
      return null;
    }
    float[] result =
        switch (value) {
          case VectorList list -> list.array();
          case float[] array -> array;
          case String text -> Vectors.parse(text, what);
          case double[] array -> {
            float[] f = new float[array.length];
            for (int i = 0; i < array.length; i++) {
              f[i] = (float) array[i];
            }
            yield f;
          }
          case List<?> list -> fromElements(list.toArray(), what);
          case Object[] array -> fromElements(array, what);
          case Array sqlArray -> {
            try {
              yield toFloatArray(sqlArray.getArray(), what);
            } catch (SQLException e) {
              throw new QuiverException(
                  ErrorCode.INVALID_VALUE, what + ": cannot read the array: " + e.getMessage(), e);
            }
          }
          default ->
              throw new QuiverException(
                  ErrorCode.INVALID_VALUE,
                  what
                      + ": a vector is expected, e.g. '[0.1, 0.2]' or a float[], but got "
                      + value.getClass().getSimpleName()
                      + " "
                      + value);
        };
    if (result.length == 0) {
      throw new QuiverException(
          ErrorCode.MALFORMED_VECTOR, what + ": a vector needs at least one component");
    }
    Vectors.checkFinite(result, what);
    return result;
  }

  /** The text form, {@code [1, 0.5]}. */
  public static String format(float[] vector) {
    return Vectors.format(vector);
  }

  private static float[] fromElements(Object[] elements, String what) {
    float[] f = new float[elements.length];
    for (int i = 0; i < elements.length; i++) {
      if (!(elements[i] instanceof Number n)) {
        throw new QuiverException(
            ErrorCode.INVALID_VALUE,
            what
                + ": component "
                + (i + 1)
                + " is "
                + (elements[i] == null ? "NULL" : "'" + elements[i] + "'")
                + "; vector components must be numbers");
      }
      f[i] = n.floatValue();
    }
    return f;
  }
}
