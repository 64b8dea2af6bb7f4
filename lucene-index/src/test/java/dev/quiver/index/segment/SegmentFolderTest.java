package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFolderTest {
  private static final SegmentSchema SCHEMA = TestRows.vectorSchema(4, VectorMetric.L2);

  @TempDir Path tmp;

  private static Iterator<SegmentRow> rows() {
    return TestRows.vectorRows(new Random(5), 50, 4, 0).iterator();
  }

  @Test
  void aFinishedSegmentFolderHoldsOnlyTheCommitFilesAndNoTemporaryFolder() throws IOException {
    Path dir = tmp.resolve("seg");
    SegmentInfo info = SegmentWriter.write(dir, SCHEMA, rows(), WriteOptions.defaults());
    assertFalse(Files.exists(SegmentWriter.temporaryFolder(dir)));
    long size = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        assertFalse(file.getFileName().toString().equals(IndexWriter.WRITE_LOCK_NAME));
        size += Files.size(file);
      }
    }
    assertEquals(size, info.sizeBytes());
  }

  @Test
  void aLeftoverTemporaryFolderIsNotASegment() throws IOException {
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, SCHEMA, rows(), WriteOptions.defaults());
    // What a crash just before the rename leaves: a complete folder under the temporary name.
    Path leftover = tmp.resolve("crashed");
    Files.move(dir, SegmentWriter.temporaryFolder(leftover));
    assertThrows(NoSuchFileException.class, () -> SegmentReader.open(leftover, SCHEMA));
    assertFalse(Files.exists(leftover), "opening must not create the folder");
    // Nor is it overwritten: the caller deletes it first.
    FileAlreadyExistsException e =
        assertThrows(
            FileAlreadyExistsException.class,
            () -> SegmentWriter.write(leftover, SCHEMA, rows(), WriteOptions.defaults()));
    assertEquals(SegmentWriter.temporaryFolder(leftover).toString(), e.getFile());
    assertTrue(Files.exists(SegmentWriter.temporaryFolder(leftover).resolve("segments_1")));
  }

  @Test
  void writingIntoAnExistingFolderFails() throws IOException {
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, SCHEMA, rows(), WriteOptions.defaults());
    FileAlreadyExistsException e =
        assertThrows(
            FileAlreadyExistsException.class,
            () -> SegmentWriter.write(dir, SCHEMA, rows(), WriteOptions.defaults()));
    assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());

    Path empty = tmp.resolve("empty");
    Files.createDirectory(empty);
    assertThrows(
        FileAlreadyExistsException.class,
        () -> SegmentWriter.write(empty, SCHEMA, rows(), WriteOptions.defaults()));
    try (SegmentReader reader = SegmentReader.open(dir, SCHEMA)) {
      assertEquals(50, reader.rowCount());
    }
  }

  @Test
  void aFolderThatIsNotASegmentFailsToOpen() throws IOException {
    Path empty = tmp.resolve("empty");
    Files.createDirectory(empty);
    assertThrows(IOException.class, () -> SegmentReader.open(empty, SCHEMA));
  }

  @Test
  void aPlainLuceneIndexIsNotASegment() throws IOException {
    Path dir = tmp.resolve("lucene");
    try (FSDirectory directory = FSDirectory.open(dir);
        IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
      writer.addDocument(new Document());
      writer.commit();
    }
    CorruptSegmentException e =
        assertThrows(CorruptSegmentException.class, () -> SegmentReader.open(dir, SCHEMA));
    assertEquals("segments_1", e.file());
    assertTrue(e.getMessage().contains("commit data has no quiver.format"), e.getMessage());
  }

  @Test
  void aFailingRowIteratorLeavesNoFolders() {
    Path dir = tmp.resolve("seg");
    Iterator<SegmentRow> failing =
        Stream.iterate(0, i -> i + 1)
            .map(
                i -> {
                  if (i == 30) {
                    throw new IllegalStateException("source failed");
                  }
                  return new SegmentRow(i, i, new Object[] {(long) i, new float[] {1, 2, 3, 4}});
                })
            .iterator();
    assertThrows(
        IllegalStateException.class,
        () -> SegmentWriter.write(dir, SCHEMA, failing, WriteOptions.defaults()));
    assertFalse(Files.exists(dir));
    assertFalse(Files.exists(SegmentWriter.temporaryFolder(dir)));
  }
}
