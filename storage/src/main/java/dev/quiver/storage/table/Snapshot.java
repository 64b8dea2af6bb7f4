package dev.quiver.storage.table;

/**
 * A read view: everything committed at or before {@code timestamp} is visible, nothing after it.
 * One query reads every table at one snapshot.
 */
public record Snapshot(long timestamp) {}
