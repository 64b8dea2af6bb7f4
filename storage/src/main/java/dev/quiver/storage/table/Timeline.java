package dev.quiver.storage.table;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's hybrid logical clock and commit order: each write batch takes one timestamp,
 * strictly increasing even if the wall clock steps back, and becomes visible to new snapshots only
 * when it is wholly applied.
 *
 * <p>A timestamp is the wall clock in milliseconds shifted left by {@value #LOGICAL_BITS} bits plus
 * a logical counter, so timestamps order like time and can be turned back into one.
 */
public final class Timeline {
  /** Bits of the logical counter below the milliseconds. */
  public static final int LOGICAL_BITS = 18;

  private final ReentrantLock commitLock = new ReentrantLock();
  private long last;
  private volatile long visible;

  /** A timeline that continues after {@code lastTimestamp} (0 for a new database). */
  public Timeline(long lastTimestamp) {
    this.last = lastTimestamp;
    this.visible = lastTimestamp;
  }

  /** A snapshot of everything committed so far. */
  public Snapshot snapshot() {
    return new Snapshot(visible);
  }

  /** The timestamp of the latest committed batch. */
  public long lastCommitted() {
    return visible;
  }

  /** The wall-clock milliseconds of a timestamp. */
  public static long millis(long timestamp) {
    return timestamp >>> LOGICAL_BITS;
  }

  /**
   * Starts a commit: takes the commit lock and returns the batch's timestamp. Every call must be
   * followed by {@link #publish} or {@link #abort} in the same thread.
   */
  long begin() {
    commitLock.lock();
    long physical = System.currentTimeMillis() << LOGICAL_BITS;
    last = Math.max(last + 1, physical);
    return last;
  }

  /** Makes the batch begun with {@code timestamp} visible and releases the commit lock. */
  void publish(long timestamp) {
    visible = timestamp;
    commitLock.unlock();
  }

  /** Abandons a begun commit that applied nothing. */
  void abort() {
    commitLock.unlock();
  }
}
