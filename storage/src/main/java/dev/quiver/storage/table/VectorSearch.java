package dev.quiver.storage.table;

import dev.quiver.storage.catalog.Metric;

/**
 * A top-k request: the k rows whose {@code column} is nearest to {@code query} by {@code metric},
 * among the rows that pass {@code filter}.
 */
public record VectorSearch(int column, float[] query, Metric metric, int k, Predicate filter) {}
