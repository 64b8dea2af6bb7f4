package dev.quiver.storage.catalog.store;

import java.util.Objects;

/**
 * A compaction job as the catalog keeps it and {@code sys.compactions} shows it.
 *
 * @param id the job's id, ascending in the order jobs were asked for
 * @param table the table it compacts
 * @param type MINOR, MAJOR or FULL
 * @param state PENDING, RUNNING, COMPLETED, FAILED or CANCELLED
 * @param plansDone plans (one swap of segments each) finished so far
 * @param plansTotal plans the job found to do, 0 until it starts
 * @param segmentsIn segments replaced so far
 * @param segmentsOut segments that replaced them
 * @param rowsIn rows read, deleted ones included
 * @param rowsOut rows written
 * @param bytesReclaimed bytes of the replaced segments minus bytes of their replacements
 * @param startedAtMillis when it started running, 0 before
 * @param finishedAtMillis when it ended, 0 before
 * @param error why it failed or was cancelled, else null
 * @param reason who asked for it: "manual", or the automatic trigger that fired
 */
public record CompactionMeta(
    long id,
    String table,
    String type,
    String state,
    int plansDone,
    int plansTotal,
    int segmentsIn,
    int segmentsOut,
    long rowsIn,
    long rowsOut,
    long bytesReclaimed,
    long startedAtMillis,
    long finishedAtMillis,
    String error,
    String reason) {

  public CompactionMeta {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(state, "state");
  }

  /** Whether the job has ended, one way or another. */
  public boolean finished() {
    return state.equals("COMPLETED") || state.equals("FAILED") || state.equals("CANCELLED");
  }
}
