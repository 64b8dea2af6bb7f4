package dev.quiver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.WriteBatch;
import dev.quiver.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Helpers for tests of sealed segments: reading rows, comparing them, and the segment folders. */
final class SegmentTestSupport {
  private static final Pattern SEGMENT_FOLDER = Pattern.compile("seg-\\d+");

  private SegmentTestSupport() {}

  /** The rows of a table visible now, in scan order. */
  static List<Object[]> rows(Engine engine, String table) {
    return rows(engine, table, engine.snapshot());
  }

  /** The rows of a table visible at a snapshot, in scan order. */
  static List<Object[]> rows(Engine engine, String table, Snapshot snapshot) {
    List<Object[]> rows = new ArrayList<>();
    engine.table(table).scan(snapshot, Predicate.ALWAYS).forEachRemaining(rows::add);
    return rows;
  }

  static long count(Engine engine, String table) {
    return engine.table(table).rowCount(engine.snapshot());
  }

  /** Rows sorted by one column (a key), for comparisons that do not depend on scan order. */
  static List<Object[]> sortedBy(List<Object[]> rows, int column) {
    List<Object[]> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparing(r -> (Comparable<Object>) r[column]));
    return sorted;
  }

  /** Rows sorted by their text, for comparing tables without a key as multisets. */
  static List<Object[]> sortedByText(List<Object[]> rows) {
    List<Object[]> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparing(Arrays::deepToString));
    return sorted;
  }

  /**
   * Asserts two row lists are equal row by row with {@link Arrays#deepEquals}: values of the same
   * class and equal (a BigDecimal keeps its scale, -0.0 differs from 0.0, vectors by content).
   */
  static void assertRowsEqual(List<Object[]> expected, List<Object[]> actual, String context) {
    assertEquals(
        expected.size(),
        actual.size(),
        () -> context + ": row count; expected " + text(expected) + " but was " + text(actual));
    for (int i = 0; i < expected.size(); i++) {
      Object[] e = expected.get(i);
      Object[] a = actual.get(i);
      if (!Arrays.deepEquals(e, a)) {
        fail(
            context
                + ": row "
                + i
                + " differs: expected "
                + describe(e)
                + " but was "
                + describe(a));
      }
    }
  }

  /** A row's values with their classes, so that 1 (Integer) and 1 (Long) are told apart. */
  static String describe(Object[] row) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < row.length; i++) {
      Object v = row[i];
      if (i > 0) {
        sb.append(", ");
      }
      if (v == null) {
        sb.append("null");
      } else if (v instanceof float[] f) {
        sb.append(Arrays.toString(f));
      } else {
        sb.append(v).append(':').append(v.getClass().getSimpleName());
      }
    }
    return sb.append(']').toString();
  }

  static String text(List<Object[]> rows) {
    return Arrays.deepToString(rows.toArray());
  }

  static WriteBatch inserts(List<Object[]> rows) {
    WriteBatch batch = new WriteBatch();
    rows.forEach(batch::insert);
    return batch;
  }

  /** The names of the segment folders ({@code seg-<id>}) under {@code dir/segments}, sorted. */
  static List<String> segmentFolders(Path dir) {
    Path root = dir.resolve("segments");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(root)) {
      return children
          .map(p -> p.getFileName().toString())
          .filter(n -> SEGMENT_FOLDER.matcher(n).matches())
          .sorted(Comparator.comparingLong(n -> Long.parseLong(n.substring(4))))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every entry under {@code dir/segments}, folders or not, sorted. */
  static List<String> segmentsEntries(Path dir) {
    Path root = dir.resolve("segments");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(root)) {
      return children.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The segment ids the engine reports for a table, oldest first. */
  static List<Long> segmentIds(Engine engine, String table) {
    return engine.segmentStatus().stream()
        .filter(s -> s.table().equals(table) && s.segmentId() != null)
        .map(SegmentStatus::segmentId)
        .toList();
  }

  /** The engine's GROWING entry of a table. */
  static SegmentStatus growing(Engine engine, String table) {
    return engine.segmentStatus().stream()
        .filter(s -> s.table().equals(table) && s.state().equals("GROWING"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no GROWING entry for " + table));
  }

  /** Asserts the write-ahead log holds no record at or below the last checkpoint. */
  static void assertLogTruncated(Engine engine) {
    long cut = engine.checkpointTimestamp();
    for (WriteAheadLog.FileInfo file : engine.logFiles()) {
      if (file.firstTimestamp() != -1 && file.firstTimestamp() <= cut) {
        fail("log file " + file + " still holds records at or below the checkpoint " + cut);
      }
    }
  }

  /** Waits (up to the deadline) for a condition; fails with the message if it never holds. */
  static void awaitTrue(long timeoutMillis, BooleanSupplier condition, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + timeoutMillis + " ms: " + what.get());
      }
      Thread.sleep(50);
    }
  }

  /** The largest regular file directly in a folder. */
  static Path largestFile(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(Files::isRegularFile)
          .max(Comparator.comparingLong(SegmentTestSupport::size))
          .orElseThrow(() -> new AssertionError("no file in " + folder));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Inverts every bit of the byte at a position of a file. */
  static void flipByte(Path file, long position) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) position] ^= (byte) 0xFF;
    Files.write(file, bytes);
  }

  /** Copies a folder tree. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
