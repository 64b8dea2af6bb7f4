package dev.quiver.storage.table;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The engine's hybrid logical clock and commit order: each write batch takes one timestamp,
 * strictly increasing even if the wall clock steps back, and is acknowledged (visible to new
 * snapshots) only when it and every batch before it are complete (in memory and, where asked,
 * durable).
 *
 * <p>Besides the acknowledged timestamp it keeps the <em>applied</em> one, at or below it: the
 * engine's applier thread publishes it once the rows of every batch up to it are searchable through
 * the growing rows' vector blocks. Queries choose their snapshot from it according to their
 * consistency level, waiting for it when their level asks for a newer one ({@link #awaitApplied}).
 *
 * <p>A timestamp is the wall clock in milliseconds shifted left by {@value #LOGICAL_BITS} bits plus
 * a logical counter, so timestamps order like time and can be turned back into one.
 *
 * <p>A commit holds the commit lock only while it takes its timestamp, checks its batch, appends it
 * to the log and applies it in memory; it waits for the disk without the lock, so that concurrent
 * commits share one fsync (group commit). Rows of a commit that is not yet visible are already in
 * memory, but carry its timestamp, so no snapshot sees them.
 */
public final class Timeline {
  /** Bits of the logical counter below the milliseconds. */
  public static final int LOGICAL_BITS = 18;

  /** How many acknowledged batches {@link #lastCommittedAtOrBefore} remembers exactly. */
  private static final int RECENT_BATCHES = 4096;

  private final ReentrantLock commitLock = new ReentrantLock();
  private final LongSupplier clock;
  private final Object visibility = new Object();
  // Guarded by visibility: timestamps begun and not yet visible, oldest first, and those of them
  // that are complete.
  private final ArrayDeque<Long> inFlight = new ArrayDeque<>();
  private final Set<Long> complete = new HashSet<>();
  // Guarded by visibility: the timestamps of the latest acknowledged batches, a ring, oldest at
  // recentStart; and the latest one that left the ring (or the timeline's start).
  private final long[] recent = new long[RECENT_BATCHES];
  private int recentStart;
  private int recentCount;
  private long beforeRecent;
  // Guarded by commitLock.
  private long last;
  private volatile long visible;
  // Set when a commit could not be made durable: nothing after it may ever become visible.
  private volatile RuntimeException broken;
  private final Object appliedMonitor = new Object();
  private volatile long applied;

  /** A timeline that continues after {@code lastTimestamp} (0 for a new database). */
  public Timeline(long lastTimestamp) {
    this(lastTimestamp, System::currentTimeMillis);
  }

  /**
   * A timeline whose physical time comes from {@code clockMillis} (tests move time by hand). Rows
   * up to {@code lastTimestamp} are in segments, which need no applier: it starts applied.
   */
  public Timeline(long lastTimestamp, LongSupplier clockMillis) {
    this.last = lastTimestamp;
    this.visible = lastTimestamp;
    this.applied = lastTimestamp;
    this.beforeRecent = lastTimestamp;
    this.clock = clockMillis;
  }

  /** A snapshot of everything acknowledged now. */
  public Snapshot snapshot() {
    return new Snapshot(visible);
  }

  /** The timestamp of the latest acknowledged batch: every batch up to it is complete. */
  public long lastCommitted() {
    return visible;
  }

  /**
   * The timestamp of the latest acknowledged batch at or before {@code timestamp}: what a read at
   * {@code timestamp} must wait to have applied. Waiting for the timestamp itself would wait for
   * the first batch after it, which the read does not need. When that batch is older than the
   * {@value #RECENT_BATCHES} batches remembered, the latest batch before them is returned, which
   * asks for a little more than needed.
   */
  public long lastCommittedAtOrBefore(long timestamp) {
    synchronized (visibility) {
      if (timestamp >= visible) {
        return visible;
      }
      int low = 0;
      int high = recentCount - 1;
      long found = beforeRecent;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        long ts = recent[(recentStart + mid) % RECENT_BATCHES];
        if (ts <= timestamp) {
          found = ts;
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      return found;
    }
  }

  /** Remembers a batch that became visible; under the visibility monitor. */
  private void remember(long timestamp) {
    if (recentCount == RECENT_BATCHES) {
      beforeRecent = recent[recentStart];
      recentStart = (recentStart + 1) % RECENT_BATCHES;
      recentCount--;
    }
    recent[(recentStart + recentCount) % RECENT_BATCHES] = timestamp;
    recentCount++;
  }

  /** The wall-clock milliseconds of a timestamp. */
  public static long millis(long timestamp) {
    return timestamp >>> LOGICAL_BITS;
  }

  /**
   * The latest timestamp of a wall-clock millisecond: a snapshot there sees every batch committed
   * in that millisecond or before.
   */
  public static long endOfMillis(long millis) {
    return millis <= 0 ? 0 : (millis << LOGICAL_BITS) | ((1L << LOGICAL_BITS) - 1);
  }

  /** A timestamp for messages: the number and its wall-clock instant (UTC). */
  public static String describe(long timestamp) {
    return timestamp <= 0 ? "0 (none)" : timestamp + " (" + instant(millis(timestamp)) + " UTC)";
  }

  /** A wall-clock instant in milliseconds as SQL writes a TIMESTAMP, in UTC. */
  public static String instant(long millis) {
    return INSTANT.format(Instant.ofEpochMilli(millis));
  }

  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  /** The clock's time now, in milliseconds. */
  public long nowMillis() {
    return clock.getAsLong();
  }

  /** The applied timestamp: the rows of every batch up to it are in the vector blocks. */
  public long applied() {
    return applied;
  }

  /** Publishes a newer applied timestamp (the applier's), waking the queries waiting for it. */
  public void publishApplied(long timestamp) {
    synchronized (appliedMonitor) {
      if (timestamp > applied) {
        applied = timestamp;
        appliedMonitor.notifyAll();
      }
    }
  }

  /**
   * Waits until the applied timestamp reaches {@code guarantee}, at most {@code timeoutMillis}.
   *
   * @return the applied timestamp then (at or above the guarantee), or -1 if the time ran out
   */
  public long awaitApplied(long guarantee, long timeoutMillis) throws InterruptedException {
    long now = applied;
    if (now >= guarantee) {
      return now;
    }
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    synchronized (appliedMonitor) {
      while (applied < guarantee) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return -1;
        }
        appliedMonitor.wait(Math.max(1, remaining / 1_000_000));
      }
      return applied;
    }
  }

  /**
   * Waits until a batch after {@code timestamp} is acknowledged, or {@code stop} says to stop;
   * returns the acknowledged timestamp. The applier sleeps here between batches.
   */
  public long awaitCommittedAfter(long timestamp, BooleanSupplier stop)
      throws InterruptedException {
    synchronized (visibility) {
      while (visible <= timestamp && !stop.getAsBoolean()) {
        visibility.wait();
      }
      return visible;
    }
  }

  /** Wakes every thread waiting in {@link #awaitCommittedAfter}, to see that it should stop. */
  public void wakeWaiters() {
    synchronized (visibility) {
      visibility.notifyAll();
    }
  }

  /**
   * Makes a snapshot at {@code timestamp} final: later batches take later timestamps, and every
   * batch that began at or below it has completed when this returns. A time-travel read there then
   * sees the same rows however often it is repeated.
   */
  public void settle(long timestamp) {
    commitLock.lock();
    try {
      last = Math.max(last, timestamp);
    } finally {
      commitLock.unlock();
    }
    synchronized (visibility) {
      while (!inFlight.isEmpty() && inFlight.peekFirst() <= timestamp) {
        waitOn();
      }
    }
  }

  /**
   * Starts a commit at a new timestamp, holding the commit lock. The caller must end it with {@link
   * Commit#abort} or {@link Commit#unlock} followed by {@link Commit#complete}.
   */
  public Commit begin() {
    commitLock.lock();
    if (broken != null) {
      commitLock.unlock();
      throw broken;
    }
    long physical = clock.getAsLong() << LOGICAL_BITS;
    return register(Math.max(last + 1, physical));
  }

  /**
   * Starts a commit at a given timestamp, as recovery replays the log; the timestamp must be later
   * than every earlier one.
   */
  public Commit beginAt(long timestamp) {
    commitLock.lock();
    if (timestamp <= last) {
      commitLock.unlock();
      throw new IllegalArgumentException(
          "timestamp " + timestamp + " is not after the last one, " + last);
    }
    return register(timestamp);
  }

  /**
   * Runs an action while no commit is in progress and none can start, and returns the timestamp
   * everything up to which is visible: a consistent cut for checkpoints.
   */
  public long quiesce(Runnable action) {
    commitLock.lock();
    try {
      synchronized (visibility) {
        while (!inFlight.isEmpty()) {
          waitOn();
        }
      }
      action.run();
      return visible;
    } finally {
      commitLock.unlock();
    }
  }

  /**
   * Runs an action under the commit lock: no commit checks, logs or applies meanwhile (commits
   * already applied may still be waiting for the disk).
   */
  public void underCommitLock(Runnable action) {
    commitLock.lock();
    try {
      action.run();
    } finally {
      commitLock.unlock();
    }
  }

  /** The check of a commit: under the commit lock, before anything is logged; null to skip it. */
  @FunctionalInterface
  public interface Check<R> {
    R check();
  }

  /** The in-memory effect of a commit: under the commit lock, after it is logged. */
  @FunctionalInterface
  public interface Apply<R> {
    void apply(R checked, long timestamp);
  }

  /** A change that committed: its timestamp and what its check returned. */
  public record Committed<R>(long timestamp, R checked) {}

  /**
   * Commits one change, the one way every write and catalog change commits: under the commit lock
   * it is checked (a failure or a null result changes nothing), logged and applied; then, without
   * the lock, it waits for the disk if {@code durable}, and it returns once it is visible. A
   * failure after the record was logged cannot be undone (recovery would replay the record), so it
   * breaks the timeline ({@link Commit#fail}) rather than aborting.
   *
   * @return the committed change, or null if the check skipped it
   */
  public <R> Committed<R> commit(
      CommitLog log, byte[] record, boolean durable, Check<R> check, Apply<R> apply) {
    Commit commit = begin();
    R checked;
    try {
      checked = check.check();
    } catch (RuntimeException | Error e) {
      commit.abort();
      throw e;
    }
    if (checked == null) {
      commit.abort();
      return null;
    }
    long token;
    try {
      token = log.append(commit.timestamp(), record);
      apply.apply(checked, commit.timestamp());
    } catch (RuntimeException | Error e) {
      commit.fail(unchecked(e));
      throw e;
    }
    // Other commits may log and apply while this one waits for the disk: one force then covers
    // them all (group commit).
    commit.unlock();
    log.committed(record == null ? 0 : record.length);
    if (durable) {
      try {
        log.awaitDurable(token);
      } catch (RuntimeException | Error e) {
        commit.fail(unchecked(e));
        throw e;
      }
    }
    commit.complete();
    return new Committed<>(commit.timestamp(), checked);
  }

  private static RuntimeException unchecked(Throwable e) {
    return e instanceof RuntimeException r
        ? r
        : new IllegalStateException("a commit failed after it was logged: " + e, e);
  }

  private Commit register(long timestamp) {
    last = timestamp;
    synchronized (visibility) {
      inFlight.addLast(timestamp);
    }
    return new Commit(timestamp);
  }

  private void waitOn() {
    if (broken != null) {
      throw broken;
    }
    try {
      visibility.wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for earlier commits", e);
    }
  }

  /** One batch on its way to visibility. */
  public final class Commit {
    private final long timestamp;
    private boolean locked = true;

    private Commit(long timestamp) {
      this.timestamp = timestamp;
    }

    public long timestamp() {
      return timestamp;
    }

    /** Releases the commit lock once the batch is logged and applied in memory. */
    public void unlock() {
      if (locked) {
        locked = false;
        commitLock.unlock();
      }
    }

    /** Abandons a commit that logged and applied nothing; it never becomes visible. */
    public void abort() {
      synchronized (visibility) {
        inFlight.remove(timestamp);
        advance();
      }
      unlock();
    }

    /**
     * Marks the batch complete and waits until it is visible, that is until every earlier batch is
     * complete too, so the writer reads its own write next.
     */
    public void complete() {
      unlock();
      synchronized (visibility) {
        complete.add(timestamp);
        advance();
        while (visible < timestamp) {
          waitOn();
        }
      }
    }

    /**
     * Records that the batch could not be made durable. Its rows are in memory but must never be
     * seen, so visibility stops here for good: every waiting and later commit fails with {@code
     * failure}, and the database must be reopened (recovery then reads only what is on disk).
     */
    public void fail(RuntimeException failure) {
      unlock();
      synchronized (visibility) {
        if (broken == null) {
          broken = failure;
        }
        visibility.notifyAll();
      }
    }

    private void advance() {
      while (!inFlight.isEmpty() && complete.remove(inFlight.peekFirst())) {
        visible = inFlight.pollFirst();
        remember(visible);
      }
      visibility.notifyAll();
    }
  }
}
