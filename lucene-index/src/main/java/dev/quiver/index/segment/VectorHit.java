package dev.quiver.index.segment;

/**
 * A nearest-neighbour result within one segment.
 *
 * @param doc the row's document number in the segment
 * @param distance the exact distance to the query in the field's {@link VectorMetric}; smaller is
 *     closer
 */
public record VectorHit(int doc, double distance) {}
