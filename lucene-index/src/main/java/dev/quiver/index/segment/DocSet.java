package dev.quiver.index.segment;

import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.FixedBitSet;

/**
 * A set of a segment's documents, one bit per document {@code 0..length()-1}: the documents a
 * filter accepts, the visible ones, the ones with a value in a column. Searches take one as their
 * accepted documents ({@link SegmentReader#search(int, float[], int, DocSet, int)}), so that a
 * caller builds it once per search with whole-set operations instead of answering a test per
 * document, and needs no Lucene types to do so.
 *
 * <p>The operations change this set in place and return it. Not thread-safe; a set handed to a
 * search must not change while the search runs.
 */
public final class DocSet {
  private final FixedBitSet bits;

  private DocSet(FixedBitSet bits) {
    this.bits = bits;
  }

  /** The empty set over {@code length} documents. */
  public static DocSet empty(int length) {
    return new DocSet(new FixedBitSet(length));
  }

  /** Every one of {@code length} documents. */
  public static DocSet all(int length) {
    FixedBitSet bits = new FixedBitSet(length);
    bits.set(0, length);
    return new DocSet(bits);
  }

  static DocSet of(FixedBitSet bits) {
    return new DocSet(bits);
  }

  FixedBitSet bits() {
    return bits;
  }

  /** The number of documents the set is over, members or not. */
  public int length() {
    return bits.length();
  }

  public boolean get(int doc) {
    return bits.get(doc);
  }

  public void set(int doc) {
    bits.set(doc);
  }

  public void clear(int doc) {
    bits.clear(doc);
  }

  /** The number of members. */
  public int cardinality() {
    return bits.cardinality();
  }

  /** Whether the set has no member. */
  public boolean isEmpty() {
    return bits.nextSetBit(0) == DocIdSetIterator.NO_MORE_DOCS;
  }

  /** The first member at or after {@code doc}, or -1 if there is none. */
  public int nextSetBit(int doc) {
    if (doc >= bits.length()) {
      return -1;
    }
    int next = bits.nextSetBit(doc);
    return next == DocIdSetIterator.NO_MORE_DOCS ? -1 : next;
  }

  /** Keeps only the members of {@code other}. */
  public DocSet and(DocSet other) {
    bits.and(other.bits);
    return this;
  }

  /** Adds the members of {@code other}. */
  public DocSet or(DocSet other) {
    bits.or(other.bits);
    return this;
  }

  /** Removes the members of {@code other}. */
  public DocSet andNot(DocSet other) {
    bits.andNot(other.bits);
    return this;
  }

  /** A copy that changes independently of this set. */
  public DocSet copy() {
    return new DocSet(bits.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DocSet other && bits.equals(other.bits);
  }

  @Override
  public int hashCode() {
    return bits.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int doc = nextSetBit(0); doc >= 0; doc = nextSetBit(doc + 1)) {
      sb.append(sb.length() > 1 ? ", " : "").append(doc);
    }
    return sb.append("} of ").append(length()).toString();
  }
}
