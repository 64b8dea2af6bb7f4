package dev.quiver.storage.table;

/** A row found by a vector search, with its distance (as the SQL function returns it). */
public record SearchHit(Object[] row, double distance) {}
