package dev.quiver.index.segment;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * The tuning of one {@link SegmentWriter#write} call: HNSW graph parameters per vector field and
 * the indexing buffer size.
 *
 * @param defaultHnsw the graph parameters of vector fields not named in {@code hnswByField}
 * @param hnswByField graph parameters by vector field name
 * @param graphlessFields vector fields stored without an HNSW graph (raw vectors only, searched
 *     exactly): columns without a vector index, whose graph would cost build time for nothing
 * @param ivfListsByField vector fields that get an IVF_FLAT index, with its largest list count
 * @param ramBufferMb the indexing buffer; a segment whose rows, vectors and graph fit in it is
 *     written in a single flush, a larger one in several flushes merged into one at the end (which
 *     rebuilds the graph, so it costs more time)
 */
public record WriteOptions(
    Hnsw defaultHnsw,
    Map<String, Hnsw> hnswByField,
    Set<String> graphlessFields,
    Map<String, Integer> ivfListsByField,
    double ramBufferMb) {

  /** Default indexing buffer: 100k rows of 128-d vectors and their graph fit in one flush. */
  public static final double DEFAULT_RAM_BUFFER_MB = 256;

  /**
   * HNSW graph construction parameters.
   *
   * @param m the maximum number of neighbours per node (pgvector's {@code m}, Lucene's maxConn)
   * @param beamWidth the candidate list size during construction (pgvector's {@code
   *     ef_construction})
   */
  public record Hnsw(int m, int beamWidth, Quantization quantization) {
    /** Float vectors in the graph, as Lucene's {@code Lucene99HnswVectorsFormat} keeps them. */
    public Hnsw(int m, int beamWidth) {
      this(m, beamWidth, Quantization.NONE);
    }

    /** Lucene's defaults: m = 16, beamWidth = 100. */
    public static final Hnsw DEFAULT =
        new Hnsw(
            Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN,
            Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH);

    /** Checks the ranges Lucene accepts. */
    public Hnsw {
      if (m < 1 || m > Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN) {
        throw new IllegalArgumentException(
            "HNSW m is "
                + m
                + "; it must be between 1 and "
                + Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN);
      }
      if (beamWidth < 1 || beamWidth > Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH) {
        throw new IllegalArgumentException(
            "HNSW beam width (ef_construction) is "
                + beamWidth
                + "; it must be between 1 and "
                + Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH);
      }
    }
  }

  /**
   * How a graph's vectors are compressed (Lucene 10's {@code
   * Lucene104HnswScalarQuantizedVectorsFormat}). The float vectors are kept beside them, and a
   * search re-ranks its candidates by exact distance; the coarser encodings over-fetch more
   * candidates first ({@link #oversample}).
   */
  public enum Quantization {
    /** 4 bytes per dimension. */
    NONE(1),
    /** 1 byte per dimension (Lucene's UNSIGNED_BYTE). */
    INT8(1),
    /** Half a byte per dimension (PACKED_NIBBLE). */
    INT4(3),
    /** One bit per dimension (SINGLE_BIT_QUERY_NIBBLE). */
    BINARY(5);

    private final int oversample;

    Quantization(int oversample) {
      this.oversample = oversample;
    }

    /** How many times k candidates a search collects before re-ranking them exactly. */
    public int oversample() {
      return oversample;
    }
  }

  /** Checks the buffer size and copies the map. */
  public WriteOptions {
    Objects.requireNonNull(defaultHnsw, "defaultHnsw");
    hnswByField = Map.copyOf(hnswByField);
    graphlessFields = Set.copyOf(graphlessFields);
    ivfListsByField = Map.copyOf(ivfListsByField);
    if (!(ramBufferMb >= 1)) {
      throw new IllegalArgumentException("ramBufferMb is " + ramBufferMb + "; it must be >= 1");
    }
  }

  /** Lucene's HNSW defaults for every field and a {@value #DEFAULT_RAM_BUFFER_MB} MB buffer. */
  public static WriteOptions defaults() {
    return new WriteOptions(Hnsw.DEFAULT, Map.of(), Set.of(), Map.of(), DEFAULT_RAM_BUFFER_MB);
  }

  /** These options with {@code hnsw} for vector field {@code field}. */
  public WriteOptions withHnsw(String field, Hnsw hnsw) {
    Map<String, Hnsw> byField = new HashMap<>(hnswByField);
    byField.put(field, hnsw);
    return new WriteOptions(defaultHnsw, byField, graphlessFields, ivfListsByField, ramBufferMb);
  }

  /** These options with {@code hnsw} for every vector field not set one by one. */
  public WriteOptions withDefaultHnsw(Hnsw hnsw) {
    return new WriteOptions(hnsw, hnswByField, graphlessFields, ivfListsByField, ramBufferMb);
  }

  /** These options with an indexing buffer of {@code megabytes}. */
  public WriteOptions withRamBufferMb(double megabytes) {
    return new WriteOptions(defaultHnsw, hnswByField, graphlessFields, ivfListsByField, megabytes);
  }

  /** These options with vector field {@code field} stored without a graph. */
  public WriteOptions withoutGraph(String field) {
    Set<String> fields = new HashSet<>(graphlessFields);
    fields.add(field);
    return new WriteOptions(defaultHnsw, hnswByField, fields, ivfListsByField, ramBufferMb);
  }

  /**
   * These options with an IVF_FLAT index on vector field {@code field}: at most {@code nlist}
   * lists, about the square root of the segment's vector count.
   */
  public WriteOptions withIvf(String field, int nlist) {
    if (nlist < 1) {
      throw new IllegalArgumentException("nlist is " + nlist + "; it must be at least 1");
    }
    Map<String, Integer> ivf = new HashMap<>(ivfListsByField);
    ivf.put(field, nlist);
    return new WriteOptions(defaultHnsw, hnswByField, graphlessFields, ivf, ramBufferMb);
  }

  /** Whether vector field {@code field} gets an HNSW graph. */
  public boolean hasGraph(String field) {
    return !graphlessFields.contains(field);
  }

  /** The graph parameters of vector field {@code field}. */
  public Hnsw hnsw(String field) {
    return hnswByField.getOrDefault(field, defaultHnsw);
  }
}
