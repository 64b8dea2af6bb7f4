package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.index.segment.SegmentField.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Bloom filter file of a keyed segment: written, consulted by key lookups, checksummed. */
class SegmentKeyBloomFilterTest {
  private static final String BLOOM = KeyFilter.FILE_NAME;

  /** The codec name of the filter file's header, as KeyFilter's javadoc documents it. */
  private static final String CODEC = "QuiverKeyFilter";

  /** Where the header's version int starts: after the magic and the codec name. */
  private static final long VERSION_OFFSET = CodecUtil.headerLength(CODEC) - Integer.BYTES;

  @TempDir Path tmp;

  /** A payload column first, so that the key is not at position 0. */
  private static SegmentSchema keyed(Kind kind) {
    return SegmentSchema.of(
        1, SegmentField.scalar("payload", Kind.INT), SegmentField.scalar("k", kind));
  }

  private static Object randomKey(Random random, Kind kind) {
    return switch (kind) {
      case INT -> random.nextInt();
      case LONG -> random.nextLong();
      case STRING -> "k" + Long.toString(random.nextLong(), 36);
      default -> throw new IllegalArgumentException(kind.toString());
    };
  }

  private static List<Object> edgeKeys(Kind kind) {
    return switch (kind) {
      case INT -> List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1);
      case LONG -> List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L);
      case STRING -> List.of("", "ü€𝄞", "with space", "x".repeat(300));
      default -> throw new IllegalArgumentException(kind.toString());
    };
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"INT", "LONG", "STRING"})
  void everyWrittenKeyIsFoundAndAbsentKeysAreNot(Kind kind) throws IOException {
    long seed = TestRows.seed("bloom lookups " + kind);
    Random random = new Random(seed);
    SegmentSchema schema = keyed(kind);
    // Key -> its documents, ascending; some keys are written twice (an upsert's old and new row).
    Map<Object, List<Integer>> docsByKey = new LinkedHashMap<>();
    List<Object> order = new ArrayList<>(edgeKeys(kind));
    Set<Object> distinct = new HashSet<>(order);
    while (order.size() < 4000) {
      Object key = randomKey(random, kind);
      if (distinct.add(key)) {
        order.add(key);
      }
    }
    for (int i = 0; i < 200; i++) {
      order.add(order.get(random.nextInt(order.size())));
    }
    List<SegmentRow> rows = new ArrayList<>();
    for (int doc = 0; doc < order.size(); doc++) {
      Object key = order.get(doc);
      rows.add(new SegmentRow(doc, 1, new Object[] {doc, key}));
      docsByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(doc);
    }
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    assertTrue(Files.exists(dir.resolve(BLOOM)));

    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      for (Map.Entry<Object, List<Integer>> e : docsByKey.entrySet()) {
        String where = "seed=" + seed + " key=" + e.getKey();
        int[] expected = e.getValue().stream().mapToInt(Integer::intValue).toArray();
        assertEquals(expected[0], reader.findKey(e.getKey()), where);
        assertArrayEquals(expected, reader.findKeyDocs(e.getKey()), where);
      }
      // Most absent keys stop at the filter, about 1% pass it and are refuted by Lucene.
      int absent = 0;
      while (absent < 20_000) {
        Object key = randomKey(random, kind);
        if (!docsByKey.containsKey(key)) {
          absent++;
          assertEquals(-1, reader.findKey(key), "seed=" + seed + " key=" + key);
          assertArrayEquals(new int[0], reader.findKeyDocs(key), "seed=" + seed + " key=" + key);
        }
      }
    }
  }

  @Test
  void keyLookupsConsultTheFilterBeforeLucene() throws IOException {
    SegmentSchema schema = keyed(Kind.LONG);
    Path dir = tmp.resolve("seg");
    List<SegmentRow> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(new SegmentRow(i, 1, new Object[] {i, (long) i}));
    }
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    // A well-formed filter that holds none of the keys: a lookup that trusts it finds nothing,
    // although every key is in Lucene's index.
    Files.delete(dir.resolve(BLOOM));
    try (Directory directory = FSDirectory.open(dir)) {
      KeyFilter.forKeys(rows.size()).write(directory);
    }
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      for (long key = 0; key < 100; key++) {
        assertEquals(-1, reader.findKey(key));
        assertArrayEquals(new int[0], reader.findKeyDocs(key));
      }
      reader.checkIntegrity();
    }
  }

  @Test
  void aSegmentWithoutAKeyHasNoFilterFile() throws IOException {
    SegmentSchema schema =
        SegmentSchema.of(
            -1, SegmentField.scalar("payload", Kind.INT), SegmentField.scalar("k", Kind.LONG));
    Path dir = tmp.resolve("seg");
    List<SegmentRow> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(new SegmentRow(i, 1, new Object[] {i, (long) i}));
    }
    SegmentInfo info = SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    assertFalse(Files.exists(dir.resolve(BLOOM)));
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(
          files.noneMatch(f -> f.getFileName().toString().endsWith(".bloom")), dir.toString());
    }
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      reader.checkIntegrity();
      assertEquals(info.sizeBytes(), reader.sizeBytes());
    }
  }

  @Test
  void aSegmentWithAKeyCountsItsFilterFileInItsSize() throws IOException {
    SegmentSchema schema = keyed(Kind.STRING);
    Path dir = tmp.resolve("seg");
    SegmentInfo info =
        SegmentWriter.write(
            dir,
            schema,
            List.of(new SegmentRow(0, 1, new Object[] {0, "a"})).iterator(),
            WriteOptions.defaults());
    assertTrue(Files.size(dir.resolve(BLOOM)) > 0);
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      assertEquals(info.sizeBytes(), reader.sizeBytes());
    }
  }

  @Test
  void aFlippedByteAnywhereInTheFilterFailsOpenNamingTheFilter() throws IOException {
    SegmentSchema schema = keyed(Kind.STRING);
    Path dir = smallKeyedSegment(schema);
    Path bloom = dir.resolve(BLOOM);
    long size = Files.size(bloom);
    // Every byte: the codec header, the shape (hash count, word count), the words, the footer;
    // all but the header's version, which aFlippedVersionByteFailsOpenNamingTheFilter covers.
    for (long position = 0; position < size; position++) {
      if (position >= VERSION_OFFSET && position < VERSION_OFFSET + Integer.BYTES) {
        continue;
      }
      flipByte(bloom, position);
      assertCorruptFilter(dir, schema, "flipped byte " + position + " of " + size);
      flipByte(bloom, position);
    }
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      reader.checkIntegrity();
    }
  }

  @Test
  void aFlippedVersionByteFailsOpenNamingTheFilter() throws IOException {
    SegmentSchema schema = keyed(Kind.LONG);
    Path dir = smallKeyedSegment(schema);
    Path bloom = dir.resolve(BLOOM);
    for (long position = VERSION_OFFSET; position < VERSION_OFFSET + Integer.BYTES; position++) {
      flipByte(bloom, position);
      assertCorruptFilter(dir, schema, "flipped version byte " + position);
      flipByte(bloom, position);
    }
  }

  @Test
  void aFilterClaimingMoreWordsThanItsFileHoldsFailsOpenNamingTheFilter() throws IOException {
    SegmentSchema schema = keyed(Kind.LONG);
    Path dir = smallKeyedSegment(schema);
    Files.delete(dir.resolve(BLOOM));
    // The documented layout with a word count no file of this size can hold.
    try (Directory directory = FSDirectory.open(dir);
        IndexOutput out = directory.createOutput(BLOOM, IOContext.DEFAULT)) {
      CodecUtil.writeHeader(out, CODEC, 1);
      out.writeVInt(7);
      out.writeVInt(Integer.MAX_VALUE);
      out.writeLong(-1L);
      CodecUtil.writeFooter(out);
    }
    assertCorruptFilter(dir, schema, "word count " + Integer.MAX_VALUE);
  }

  @Test
  void aTruncatedFilterFailsOpenNamingTheFilter() throws IOException {
    SegmentSchema schema = keyed(Kind.LONG);
    Path dir = smallKeyedSegment(schema);
    Path bloom = dir.resolve(BLOOM);
    byte[] intact = Files.readAllBytes(bloom);
    for (int length = 0; length < intact.length; length++) {
      Files.write(bloom, Arrays.copyOf(intact, length));
      assertCorruptFilter(dir, schema, "truncated to " + length + " of " + intact.length);
    }
  }

  @Test
  void aMissingFilterFailsOpen() throws IOException {
    SegmentSchema schema = keyed(Kind.LONG);
    Path dir = smallKeyedSegment(schema);
    Files.delete(dir.resolve(BLOOM));
    assertThrows(IOException.class, () -> SegmentReader.open(dir, schema).close());
  }

  @Test
  void aFilterDamagedAfterOpenFailsTheIntegrityCheckNamingTheFilter() throws IOException {
    SegmentSchema schema = keyed(Kind.INT);
    Path dir = smallKeyedSegment(schema);
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      reader.checkIntegrity();
      Path bloom = dir.resolve(BLOOM);
      // A bit of the filter words: the header and shape still parse, only the checksum fails.
      flipByte(bloom, Files.size(bloom) / 2);
      CorruptSegmentException e =
          assertThrows(CorruptSegmentException.class, reader::checkIntegrity);
      assertEquals(BLOOM, e.file());
      assertEquals(dir, e.directory());
    }
  }

  /** A keyed segment whose filter is a few hundred bytes, so every byte of it can be damaged. */
  private Path smallKeyedSegment(SegmentSchema schema) throws IOException {
    Kind kind = schema.field(schema.keyField()).kind();
    List<SegmentRow> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Object key =
          switch (kind) {
            case INT -> i * 7;
            case LONG -> i * 7L;
            default -> "key-" + i;
          };
      rows.add(new SegmentRow(i, 1, new Object[] {i, key}));
    }
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    return dir;
  }

  /** Both ways to open must fail with the filter named. */
  private static void assertCorruptFilter(Path dir, SegmentSchema schema, String what) {
    List<Executable> opens =
        List.of(
            () -> SegmentReader.open(dir, schema).close(), () -> SegmentReader.open(dir).close());
    for (Executable open : opens) {
      CorruptSegmentException e =
          assertThrows(CorruptSegmentException.class, () -> failingOnOutOfMemory(open), what);
      assertEquals(BLOOM, e.file(), what + ": " + e.getMessage());
      assertEquals(dir, e.directory(), what);
      assertTrue(e.getMessage().contains("file " + BLOOM), e.getMessage());
    }
  }

  /**
   * Runs {@code open}, turning an OutOfMemoryError (a damaged size trusted before the checksum is
   * checked) into a test failure: JUnit rethrows that error, and it would end the test JVM.
   */
  private static void failingOnOutOfMemory(Executable open) throws Throwable {
    try {
      open.execute();
    } catch (OutOfMemoryError e) {
      throw new AssertionError("opening allocated what a damaged file claimed: " + e, e);
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
