package dev.quiver.storage.table;

import dev.quiver.storage.catalog.Metric;

/**
 * A top-k request: the k rows whose {@code column} is nearest to {@code query} by {@code metric},
 * among the rows that pass {@code filter}.
 *
 * @param efSearch the HNSW candidate list size in segments whose graph fits the column and metric;
 *     0 searches every segment exactly
 */
public record VectorSearch(
    int column, float[] query, Metric metric, int k, Predicate filter, int efSearch) {

  /** An exact search. */
  public VectorSearch(int column, float[] query, Metric metric, int k, Predicate filter) {
    this(column, query, metric, k, filter, 0);
  }
}
