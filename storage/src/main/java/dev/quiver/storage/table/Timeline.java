package dev.quiver.storage.table;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's hybrid logical clock and commit order: each write batch takes one timestamp,
 * strictly increasing even if the wall clock steps back, and becomes visible to new snapshots only
 * when it and every batch before it are complete (applied and, where asked, durable).
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

  private final ReentrantLock commitLock = new ReentrantLock();
  private final Object visibility = new Object();
  // Guarded by visibility: timestamps begun and not yet visible, oldest first, and those of them
  // that are complete.
  private final ArrayDeque<Long> inFlight = new ArrayDeque<>();
  private final Set<Long> complete = new HashSet<>();
  // Guarded by commitLock.
  private long last;
  private volatile long visible;
  // Set when a commit could not be made durable: nothing after it may ever become visible.
  private volatile RuntimeException broken;

  /** A timeline that continues after {@code lastTimestamp} (0 for a new database). */
  public Timeline(long lastTimestamp) {
    this.last = lastTimestamp;
    this.visible = lastTimestamp;
  }

  /** A snapshot of everything visible now. */
  public Snapshot snapshot() {
    return new Snapshot(visible);
  }

  /** The timestamp of the latest visible batch. */
  public long lastCommitted() {
    return visible;
  }

  /** The wall-clock milliseconds of a timestamp. */
  public static long millis(long timestamp) {
    return timestamp >>> LOGICAL_BITS;
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
    long physical = System.currentTimeMillis() << LOGICAL_BITS;
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
      }
      visibility.notifyAll();
    }
  }
}
