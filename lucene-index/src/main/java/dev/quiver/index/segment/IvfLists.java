package dev.quiver.index.segment;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.VectorUtil;

/**
 * An IVF_FLAT index of one vector field of a segment: k-means centroids and, for each, the list of
 * documents nearest to it. A search compares the query with the centroids, then exactly with the
 * vectors of the {@code nprobe} nearest lists, and probes further lists until k accepted documents
 * were seen, so that a filter never makes it return fewer than k rows when k match.
 *
 * <h2>File {@code quiver_ivf_<field position>.bin}</h2>
 *
 * <p>A Lucene codec header ({@code QuiverIvf}, version 1); the dimension, the list count and the
 * metric's ordinal as vInts; the centroids as floats (list by list); each list as its size (vInt)
 * and its documents, ascending, as vInt gaps; Lucene's CRC footer. Centroids live in the space the
 * lists were assigned in: the vectors themselves for L2 and the inner product (largest inner
 * product wins), normalized vectors for cosine.
 */
final class IvfLists {
  private static final String CODEC = "QuiverIvf";
  private static final int VERSION = 1;
  private static final int ITERATIONS = 10;
  private static final int SAMPLE_PER_LIST = 256;

  private final VectorMetric metric;
  private final float[][] centroids;
  private final int[][] lists;

  private IvfLists(VectorMetric metric, float[][] centroids, int[][] lists) {
    this.metric = metric;
    this.centroids = centroids;
    this.lists = lists;
  }

  static String fileName(int field) {
    return "quiver_ivf_" + field + ".bin";
  }

  /** The list count a segment of {@code vectors} vectors uses: at most nlist, about their root. */
  static int listCount(int nlist, int vectors) {
    return Math.max(1, Math.min(nlist, (int) Math.ceil(Math.sqrt(vectors))));
  }

  /**
   * Trains centroids by k-means (k-means++ seeding, {@value #ITERATIONS} rounds on a sample of at
   * most {@value #SAMPLE_PER_LIST} vectors per list) and assigns every document with a vector.
   *
   * @param vectors by document, null where a document has none
   */
  static IvfLists build(float[][] vectors, VectorMetric metric, int nlist, long seed) {
    List<Integer> docs = new ArrayList<>();
    for (int doc = 0; doc < vectors.length; doc++) {
      if (vectors[doc] != null) {
        docs.add(doc);
      }
    }
    int count = listCount(nlist, docs.size());
    int dim = docs.isEmpty() ? 0 : vectors[docs.get(0)].length;
    Random random = new Random(seed);
    List<float[]> sample = new ArrayList<>();
    for (int doc : docs) {
      sample.add(space(vectors[doc], metric));
    }
    java.util.Collections.shuffle(sample, random);
    if (sample.size() > count * SAMPLE_PER_LIST) {
      sample = sample.subList(0, count * SAMPLE_PER_LIST);
    }
    float[][] centroids = seed(sample, count, metric, random);
    int[] assignment = new int[sample.size()];
    for (int round = 0; round < ITERATIONS && !sample.isEmpty(); round++) {
      for (int i = 0; i < sample.size(); i++) {
        assignment[i] = nearest(centroids, sample.get(i), metric);
      }
      float[][] sums = new float[centroids.length][dim];
      int[] sizes = new int[centroids.length];
      for (int i = 0; i < sample.size(); i++) {
        float[] v = sample.get(i);
        float[] sum = sums[assignment[i]];
        for (int d = 0; d < dim; d++) {
          sum[d] += v[d];
        }
        sizes[assignment[i]]++;
      }
      for (int c = 0; c < centroids.length; c++) {
        if (sizes[c] == 0) {
          // An empty list takes a random sample vector and competes again.
          centroids[c] = sample.get(random.nextInt(sample.size())).clone();
          continue;
        }
        for (int d = 0; d < dim; d++) {
          sums[c][d] /= sizes[c];
        }
        centroids[c] = metric == VectorMetric.COSINE ? normalized(sums[c]) : sums[c];
      }
    }
    List<List<Integer>> members = new ArrayList<>();
    for (int c = 0; c < centroids.length; c++) {
      members.add(new ArrayList<>());
    }
    for (int doc : docs) {
      members.get(nearest(centroids, space(vectors[doc], metric), metric)).add(doc);
    }
    int[][] lists = new int[centroids.length][];
    for (int c = 0; c < lists.length; c++) {
      lists[c] = members.get(c).stream().mapToInt(Integer::intValue).toArray();
    }
    return new IvfLists(metric, centroids, lists);
  }

  private static float[][] seed(List<float[]> sample, int count, VectorMetric metric, Random r) {
    float[][] centroids = new float[Math.min(count, Math.max(1, sample.size()))][];
    if (sample.isEmpty()) {
      centroids[0] = new float[0];
      return centroids;
    }
    centroids[0] = sample.get(r.nextInt(sample.size())).clone();
    double[] nearest = new double[sample.size()];
    Arrays.fill(nearest, Double.MAX_VALUE);
    for (int c = 1; c < centroids.length; c++) {
      double total = 0;
      for (int i = 0; i < sample.size(); i++) {
        nearest[i] =
            Math.min(nearest[i], VectorUtil.squareDistance(sample.get(i), centroids[c - 1]));
        total += nearest[i];
      }
      double pick = r.nextDouble() * total;
      int chosen = sample.size() - 1;
      for (int i = 0; i < sample.size(); i++) {
        pick -= nearest[i];
        if (pick <= 0) {
          chosen = i;
          break;
        }
      }
      centroids[c] = sample.get(chosen).clone();
    }
    return centroids;
  }

