package dev.quiver.storage;

import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.Timeline;
import java.util.Collection;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's applier: a thread that makes acknowledged rows searchable in memory, off the commit
 * path. After each acknowledged batch it copies the vectors of the rows written since its last
 * round into every table's vector blocks, then publishes the acknowledged timestamp it started from
 * as the applied timestamp. Queries read at or below the applied timestamp, waiting for it as their
 * consistency level asks, so bulk writers never wait for search structures.
 *
 * <p>{@link #pause}, {@link #applyNow} and {@link #resume} are a test hook: with the applier
 * paused, acknowledged rows stay unapplied, which makes the behaviour of each consistency level
 * observable without relying on timing.
 */
public final class Applier {
  private static final Logger LOG = Logger.getLogger(Applier.class.getName());

  private final Timeline timeline;
  private final Collection<Table> tables;
  private final Thread thread;
  private final Object monitor = new Object();
  // Written under monitor; read without it where a stale value only costs one more loop.
  private volatile boolean paused;
  // Guarded by monitor.
  private boolean applying;
  private volatile boolean stopping;

  Applier(Timeline timeline, Collection<Table> tables, String name) {
    this.timeline = timeline;
    this.tables = tables;
    this.thread = new Thread(this::run, "quiver-applier " + name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long done = timeline.applied();
    try {
      while (!stopping) {
        synchronized (monitor) {
          while (paused && !stopping) {
            monitor.wait();
          }
        }
        long target = timeline.awaitCommittedAfter(done, () -> stopping || paused);
        if (target <= done) {
          continue;
        }
        synchronized (monitor) {
          if (paused || stopping) {
            continue;
          }
          applying = true;
        }
        try {
          applyUpTo(target);
          done = target;
        } finally {
          synchronized (monitor) {
            applying = false;
            monitor.notifyAll();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Every row of a batch at or below {@code target} was appended before the batch was acknowledged,
   * so copying what the tables hold now covers them all.
   */
  private void applyUpTo(long target) {
    try {
      for (Table table : tables) {
        table.applyPending();
      }
    } catch (RuntimeException e) {
      // Rows not copied are still found (one by one) by searches; queries must not hang on a bug.
      LOG.log(Level.SEVERE, "applying rows up to timestamp " + target + " failed", e);
    }
    timeline.publishApplied(target);
  }

  /**
   * Test hook: stops applying; returns once no round is running. Acknowledged writes then stay
   * unapplied until {@link #applyNow} or {@link #resume}.
   */
  public void pause() {
    synchronized (monitor) {
      paused = true;
      while (applying) {
        try {
          monitor.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while pausing the applier", e);
        }
      }
    }
    timeline.wakeWaiters();
  }

  /** Test hook: while paused, applies everything acknowledged now, in the caller's thread. */
  public void applyNow() {
    synchronized (monitor) {
      if (!paused) {
        throw new IllegalStateException("applyNow is for a paused applier");
      }
      applyUpTo(timeline.lastCommitted());
    }
  }

  /** Test hook: applies again, starting with everything acknowledged meanwhile. */
  public void resume() {
    synchronized (monitor) {
      paused = false;
      monitor.notifyAll();
    }
    timeline.wakeWaiters();
  }

  /** Stops the thread; rows written later are never applied (the engine is closing). */
  void stop() {
    stopping = true;
    synchronized (monitor) {
      monitor.notifyAll();
    }
    timeline.wakeWaiters();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
