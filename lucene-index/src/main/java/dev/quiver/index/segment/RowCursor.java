package dev.quiver.index.segment;

import java.io.IOException;
import java.math.BigDecimal;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

/**
 * A position in a segment's doc values and vectors that reads rows back into Java values; one per
 * thread, because Lucene's doc-values iterators are stateful.
 *
 * <p>Each column keeps its iterator between calls and only moves it forward, so reading documents
 * in ascending order costs one {@code advanceExact} per value. Going back to an earlier document
 * opens a new iterator, which for a column with nulls means scanning its index of present documents
 * again from the start.
 */
final class RowCursor {
  private final LeafReader leaf;
  private final SegmentSchema schema;
  private final Column[] columns;
  private NumericDocValues rowIds;
  private NumericDocValues insertTs;

  RowCursor(LeafReader leaf, SegmentSchema schema) {
    this.leaf = leaf;
    this.schema = schema;
    this.columns = new Column[schema.size()];
  }

  long rowId(int doc) throws IOException {
    rowIds = positioned(rowIds, SegmentLayout.ROW_ID, doc);
    return rowIds.longValue();
  }

  long insertTs(int doc) throws IOException {
    insertTs = positioned(insertTs, SegmentLayout.INSERT_TS, doc);
    return insertTs.longValue();
  }

  Object value(int doc, int field) throws IOException {
    Column column = columns[field];
    if (column == null) {
      column = columns[field] = column(schema.field(field));
    }
    return column.read(doc);
  }

  Object[] row(int doc) throws IOException {
    Object[] values = new Object[columns.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = value(doc, i);
    }
    return values;
  }

  private NumericDocValues positioned(NumericDocValues values, String field, int doc)
      throws IOException {
    if (values == null || values.docID() > doc) {
      values = DocValues.getNumeric(leaf, field);
    }
    if (!values.advanceExact(doc)) {
      throw new CorruptIndexException("document " + doc + " has no " + field, field);
    }
    return values;
  }

  /** The value of a BOOLEAN, INT, LONG, FLOAT or DOUBLE column from its sorted-numeric value. */
  static Object numericValue(SegmentField field, long value) {
    return switch (field.kind()) {
      case BOOLEAN -> value != 0;
      case INT -> (int) value;
      case LONG -> value;
      case FLOAT -> NumericUtils.sortableIntToFloat((int) value);
      case DOUBLE -> NumericUtils.sortableLongToDouble(value);
      default -> throw new AssertionError(field.kind());
    };
  }

  /** The value of a STRING or DECIMAL column from its sorted value's bytes. */
  static Object sortedValue(SegmentField field, BytesRef bytes) {
    String text = bytes.utf8ToString();
    return field.kind() == SegmentField.Kind.DECIMAL ? new BigDecimal(text) : text;
  }

  private Column column(SegmentField field) throws IOException {
    return switch (field.kind()) {
      case VECTOR -> new VectorColumn(leaf, field.name());
      case STRING, DECIMAL -> new SortedColumn(leaf, field);
      default -> new NumericColumn(leaf, field);
    };
  }

  /** One column's reader. */
  private interface Column {
    /** The value of document {@code doc}, or null. */
    Object read(int doc) throws IOException;
  }

  /** A BOOLEAN, INT, LONG, FLOAT or DOUBLE column over its sorted-numeric doc values. */
  private static final class NumericColumn implements Column {
    private final LeafReader leaf;
    private final SegmentField field;
    private SortedNumericDocValues values;

    NumericColumn(LeafReader leaf, SegmentField field) {
      this.leaf = leaf;
      this.field = field;
    }

    @Override
    public Object read(int doc) throws IOException {
      if (values == null || values.docID() > doc) {
        values = DocValues.getSortedNumeric(leaf, field.name());
      }
      if (!values.advanceExact(doc)) {
        return null;
      }
      return numericValue(field, values.nextValue());
    }
  }

  /** A STRING or DECIMAL column over its sorted doc values. */
  private static final class SortedColumn implements Column {
    private final LeafReader leaf;
    private final SegmentField field;
    private SortedDocValues values;

    SortedColumn(LeafReader leaf, SegmentField field) {
      this.leaf = leaf;
      this.field = field;
    }

    @Override
    public Object read(int doc) throws IOException {
      if (values == null || values.docID() > doc) {
        values = DocValues.getSorted(leaf, field.name());
      }
      if (!values.advanceExact(doc)) {
        return null;
      }
      return sortedValue(field, values.lookupOrd(values.ordValue()));
    }
  }

  /**
   * A VECTOR column over the raw vectors, handing out copies because the vector reader reuses one
   * buffer.
   */
  private static final class VectorColumn implements Column {
    private final LeafReader leaf;
    private final String name;
    private FloatVectorValues values;
    private KnnVectorValues.DocIndexIterator iterator;

    VectorColumn(LeafReader leaf, String name) throws IOException {
      this.leaf = leaf;
      this.name = name;
      this.values = leaf.getFloatVectorValues(name);
    }

    @Override
    public float[] read(int doc) throws IOException {
      if (values == null) {
        return null;
      }
      // With a vector in every document, the vector ordinal is the document number.
      if (values.size() == leaf.maxDoc()) {
        return values.vectorValue(doc).clone();
      }
      if (iterator == null || iterator.docID() > doc) {
        // A new iterator on the same values would share the old one's position.
        values = leaf.getFloatVectorValues(name);
        iterator = values.iterator();
      }
      if (iterator.docID() < doc) {
        iterator.advance(doc);
      }
      return iterator.docID() == doc ? values.vectorValue(iterator.index()).clone() : null;
    }
  }
}
