package dev.quiver.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The WordNet data set: the glosses (definitions) of Debian's {@code wordnet-base}, embedded with
 * the in-process all-MiniLM-L6-v2 model (quantized ONNX, 384 dimensions), compared by cosine.
 *
 * <p>The distinct glosses (117,033 of 117,659 synsets) are shuffled with a fixed seed; the first
 * {@code queries} are the queries and the next {@code rows} the base set, so no query text is in
 * the base set. Embeddings are cached in {@code cache} as {@code wordnet-minilm-384-<n>.fvecs}, the
 * first n glosses in that order: any cache at least as long serves a smaller request, since
 * embedding all of them takes minutes.
 */
final class Wordnet {
  static final Path DATA = Path.of("/usr/share/wordnet");
  private static final String PREFIX = "wordnet-minilm-384-";

  private Wordnet() {}

  static boolean installed() {
    return Files.isRegularFile(DATA.resolve("data.noun"));
  }

  static Dataset dataset(int rows, int queries, int k, Path cache) throws IOException {
    List<String> glosses = glosses();
    int needed = Math.min(glosses.size(), queries + rows);
    float[][] vectors = cached(cache, needed);
    if (vectors == null) {
      vectors = embed(glosses.subList(0, needed));
      Files.createDirectories(cache);
      Dataset.writeFvecs(vectors, cache.resolve(PREFIX + needed + ".fvecs"));
    }
    float[][] test = java.util.Arrays.copyOfRange(vectors, 0, queries);
    float[][] base = java.util.Arrays.copyOfRange(vectors, queries, needed);
    return Dataset.of("wordnet-minilm-384-" + base.length, "cosine", base, test, k, cache);
  }

  /** Every distinct gloss, in the fixed shuffled order. */
  static List<String> glosses() throws IOException {
    TreeSet<String> distinct = new TreeSet<>();
    for (String part : List.of("noun", "verb", "adj", "adv")) {
      try (Stream<String> lines =
          Files.lines(DATA.resolve("data." + part), StandardCharsets.ISO_8859_1)) {
        // Lines starting with two spaces are the license header; a synset's gloss follows " | ".
        lines
            .filter(l -> !l.startsWith("  ") && l.contains(" | "))
            .map(l -> l.substring(l.indexOf(" | ") + 3).strip())
            .filter(g -> !g.isEmpty())
            .forEach(distinct::add);
      }
    }
    List<String> glosses = new ArrayList<>(distinct);
    Collections.shuffle(glosses, new Random(42));
    return glosses;
  }

  /** The first {@code needed} embeddings from the longest cache file that has them, or null. */
  private static float[][] cached(Path cache, int needed) throws IOException {
    if (!Files.isDirectory(cache)) {
      return null;
    }
    try (Stream<Path> files = Files.list(cache)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().matches(PREFIX + "\\d+\\.fvecs")).toList()) {
        String name = file.getFileName().toString();
        int count = Integer.parseInt(name.substring(PREFIX.length(), name.length() - 6));
        if (count >= needed) {
          return java.util.Arrays.copyOf(Dataset.readFvecs(file), needed);
        }
      }
    }
    return null;
  }

  /**
   * Embeds the texts on every core: one model, called from as many threads (an ONNX session runs
   * concurrently), in chunks so that progress can be shown.
   */
  private static float[][] embed(List<String> texts) throws IOException {
    int threads = Runtime.getRuntime().availableProcessors();
    // Its own executor would split every call again: run each call on the calling thread.
    AllMiniLmL6V2QuantizedEmbeddingModel model =
        new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
    float[][] vectors = new float[texts.size()][];
    int chunk = 256;
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int from = 0; from < texts.size(); from += chunk) {
        int first = from;
        int last = Math.min(texts.size(), from + chunk);
        work.add(
            pool.submit(
                () -> {
                  List<TextSegment> segments =
                      texts.subList(first, last).stream().map(TextSegment::from).toList();
                  var embeddings = model.embedAll(segments).content();
                  for (int i = first; i < last; i++) {
                    vectors[i] = embeddings.get(i - first).vector();
                  }
                }));
      }
      int done = 0;
      for (Future<?> f : work) {
        f.get();
        done++;
        if (done % 40 == 0) {
          double seconds = (System.nanoTime() - start) / 1e9;
          System.err.printf(
              "wordnet: embedded %d of %d glosses (%.0f/s)%n",
              Math.min(done * chunk, texts.size()), texts.size(), done * chunk / seconds);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while embedding", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("embedding failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    System.err.printf(
        "wordnet: embedded %d glosses in %.0f s%n",
        texts.size(), (System.nanoTime() - start) / 1e9);
    return vectors;
  }
}
