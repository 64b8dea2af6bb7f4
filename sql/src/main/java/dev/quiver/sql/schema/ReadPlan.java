package dev.quiver.sql.schema;

import dev.quiver.storage.ConsistencyLevel;
import java.util.List;

/**
 * What decides the snapshot a planned statement reads: the CONSISTENCY hint of its query, whether
 * it writes (UPDATE, DELETE, INSERT ... SELECT and UPSERT read at STRONG, so that a
 * read-modify-write sees the rows it changes), and the tables it reads, whose {@code
 * consistency_level} options apply when neither the hint nor the connection sets a level.
 *
 * @param hinted the level of a {@code /*+ CONSISTENCY(level) *&#47;} hint, or null
 * @param write whether the statement writes what it reads
 * @param tables the Quiver tables the statement reads
 */
public record ReadPlan(ConsistencyLevel hinted, boolean write, List<String> tables) {
  /** A read of one table without a hint, as a scan outside a planned statement makes. */
  public static ReadPlan of(String table) {
    return new ReadPlan(null, false, List.of(table));
  }
}
