package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentIntegrityTest {
  @TempDir Path tmp;

  @Test
  void anIntactSegmentPassesItsIntegrityCheck() throws IOException {
    SegmentSchema schema = TestRows.vectorSchema(8, VectorMetric.COSINE);
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(
        dir,
        schema,
        TestRows.vectorRows(new Random(3), 1000, 8, 9).iterator(),
        WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      reader.checkIntegrity();
    }
  }

  @Test
  void aFlippedByteInAnyFileFailsOpenOrCheckNamingTheFile() throws IOException {
    long seed = TestRows.seed("flippedByte");
    Random random = new Random(seed);
    SegmentSchema schema =
        SegmentSchema.of(
            0,
            SegmentField.scalar("id", SegmentField.Kind.LONG),
            SegmentField.vector("v", 8, VectorMetric.L2),
            SegmentField.scalar("name", SegmentField.Kind.STRING),
            SegmentField.scalar("score", SegmentField.Kind.DOUBLE));
    List<SegmentRow> rows = new ArrayList<>();
    // Enough vectors for Lucene to build a graph, so the .vex file holds one.
    for (int i = 0; i < 1000; i++) {
      rows.add(
          new SegmentRow(
              i, i, new Object[] {(long) i, TestRows.gaussian(random, 8), "n" + i, i / 3.0}));
    }
    Path original = tmp.resolve("seg");
    SegmentWriter.write(original, schema, rows.iterator(), WriteOptions.defaults());

    List<Path> files;
    try (Stream<Path> list = Files.list(original)) {
      files = list.sorted().toList();
    }
    assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".vex")), files.toString());
    int copies = 0;
    for (Path file : files) {
      long size = Files.size(file);
      // The first byte (header magic), one inside, and the last (the stored checksum).
      for (long position :
          new long[] {0, 1 + (long) (random.nextDouble() * (size - 2)), size - 1}) {
        Path copy = tmp.resolve("copy" + copies++);
        copyFolder(original, copy);
        String name = file.getFileName().toString();
        flipByte(copy.resolve(name), position);
        CorruptSegmentException e =
            assertThrows(
                CorruptSegmentException.class,
                () -> {
                  try (SegmentReader reader = SegmentReader.open(copy, schema)) {
                    reader.checkIntegrity();
                  }
                },
                "seed=" + seed + " file=" + name + " position=" + position);
        assertEquals(name, e.file(), "seed=" + seed + " position=" + position);
        assertEquals(copy, e.directory());
        assertTrue(e.getMessage().contains("file " + name), e.getMessage());
      }
    }
  }

  @Test
  void aMissingFileFailsNamingTheFile() throws IOException {
    SegmentSchema schema = TestRows.vectorSchema(8, VectorMetric.L2);
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(
        dir,
        schema,
        TestRows.vectorRows(new Random(4), 100, 8, 0).iterator(),
        WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      Path vec;
      try (Stream<Path> list = Files.list(dir)) {
        vec = list.filter(f -> f.toString().endsWith(".vec")).findFirst().orElseThrow();
      }
      Files.delete(vec);
      CorruptSegmentException e =
          assertThrows(CorruptSegmentException.class, reader::checkIntegrity);
      assertEquals(vec.getFileName().toString(), e.file());
    }
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    Files.createDirectory(to);
    try (Stream<Path> list = Files.list(from)) {
      for (Path file : list.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b, position);
      b.put(0, (byte) ~b.get(0));
      b.rewind();
      channel.write(b, position);
    }
  }
}
