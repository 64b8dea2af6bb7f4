package dev.quiver.storage.table;

import dev.quiver.storage.catalog.Metric;

/**
 * A top-k request: the k rows whose {@code column} is nearest to {@code query} by {@code metric},
 * among the rows that pass {@code filter}.
 *
 * @param efSearch the HNSW candidate list size in segments whose graph fits the column and metric;
 *     0 for none
 * @param nprobe the IVF_FLAT lists to search in segments whose lists fit the column and metric
 *     (when efSearch is 0); 0 for none. With neither, every segment is searched exactly.
 * @param columns the columns the caller reads from the hits, ascending; the others may be null in
 *     the rows of hits from sealed segments, which then need not read them (a vector column the
 *     query does not select is most of a hit's bytes). Null for every column.
 */
public record VectorSearch(
    int column,
    float[] query,
    Metric metric,
    int k,
    Predicate filter,
    int efSearch,
    int nprobe,
    int[] columns) {

  /** A search whose hits have every column. */
  public VectorSearch(
      int column, float[] query, Metric metric, int k, Predicate filter, int efSearch, int nprobe) {
    this(column, query, metric, k, filter, efSearch, nprobe, null);
  }

  /** An exact search. */
  public VectorSearch(int column, float[] query, Metric metric, int k, Predicate filter) {
    this(column, query, metric, k, filter, 0, 0, null);
  }
}
