package dev.quiver.index.segment;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The ordered columns of a segment and which of them, if any, is its key.
 *
 * <p>A segment remembers the schema it was written with and {@link SegmentReader#open} refuses any
 * other, so the caller keeps each segment's schema with the segment: later column changes of a
 * table do not rewrite old segments.
 *
 * @param fields the columns, in the order of {@link SegmentRow#values()}
 * @param keyField the position of the key column in {@code fields}, or -1 for none; a key column is
 *     INT, LONG or STRING and never null
 */
public record SegmentSchema(List<SegmentField> fields, int keyField) {

  /** Checks names are unique and not reserved, and that the key column can be looked up. */
  public SegmentSchema {
    fields = List.copyOf(fields);
    Set<String> names = new HashSet<>();
    for (SegmentField field : fields) {
      if (SegmentLayout.isReserved(field.name())) {
        throw new IllegalArgumentException(
            "field name '" + field.name() + "' is reserved for the segment's own bookkeeping");
      }
      if (!names.add(field.name())) {
        throw new IllegalArgumentException("field name '" + field.name() + "' appears twice");
      }
    }
    if (keyField < -1 || keyField >= fields.size()) {
      throw new IllegalArgumentException(
          "key field position " + keyField + " is outside 0.." + (fields.size() - 1) + " or -1");
    }
    if (keyField >= 0) {
      SegmentField key = fields.get(keyField);
      switch (key.kind()) {
        case INT, LONG, STRING -> {}
        default ->
            throw new IllegalArgumentException(
                "key field '"
                    + key.name()
                    + "' is "
                    + key.kind()
                    + "; a key is INT, LONG or STRING");
      }
    }
  }

  /** A schema with a key column at position {@code keyField} (-1 for none). */
  public static SegmentSchema of(int keyField, SegmentField... fields) {
    return new SegmentSchema(List.of(fields), keyField);
  }

  /** The number of columns. */
  public int size() {
    return fields.size();
  }

  /** The column at {@code position}. */
  public SegmentField field(int position) {
    return fields.get(position);
  }

  /** The position of the column called {@code name}, or -1. */
  public int indexOf(String name) {
    Objects.requireNonNull(name, "name");
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the schema has a key column. */
  public boolean hasKey() {
    return keyField >= 0;
  }
}
