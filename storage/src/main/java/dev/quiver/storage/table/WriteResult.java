package dev.quiver.storage.table;

/**
 * The outcome of a committed batch: its timestamp, the rows it inserted or replaced ({@code
 * written}, updates included) and the rows it deleted or updated ({@code deleted}).
 */
public record WriteResult(long timestamp, long written, long deleted) {}
