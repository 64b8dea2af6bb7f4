package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.index.segment.SegmentField.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Bloom filter over a segment's keys, by itself. */
class KeyFilterTest {
  private static final int INSERTED = 10_000;
  private static final int ABSENT = 100_000;
  private static final double MAX_FALSE_POSITIVE_RATE = 0.03;
  private static final Kind[] KEY_KINDS = {Kind.INT, Kind.LONG, Kind.STRING};
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"INT", "LONG", "STRING"})
  void randomKeysHaveNoFalseNegativesAndUnderThreePercentFalsePositives(Kind kind) {
    long seed = TestRows.seed("bloom random " + kind);
    Random random = new Random(seed);
    assertFilterQuality(kind + " random, seed=" + seed, () -> randomKey(random, kind));
  }

  @ParameterizedTest
  @EnumSource(
      value = Kind.class,
      names = {"INT", "LONG", "STRING"})
  void sequentialKeysHaveNoFalseNegativesAndUnderThreePercentFalsePositives(Kind kind) {
    // Auto-increment ids and "prefix-<n>" names, the usual keys: absent keys are the next ones.
    long[] next = {-INSERTED / 2};
    assertFilterQuality(
        kind + " sequential",
        () -> {
          long n = next[0]++;
          return switch (kind) {
            case INT -> (Object) (int) n;
            case LONG -> (Object) n;
            default -> (Object) ("user-" + n);
          };
        });
  }

  /**
   * Inserts the first {@value #INSERTED} distinct keys {@code keys} yields, then probes {@value
   * #ABSENT} further distinct keys it yields.
   */
  private static void assertFilterQuality(String what, Supplier<Object> keys) {
    Set<Object> inserted = new HashSet<>();
    KeyFilter filter = KeyFilter.forKeys(INSERTED);
    while (inserted.size() < INSERTED) {
      Object key = keys.get();
      if (inserted.add(key)) {
        filter.add(key);
      }
    }
    for (Object key : inserted) {
      assertTrue(filter.mightContain(key), what + ": false negative for " + key);
    }
    Set<Object> absent = new HashSet<>();
    int falsePositives = 0;
    while (absent.size() < ABSENT) {
      Object key = keys.get();
      if (!inserted.contains(key) && absent.add(key) && filter.mightContain(key)) {
        falsePositives++;
      }
    }
    double rate = falsePositives / (double) ABSENT;
    System.out.println(what + ": false-positive rate " + rate);
    assertTrue(
        rate < MAX_FALSE_POSITIVE_RATE,
        what + ": false-positive rate " + rate + " >= " + MAX_FALSE_POSITIVE_RATE);
  }

  @Test
  void aFilterReadBackGivesTheSameAnswers() throws IOException {
    long seed = TestRows.seed("bloom read back");
    Random random = new Random(seed);
    List<Object> keys = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      keys.add(randomKey(random, KEY_KINDS[random.nextInt(KEY_KINDS.length)]));
    }
    keys.add(Long.MIN_VALUE);
    keys.add(Integer.MAX_VALUE);
    keys.add("");
    keys.add("ü€𝄞");
    KeyFilter written = KeyFilter.forKeys(keys.size());
    for (Object key : keys) {
      written.add(key);
    }
    try (Directory directory = new ByteBuffersDirectory()) {
      written.write(directory);
      KeyFilter read = KeyFilter.read(Path.of("seg"), directory);
      for (Object key : keys) {
        assertTrue(read.mightContain(key), "seed=" + seed + ": lost " + key);
      }
      for (int i = 0; i < 20_000; i++) {
        Object probe = randomKey(random, KEY_KINDS[random.nextInt(KEY_KINDS.length)]);
        assertEquals(
            written.mightContain(probe), read.mightContain(probe), "seed=" + seed + ": " + probe);
      }
    }
  }

  @Test
  void anEmptyFilterContainsNothing() {
    KeyFilter filter = KeyFilter.forKeys(1);
    assertFalse(filter.mightContain(0L));
    assertFalse(filter.mightContain(0));
    assertFalse(filter.mightContain(""));
    filter.add(0L);
    assertTrue(filter.mightContain(0L));
  }

  @Test
  void onlyIntLongAndStringKeysAreHashed() {
    KeyFilter filter = KeyFilter.forKeys(10);
    assertThrows(IllegalArgumentException.class, () -> filter.add(1.5));
    assertThrows(IllegalArgumentException.class, () -> filter.mightContain(true));
  }

  /** A random key of a key kind. */
  private static Object randomKey(Random random, Kind kind) {
    return switch (kind) {
      case INT -> random.nextInt();
      case LONG -> random.nextLong();
      case STRING -> randomString(random);
      default -> throw new IllegalArgumentException(kind.toString());
    };
  }

  private static String randomString(Random random) {
    StringBuilder s = new StringBuilder();
    int length = 1 + random.nextInt(16);
    for (int i = 0; i < length; i++) {
      // Mostly ASCII letters and digits, sometimes a character outside the BMP.
      s.appendCodePoint(
          random.nextInt(20) == 0
              ? 0x1F600 + random.nextInt(80)
              : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }
}
