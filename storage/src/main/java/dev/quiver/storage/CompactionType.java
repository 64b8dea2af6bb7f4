package dev.quiver.storage;

/** What a compaction does (SPEC §6). */
public enum CompactionType {
  /** Merges small sealed segments into segments near {@code segment_max_rows}. */
  MINOR,
  /** Rewrites segments with deleted rows, leaving out those deleted beyond time travel. */
  MAJOR,
  /** Rewrites every segment into target-size ones, ordered by {@code cluster_by} when set. */
  FULL
}
