package dev.quiver.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A deterministic text embedding by feature hashing, used by {@code quiver demo} as a stand-in for
 * a real embedding model.
 *
 * <p>The text is lowercased and split into words; common English function words are dropped (unless
 * nothing else is left). Each word contributes two kinds of features: the whole word, and its
 * character trigrams with word boundaries marked ({@code "bread"} gives {@code "<br", "bre", "rea",
 * "ead", "ad>"}). Every feature is hashed (64-bit FNV-1a, then a MurmurHash3 finalizer) to {@value
 * #SLOTS_PER_FEATURE} of the {@code dimensions} slots and added to each with a sign taken from
 * another bit of the hash, so that collisions cancel out on average instead of piling up. Spreading
 * a feature over several slots keeps the variance of a chance collision the same but turns it from
 * a rare full-size spike (two unrelated words in one slot look like a shared word) into many small
 * contributions, which makes an unrelated text in a top 5 much rarer. A word counts 1; its trigrams
 * share a weight of 1 between them, so long words do not drown short ones. The result is
 * L2-normalised, which makes cosine distance and dot product agree.
 *
 * <p>Texts that share words end up near each other, and shared stems ({@code bake}, {@code baking})
 * pull them a little closer; synonyms with no letters in common do not. In 64 dimensions chance
 * collisions still bring an unrelated title into a top 5 now and then. That is enough for a vector
 * search demo with no model download, but it is not semantic understanding: use a real
 * sentence-embedding model (for example all-MiniLM-L6-v2 through LangChain4j) for anything beyond a
 * demo.
 */
public final class HashingEmbedder {

  private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

  private static final Set<String> STOP_WORDS =
      Set.of(
          "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "for", "from", "how", "in",
          "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was",
          "what", "when", "where", "which", "who", "why", "will", "with", "you", "your");

  private static final int SLOTS_PER_FEATURE = 4;
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final int dimensions;

  /**
   * Creates an embedder producing vectors of the given length.
   *
   * @param dimensions vector length, at least 2
   */
  public HashingEmbedder(int dimensions) {
    if (dimensions < 2) {
      throw new IllegalArgumentException("dimensions must be at least 2, got " + dimensions);
    }
    this.dimensions = dimensions;
  }

  /** Returns the length of the vectors this embedder produces. */
  public int dimensions() {
    return dimensions;
  }

  /**
   * Returns the unit-length embedding of a text.
   *
   * @throws IllegalArgumentException if the text contains no letters or digits, since such a text
   *     has no direction to point in
   */
  public float[] embed(String text) {
    String[] words = words(text);
    if (words.length == 0) {
      throw new IllegalArgumentException(
          "cannot embed a text without letters or digits: \"" + text + "\"");
    }
    double[] sums = new double[dimensions];
    for (String word : words) {
      add(sums, "w:" + word, 1.0);
      String padded = "<" + word + ">";
      int trigrams = padded.length() - 2;
      for (int i = 0; i < trigrams; i++) {
        add(sums, "t:" + padded.substring(i, i + 3), 1.0 / trigrams);
      }
    }
    return normalise(sums, text);
  }

  private static String[] words(String text) {
    String[] all = NON_WORD.split(text.toLowerCase(Locale.ROOT).strip());
    String[] nonEmpty = Arrays.stream(all).filter(w -> !w.isEmpty()).toArray(String[]::new);
    String[] content =
        Arrays.stream(nonEmpty).filter(w -> !STOP_WORDS.contains(w)).toArray(String[]::new);
    return content.length > 0 ? content : nonEmpty;
  }

  private void add(double[] sums, String feature, double weight) {
    long hash = hash(feature);
    for (int i = 0; i < SLOTS_PER_FEATURE; i++) {
      int slot = (int) Long.remainderUnsigned(hash, dimensions);
      sums[slot] += hash < 0 ? -weight : weight;
      hash = mix(hash + GOLDEN_GAMMA);
    }
  }

  private static long hash(String feature) {
    long h = FNV_OFFSET_BASIS;
    for (int i = 0; i < feature.length(); i++) {
      h ^= feature.charAt(i);
      h *= FNV_PRIME;
    }
    // FNV's low bits mix poorly for short inputs, and the slot comes from the low bits.
    return mix(h);
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private float[] normalise(double[] sums, String text) {
    double squares = 0;
    for (double s : sums) {
      squares += s * s;
    }
    if (squares == 0) {
      // Possible only if every feature cancelled another out exactly.
      throw new IllegalArgumentException("the features of \"" + text + "\" cancel out");
    }
    double norm = Math.sqrt(squares);
    float[] vector = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      vector[i] = (float) (sums[i] / norm);
    }
    return vector;
  }
}
