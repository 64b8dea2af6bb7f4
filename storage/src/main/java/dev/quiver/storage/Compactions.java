package dev.quiver.storage;

import dev.quiver.storage.catalog.store.CatalogStore;
import dev.quiver.storage.catalog.store.CompactionMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The compaction jobs of a database: asked for, running and finished, as {@code sys.compactions}
 * shows them. A file database keeps them in its catalog, so the history survives a restart; a job
 * that a crash or a close interrupted is marked FAILED or CANCELLED when the database opens again.
 */
final class Compactions {
  private final CatalogStore catalog;
  // Guarded by this; notified on every change, for waiters.
  private final Map<Long, CompactionMeta> jobs = new TreeMap<>();
  private long nextId = 1;

  /** The jobs the catalog remembers; {@code catalog} is null in memory. */
  Compactions(CatalogStore catalog) {
    this.catalog = catalog;
    if (catalog == null) {
      return;
    }
    for (CompactionMeta job : catalog.compactions()) {
      CompactionMeta kept = job;
      if (!job.finished()) {
        kept =
            finish(
                job,
                "FAILED",
                "the database stopped before the job finished; run COMPACT TABLE again");
        catalog.putCompaction(kept);
      }
      jobs.put(kept.id(), kept);
      nextId = Math.max(nextId, kept.id() + 1);
    }
  }

  /** Records a new job, PENDING. */
  synchronized CompactionMeta create(String table, CompactionType type, String reason) {
    CompactionMeta job =
        new CompactionMeta(
            nextId++, table, type.name(), "PENDING", 0, 0, 0, 0, 0, 0, 0, 0, 0, null, reason);
    put(job);
    return job;
  }

  /** Changes a job and records the change. */
  synchronized CompactionMeta update(long id, UnaryOperator<CompactionMeta> change) {
    CompactionMeta job = change.apply(jobs.get(id));
    put(job);
    return job;
  }

  /** A job's state, already made durable by the caller's catalog transaction. */
  synchronized void published(CompactionMeta job) {
    jobs.put(job.id(), job);
    notifyAll();
  }

  synchronized CompactionMeta get(long id) {
    return jobs.get(id);
  }

  synchronized List<CompactionMeta> list() {
    return new ArrayList<>(jobs.values());
  }

  /** The table's job that has not finished yet, if any. */
  synchronized Optional<CompactionMeta> active(String table) {
    return jobs.values().stream()
        .filter(job -> job.table().equals(table) && !job.finished())
        .findFirst();
  }

  /** When the table's last job of a type completed, or 0. */
  synchronized long lastCompleted(String table, CompactionType type) {
    long last = 0;
    for (CompactionMeta job : jobs.values()) {
      if (job.table().equals(table)
          && job.type().equals(type.name())
          && job.state().equals("COMPLETED")) {
        last = Math.max(last, job.finishedAtMillis());
      }
    }
    return last;
  }

  /**
   * Waits until the job finishes, at most {@code timeoutMillis}; returns it as it then is.
   *
   * @throws QuiverException INTERNAL_ERROR if interrupted
   */
  synchronized CompactionMeta await(long id, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      CompactionMeta job = jobs.get(id);
      long left = deadline - System.currentTimeMillis();
      if (job == null || job.finished() || left <= 0) {
        return job;
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new QuiverException(
            ErrorCode.INTERNAL_ERROR, "interrupted while waiting for compaction " + id, e);
      }
    }
  }

  private void put(CompactionMeta job) {
    if (catalog != null) {
      catalog.putCompaction(job);
    }
    jobs.put(job.id(), job);
    if (jobs.size() > CatalogStore.COMPACTIONS_KEPT) {
      jobs.values().stream()
          .filter(CompactionMeta::finished)
          .findFirst()
          .ifPresent(old -> jobs.remove(old.id()));
    }
    notifyAll();
  }

  /** A job ended: COMPLETED, FAILED or CANCELLED, with an error for the last two. */
  static CompactionMeta finish(CompactionMeta job, String state, String error) {
    return new CompactionMeta(
        job.id(),
        job.table(),
        job.type(),
        state,
        job.plansDone(),
        job.plansTotal(),
        job.segmentsIn(),
        job.segmentsOut(),
        job.rowsIn(),
        job.rowsOut(),
        job.bytesReclaimed(),
        job.startedAtMillis() == 0 ? System.currentTimeMillis() : job.startedAtMillis(),
        System.currentTimeMillis(),
        error,
        job.reason());
  }

  /** A job starting with its plans counted. */
  static CompactionMeta running(CompactionMeta job, int plans) {
    return new CompactionMeta(
        job.id(),
        job.table(),
        job.type(),
        "RUNNING",
        0,
        plans,
        0,
        0,
        0,
        0,
        0,
        System.currentTimeMillis(),
        0,
        null,
        job.reason());
  }

  /** A running job with one more plan done, and what the plan replaced. */
  static CompactionMeta planDone(
      CompactionMeta job, int segmentsIn, int segmentsOut, long rowsIn, long rowsOut, long bytes) {
    return new CompactionMeta(
        job.id(),
        job.table(),
        job.type(),
        job.state(),
        job.plansDone() + 1,
        job.plansTotal(),
        job.segmentsIn() + segmentsIn,
        job.segmentsOut() + segmentsOut,
        job.rowsIn() + rowsIn,
        job.rowsOut() + rowsOut,
        job.bytesReclaimed() + bytes,
        job.startedAtMillis(),
        0,
        null,
        job.reason());
  }
}
