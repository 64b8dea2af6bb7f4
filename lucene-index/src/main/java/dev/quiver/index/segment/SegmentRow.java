package dev.quiver.index.segment;

import java.util.Objects;

/**
 * One row handed to {@link SegmentWriter}: its engine-wide row id, its insert timestamp and one
 * value per schema column.
 *
 * @param rowId the row id, kept as the {@code _rowid} doc value
 * @param insertTs the insert timestamp, kept as the {@code _ts} doc value
 * @param values one value per {@link SegmentSchema} column, in order, of the column kind's Java
 *     class, {@code null} for SQL NULL; the array is read, not copied, while the row is written
 */
public record SegmentRow(long rowId, long insertTs, Object[] values) {

  /** Rejects a missing value array. */
  public SegmentRow {
    Objects.requireNonNull(values, "values");
  }
}
