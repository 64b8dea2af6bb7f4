package dev.quiver.index.segment;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.StringHelper;

/**
 * A Bloom filter over a segment's keys, so that a key lookup (every INSERT checks that its key is
 * new, in every segment) touches Lucene's index only in the segments that may hold the key: about
 * one in a hundred of those that do not.
 *
 * <h2>File {@value #FILE_NAME}</h2>
 *
 * <p>A Lucene codec header (codec name {@code QuiverKeyFilter}, version 1), then the number of hash
 * functions (vInt), the number of 64-bit words (vInt) and the words (little-endian longs), then
 * Lucene's CRC32 footer. Bit {@code i} is bit {@code i % 64} of word {@code i / 64}. Probe {@code
 * j} of a key sets bit {@code (h1 + j * h2) mod bits}, where h1 and h2 are two 32-bit hashes of the
 * key: of its UTF-8 bytes (MurmurHash3 x86_32, seeds 0 and {@code 0x5bd1e995}) for a string, of the
 * 64-bit finalizer of MurmurHash3 applied to its value (low and high halves) for a number.
 */
final class KeyFilter {
  static final String FILE_NAME = "quiver_keys.bloom";
  private static final String CODEC = "QuiverKeyFilter";
  private static final int VERSION = 1;
  private static final int BITS_PER_KEY = 10;
  private static final int HASHES = 7;

  private final long[] words;
  private final int hashes;
  private final long bits;

  private KeyFilter(long[] words, int hashes) {
    this.words = words;
    this.hashes = hashes;
    this.bits = (long) words.length * Long.SIZE;
  }

  /** An empty filter sized for {@code keys} keys at about 1% false positives. */
  static KeyFilter forKeys(int keys) {
    long wanted = Math.max(Long.SIZE, (long) keys * BITS_PER_KEY);
    return new KeyFilter(new long[(int) ((wanted + Long.SIZE - 1) / Long.SIZE)], HASHES);
  }

  void add(Object key) {
    addHash(hash(key));
  }

  /** Adds a key by its {@link #hash}. */
  void addHash(long h) {
    for (int j = 0; j < hashes; j++) {
      long bit = probe(h, j);
      words[(int) (bit >>> 6)] |= 1L << bit;
    }
  }

  /** False when the key is certainly absent. */
  boolean mightContain(Object key) {
    long h = hash(key);
    for (int j = 0; j < hashes; j++) {
      long bit = probe(h, j);
      if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  private long probe(long h, int j) {
    int h1 = (int) h;
    int h2 = (int) (h >>> 32);
    return Math.floorMod((long) h1 + (long) j * h2, bits);
  }

  /** The two 32-bit hashes of a key, as one long. */
  static long hash(Object key) {
    if (key instanceof String s) {
      BytesRef bytes = new BytesRef(s);
      int h1 = StringHelper.murmurhash3_x86_32(bytes, 0);
      int h2 = StringHelper.murmurhash3_x86_32(bytes, 0x5bd1e995);
      return (h1 & 0xffffffffL) | ((long) h2 << 32);
    }
    if (key instanceof Integer || key instanceof Long) {
      return fmix64(((Number) key).longValue());
    }
    throw new IllegalArgumentException(
        "a key is an Integer, Long or String, not " + key.getClass().getName());
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  void write(Directory directory) throws IOException {
    try (IndexOutput out = directory.createOutput(FILE_NAME, IOContext.DEFAULT)) {
      CodecUtil.writeHeader(out, CODEC, VERSION);
      out.writeVInt(hashes);
      out.writeVInt(words.length);
      for (long word : words) {
        out.writeLong(word);
      }
      CodecUtil.writeFooter(out);
    }
  }

  /** Reads the filter, checking its header and checksum. */
  static KeyFilter read(Path segment, Directory directory) throws IOException {
    try (ChecksumIndexInput in = directory.openChecksumInput(FILE_NAME)) {
      try {
        CodecUtil.checkHeader(in, CODEC, VERSION, VERSION);
        int hashes = in.readVInt();
        int count = in.readVInt();
        long wordsLeft =
            (in.length() - in.getFilePointer() - CodecUtil.footerLength()) / Long.BYTES;
        if (hashes < 1 || hashes > 64 || count < 1 || count > wordsLeft) {
          throw new CorruptIndexException(
              "bad filter shape: " + hashes + " hashes, " + count + " words", in);
        }
        long[] words = new long[count];
        for (int i = 0; i < count; i++) {
          words[i] = in.readLong();
        }
        CodecUtil.checkFooter(in);
        return new KeyFilter(words, hashes);
      } catch (CorruptIndexException
          | EOFException
          | IndexFormatTooOldException
          | IndexFormatTooNewException e) {
        throw new CorruptSegmentException(segment, FILE_NAME, e.getMessage(), e);
      }
    }
  }
}