  /** The vector in the space lists are assigned in. */
  private static float[] space(float[] v, VectorMetric metric) {
    return metric == VectorMetric.COSINE ? normalized(v) : v;
  }

  private static float[] normalized(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    if (norm == 0) {
      return v.clone();
    }
    float[] out = new float[v.length];
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * scale;
    }
    return out;
  }

  /** The centroid a vector belongs to: nearest by L2, or largest inner product. */
  private static int nearest(float[][] centroids, float[] v, VectorMetric metric) {
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < centroids.length; c++) {
      double score =
          metric == VectorMetric.L2
              ? -VectorUtil.squareDistance(v, centroids[c])
              : VectorUtil.dotProduct(v, centroids[c]);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    return best;
  }

  /** The lists to search, nearest centroid first. */
  int[] probeOrder(float[] query) {
    float[] q = space(query, metric);
    Integer[] order = new Integer[centroids.length];
    double[] score = new double[centroids.length];
    for (int c = 0; c < centroids.length; c++) {
      order[c] = c;
      score[c] =
          metric == VectorMetric.L2
              ? -VectorUtil.squareDistance(q, centroids[c])
              : VectorUtil.dotProduct(q, centroids[c]);
    }
    Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  int[] list(int list) {
    return lists[list];
  }

  int listCount() {
    return lists.length;
  }

  /**
   * The documents to compare exactly: those of the nprobe nearest lists that the filter accepts,
   * and further lists' until at least {@code k} were found (or every list was probed).
   */
  int[] candidates(float[] query, int k, int nprobe, DocSet accept) {
    int[] order = probeOrder(query);
    List<int[]> chosen = new ArrayList<>();
    int accepted = 0;
    int total = 0;
    for (int i = 0; i < order.length && (i < nprobe || accepted < k); i++) {
      int[] docs = lists[order[i]];
      int[] kept = new int[docs.length];
      int n = 0;
      for (int doc : docs) {
        if (accept == null || accept.get(doc)) {
          kept[n++] = doc;
        }
      }
      chosen.add(Arrays.copyOf(kept, n));
      accepted += n;
      total += n;
    }
    int[] out = new int[total];
    int at = 0;
    for (int[] part : chosen) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    Arrays.sort(out);
    return out;
  }

  void write(Directory directory, int field) throws IOException {
    try (IndexOutput out = directory.createOutput(fileName(field), IOContext.DEFAULT)) {
      CodecUtil.writeHeader(out, CODEC, VERSION);
      int dim = centroids.length == 0 ? 0 : centroids[0].length;
      out.writeVInt(dim);
      out.writeVInt(centroids.length);
      out.writeVInt(metric.ordinal());
      for (float[] centroid : centroids) {
        for (float x : centroid) {
          out.writeInt(Float.floatToIntBits(x));
        }
      }
      for (int[] list : lists) {
        out.writeVInt(list.length);
        int previous = 0;
        for (int doc : list) {
          out.writeVInt(doc - previous);
          previous = doc;
        }
      }
      CodecUtil.writeFooter(out);
    }
  }

  static IvfLists read(Path segment, Directory directory, int field, int maxDoc)
      throws IOException {
    String name = fileName(field);
    try (ChecksumIndexInput in = directory.openChecksumInput(name)) {
      try {
        CodecUtil.checkHeader(in, CODEC, VERSION, VERSION);
        int dim = in.readVInt();
        int count = in.readVInt();
        int metricOrdinal = in.readVInt();
        long left = in.length() - in.getFilePointer() - CodecUtil.footerLength();
        if (count < 1
            || metricOrdinal >= VectorMetric.values().length
            || (long) count * dim * Float.BYTES > left) {
          throw new CorruptIndexException("bad shape: " + count + " lists of " + dim, in);
        }
        float[][] centroids = new float[count][dim];
        for (float[] centroid : centroids) {
          for (int d = 0; d < dim; d++) {
            centroid[d] = Float.intBitsToFloat(in.readInt());
          }
        }
        int[][] lists = new int[count][];
        for (int c = 0; c < count; c++) {
          int size = in.readVInt();
          if (size < 0 || size > maxDoc) {
            throw new CorruptIndexException("list " + c + " holds " + size + " documents", in);
          }
          lists[c] = new int[size];
          int doc = 0;
          for (int i = 0; i < size; i++) {
            doc += in.readVInt();
            if (doc >= maxDoc) {
              throw new CorruptIndexException("document " + doc + " is beyond the segment", in);
            }
            lists[c][i] = doc;
          }
        }
        CodecUtil.checkFooter(in);
        return new IvfLists(VectorMetric.values()[metricOrdinal], centroids, lists);
      } catch (CorruptIndexException
          | EOFException
          | IndexFormatTooOldException
          | IndexFormatTooNewException e) {
        throw new CorruptSegmentException(segment, name, e.getMessage(), e);
      }
    }
  }
}
