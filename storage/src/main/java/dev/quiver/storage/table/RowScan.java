package dev.quiver.storage.table;

import java.util.Iterator;

/**
 * The rows of a scan. It pins the segments it reads, so that compaction does not delete their files
 * under it: close it when done early; one read to the end, or one the garbage collector finds
 * unreachable, releases them by itself.
 */
public interface RowScan extends Iterator<Object[]>, AutoCloseable {
  @Override
  void close();
}
