package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quiver.index.segment.SegmentField.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentKeyTest {
  @TempDir Path tmp;

  @Test
  void longKeysAreFoundAndMissingKeysAreNot() throws IOException {
    Random random = new Random(TestRows.seed("longKeys"));
    SegmentSchema schema =
        SegmentSchema.of(
            1, SegmentField.scalar("v", Kind.INT), SegmentField.scalar("k", Kind.LONG));
    List<Long> keys = new ArrayList<>();
    for (long k = 0; k < 3000; k++) {
      keys.add(k * 3 - 4000);
    }
    keys.add(Long.MIN_VALUE);
    keys.add(Long.MAX_VALUE);
    Collections.shuffle(keys, random);
    List<SegmentRow> rows = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      rows.add(new SegmentRow(i, 1, new Object[] {i, keys.get(i)}));
    }
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      for (int doc = 0; doc < keys.size(); doc++) {
        assertEquals(doc, reader.findKey(keys.get(doc)));
      }
      assertEquals(-1, reader.findKey(-3999L));
      assertEquals(-1, reader.findKey(1_000_000L));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> reader.findKey(5));
      assertEquals(
          "field 'k' (LONG) is compared with java.lang.Integer; expected Long", e.getMessage());
    }
  }

  @Test
  void stringAndIntKeysAreFoundAndMissingKeysAreNot() throws IOException {
    SegmentSchema strings = SegmentSchema.of(0, SegmentField.scalar("k", Kind.STRING));
    List<SegmentRow> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      rows.add(new SegmentRow(i, 1, new Object[] {"key-" + i}));
    }
    rows.add(new SegmentRow(500, 1, new Object[] {""}));
    Path dir = tmp.resolve("strings");
    SegmentWriter.write(dir, strings, rows.iterator(), WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, strings)) {
      assertEquals(0, reader.findKey("key-0"));
      assertEquals(499, reader.findKey("key-499"));
      assertEquals(500, reader.findKey(""));
      assertEquals(-1, reader.findKey("key-500"));
      assertEquals(-1, reader.findKey("KEY-1"));
    }

    SegmentSchema ints = SegmentSchema.of(0, SegmentField.scalar("k", Kind.INT));
    Path intDir = tmp.resolve("ints");
    SegmentWriter.write(
        intDir,
        ints,
        List.of(
                new SegmentRow(0, 1, new Object[] {Integer.MIN_VALUE}),
                new SegmentRow(1, 1, new Object[] {9}))
            .iterator(),
        WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(intDir, ints)) {
      assertEquals(0, reader.findKey(Integer.MIN_VALUE));
      assertEquals(1, reader.findKey(9));
      assertEquals(-1, reader.findKey(8));
    }
  }

  @Test
  void aKeyWrittenTwiceFindsTheFirstAndListsBoth() throws IOException {
    SegmentSchema schema = SegmentSchema.of(0, SegmentField.scalar("k", Kind.STRING));
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(
        dir,
        schema,
        List.of(
                new SegmentRow(0, 1, new Object[] {"a"}),
                new SegmentRow(1, 1, new Object[] {"b"}),
                new SegmentRow(2, 2, new Object[] {"a"}))
            .iterator(),
        WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      assertEquals(0, reader.findKey("a"));
      assertArrayEquals(new int[] {0, 2}, reader.findKeyDocs("a"));
      assertArrayEquals(new int[0], reader.findKeyDocs("c"));
    }
  }

  @Test
  void keyLookupWithoutAKeyColumnFails() throws IOException {
    SegmentSchema schema = SegmentSchema.of(-1, SegmentField.scalar("k", Kind.STRING));
    Path dir = tmp.resolve("seg");
    SegmentWriter.write(
        dir,
        schema,
        List.of(new SegmentRow(0, 1, new Object[] {"a"})).iterator(),
        WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir, schema)) {
      assertThrows(IllegalStateException.class, () -> reader.findKey("a"));
    }
  }

  @Test
  void aKeyMustBeIntLongOrString() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SegmentSchema.of(0, SegmentField.scalar("k", Kind.DOUBLE)));
    assertEquals("key field 'k' is DOUBLE; a key is INT, LONG or STRING", e.getMessage());
  }
}
