package dev.quiver.storage.table;

import java.util.Arrays;

/**
 * An append-only list of stored rows that readers traverse without locks while one writer appends.
 *
 * <p>Rows live in fixed-size chunks that are never moved; the chunk directory is replaced (copied)
 * when it grows, and the size is published last, so a reader that reads {@link #size} first sees
 * every row below it.
 */
final class RowLog {
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK_SIZE = 1 << CHUNK_BITS;

  private volatile StoredRow[][] chunks = new StoredRow[0][];
  private volatile int size;

  /** Appends a row; callers serialize appends. */
  void append(StoredRow row) {
    int index = size;
    int chunk = index >>> CHUNK_BITS;
    StoredRow[][] current = chunks;
    if (chunk == current.length) {
      current = Arrays.copyOf(current, chunk + 1);
      current[chunk] = new StoredRow[CHUNK_SIZE];
      chunks = current;
    }
    current[chunk][index & (CHUNK_SIZE - 1)] = row;
    size = index + 1;
  }

  int size() {
    return size;
  }

  StoredRow get(int index) {
    return chunks[index >>> CHUNK_BITS][index & (CHUNK_SIZE - 1)];
  }
}
