package dev.quiver.sql.type;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A VECTOR value as Calcite's generated code sees it, a {@code List<Float>}, backed by the stored
 * {@code float[]} without copying; distance functions read the array directly.
 */
public final class VectorList extends AbstractList<Float> implements RandomAccess {
  private final float[] values;

  public VectorList(float[] values) {
    this.values = values;
  }

  /** The backing array; callers must not modify it. */
  public float[] array() {
    return values;
  }

  @Override
  public Float get(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public String toString() {
    return VectorValues.format(values);
  }
}
