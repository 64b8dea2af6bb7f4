package dev.quiver.index.segment;

import java.io.Closeable;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.DocAndFloatFeatureBuffer;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.search.VectorScorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.util.BitSet;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.CloseableThreadLocal;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.IOUtils;

/**
 * An open segment folder written by {@link SegmentWriter}: row reads, key lookups, filters, exact
 * and HNSW nearest-neighbour search, and integrity checks over its one Lucene segment.
 *
 * <p>Documents are numbered {@code 0..rowCount()-1} in the order the rows were written. Masks such
 * as deletes, MVCC visibility and pushed-down filters are passed to searches as {@link Bits} over
 * these numbers; {@link #matching} turns a {@link SegmentQueries} query into such a mask.
 *
 * <p>All methods may be called from several threads. Row reads ({@link #row}, {@link #value},
 * {@link #vector}, {@link #rowId}, {@link #insertTs}) keep one set of doc-values iterators per
 * thread and only move them forward: reading all rows in ascending document order is one step per
 * value, while random access, and above all going back to an earlier document, is slower (a column
 * with nulls scans its index of present documents from the start again).
 *
 * <p>Opening needs nothing but lucene-core: the segment records Lucene's default codec by name (see
 * {@link SegmentCodec}).
 */
public final class SegmentReader implements Closeable {
  private final Path path;
  private final SegmentSchema schema;
  private final Directory directory;
  private final DirectoryReader reader;
  private final LeafReader leaf;
  private final LeafReaderContext context;
  private final IndexSearcher searcher;
  private final List<String> files;
  private final SegmentInfo info;
  private final KeyFilter keyFilter;
  private final Set<Integer> graphFields;
  private final Map<Integer, IvfLists> ivf;
  private final WriteOptions.Quantization[] quantization;
  private final CloseableThreadLocal<RowCursor> cursors =
      new CloseableThreadLocal<>() {
        @Override
        protected RowCursor initialValue() {
          return new RowCursor(leaf, schema);
        }
      };

  private SegmentReader(
      Path path, SegmentSchema schema, Directory directory, DirectoryReader reader)
      throws IOException {
    this.path = path;
    this.directory = directory;
    this.reader = reader;
    if (reader.leaves().size() != 1) {
      throw new CorruptSegmentException(
          path, null, "holds " + reader.leaves().size() + " Lucene segments, not one", null);
    }
    this.context = reader.leaves().get(0);
    this.leaf = context.reader();
    if (leaf.hasDeletions()) {
      throw new CorruptSegmentException(path, null, "has deleted documents", null);
    }
    IndexCommit commit = reader.getIndexCommit();
    Map<String, String> data = commit.getUserData();
    SegmentSchema written;
    long minTs;
    long maxTs;
    try {
      written = SegmentLayout.schemaOf(data);
      minTs = SegmentLayout.longOf(data, SegmentLayout.KEY_MIN_TS);
      maxTs = SegmentLayout.longOf(data, SegmentLayout.KEY_MAX_TS);
    } catch (IllegalArgumentException e) {
      throw new CorruptSegmentException(
          path,
          commit.getSegmentsFileName(),
          "its commit data does not describe a Quiver segment: " + e.getMessage(),
          e);
    }
    if (schema != null && !written.equals(schema)) {
      throw new IllegalArgumentException(
          "segment " + path + " was written with schema " + written + ", not " + schema);
    }
    this.schema = written;
    this.graphFields = SegmentLayout.graphFields(data, written);
    this.quantization = new WriteOptions.Quantization[written.size()];
    for (int i = 0; i < written.size(); i++) {
      quantization[i] = SegmentLayout.quantization(data, i);
    }
    List<String> names = new ArrayList<>(commit.getFileNames());
    if (written.hasKey()) {
      names.add(KeyFilter.FILE_NAME);
      this.keyFilter = KeyFilter.read(path, directory);
    } else {
      this.keyFilter = null;
    }
    this.ivf = new HashMap<>();
    for (int field : SegmentLayout.ivfFields(data)) {
      names.add(IvfLists.fileName(field));
      ivf.put(field, IvfLists.read(path, directory, field, reader.maxDoc()));
    }
    this.files = List.copyOf(names);
    long size = 0;
    for (String file : files) {
      size += directory.fileLength(file);
    }
    this.info = new SegmentInfo(leaf.maxDoc(), size, minTs, maxTs);
    this.searcher = new IndexSearcher(reader);
    // Key and filter queries are one-off per call; caching them would only churn memory.
    this.searcher.setQueryCache(null);
  }

  /**
   * Opens segment folder {@code directory}, which must have been written with {@code schema}.
   *
   * @throws NoSuchFileException if the folder does not exist (a {@code .tmp} folder never counts)
   * @throws CorruptSegmentException naming the file, if a file the open reads fails its checksum,
   *     or the folder is not a well-formed segment
   * @throws IllegalArgumentException if the segment was written with another schema
   */
  public static SegmentReader open(Path directory, SegmentSchema schema) throws IOException {
    Objects.requireNonNull(schema, "schema");
    return openFolder(directory, schema);
  }

  /**
   * Opens segment folder {@code directory} with the schema recorded in it.
   *
   * @throws NoSuchFileException if the folder does not exist
   * @throws CorruptSegmentException naming the file, as {@link #open(Path, SegmentSchema)}
   */
  public static SegmentReader open(Path directory) throws IOException {
    return openFolder(directory, null);
  }

  private static SegmentReader openFolder(Path directory, SegmentSchema schema) throws IOException {
    // FSDirectory would create a missing folder, turning a wrong path into an empty "segment".
    if (!Files.isDirectory(directory)) {
      throw new NoSuchFileException(directory.toString(), null, "no segment folder");
    }
    Directory dir = FSDirectory.open(directory);
    DirectoryReader reader = null;
    try {
      try {
        reader = DirectoryReader.open(dir);
      } catch (IOException | RuntimeException e) {
        // Lucene checks the checksums of the small files it reads whole at open, but its message
        // names a resource, not a file: find the damaged file ourselves.
        CorruptSegmentException corrupt;
        try {
          corrupt = verifyFiles(directory, dir, Arrays.asList(dir.listAll()));
        } catch (IOException verifyFailure) {
          e.addSuppressed(verifyFailure);
          throw e;
        }
        if (corrupt != null) {
          corrupt.addSuppressed(e);
          throw corrupt;
        }
        throw e;
      }
      return new SegmentReader(directory, schema, dir, reader);
    } catch (Throwable t) {
      IOUtils.closeWhileSuppressingExceptions(t, reader, dir);
      throw t;
    }
  }

  /** The segment folder. */
  public Path path() {
    return path;
  }

  /** The schema the segment was written with. */
  public SegmentSchema schema() {
    return schema;
  }

  /** Row count, size and insert timestamp range, as {@link SegmentWriter#write} returned them. */
  public SegmentInfo info() {
    return info;
  }

  /**
   * Whether vector column {@code field} was written with an HNSW graph (Lucene still skips the
   * graph of a segment with very few vectors; {@link #search} then searches exactly).
   */
  public boolean hasGraph(int field) {
    return graphFields.contains(vectorFieldPosition(field));
  }

  private int vectorFieldPosition(int field) {
    vectorField(field);
    return field;
  }

  /**
   * {@link #search(int, float[], int, Bits, int)} with the accepted documents as a {@link DocSet}
   * (null for all), so that callers need no Lucene types.
   */
  public List<VectorHit> searchAccepting(
      int field, float[] query, int k, DocSet accept, int efSearch) throws IOException {
    return search(field, query, k, accept == null ? null : accept.bits(), efSearch);
  }

  /** {@link #exactSearch(int, float[], int, Bits)} with the accepted documents as a set. */
  public List<VectorHit> exactSearchAccepting(int field, float[] query, int k, DocSet accept)
      throws IOException {
    return exactSearch(field, query, k, accept == null ? null : accept.bits());
  }

  /** Whether vector column {@code field} has an IVF_FLAT index. */
  public boolean hasIvf(int field) {
    return ivf.containsKey(vectorFieldPosition(field));
  }

  /**
   * The {@code k} nearest accepted documents by the IVF_FLAT index of vector column {@code field}:
   * exact distances over the documents of the {@code nprobe} lists nearest to the query, and of
   * further lists until k accepted documents were compared.
   */
  public List<VectorHit> ivfSearchAccepting(
      int field, float[] query, int k, DocSet accept, int nprobe) throws IOException {
    IvfLists lists = ivf.get(vectorFieldPosition(field));
    if (lists == null) {
      throw new IllegalStateException("field " + field + " has no IVF_FLAT index");
    }
    int[] candidates = lists.candidates(query, k, nprobe, accept);
    FixedBitSet bits = new FixedBitSet(rowCount());
    for (int doc : candidates) {
      bits.set(doc);
    }
    return exactSearch(field, query, k, bits);
  }

  /** The number of rows, which are documents {@code 0..rowCount()-1}. */
  public int rowCount() {
    return leaf.maxDoc();
  }

  /** The total size of the segment's files. */
  public long sizeBytes() {
    return info.sizeBytes();
  }

  /** The row id of document {@code doc}. */
  public long rowId(int doc) throws IOException {
    Objects.checkIndex(doc, rowCount());
    return cursors.get().rowId(doc);
  }

  /** The insert timestamp of document {@code doc}. */
  public long insertTs(int doc) throws IOException {
    Objects.checkIndex(doc, rowCount());
    return cursors.get().insertTs(doc);
  }

  /**
   * The values of document {@code doc}, one per schema column, of each kind's Java class, null for
   * NULL; vectors are fresh copies.
   */
  public Object[] row(int doc) throws IOException {
    Objects.checkIndex(doc, rowCount());
    return cursors.get().row(doc);
  }

  /** The value of column {@code field} of document {@code doc}, as in {@link #row}. */
  public Object value(int doc, int field) throws IOException {
    Objects.checkIndex(doc, rowCount());
    Objects.checkIndex(field, schema.size());
    return cursors.get().value(doc, field);
  }

  /** A copy of the vector in column {@code field} of document {@code doc}, or null. */
  public float[] vector(int doc, int field) throws IOException {
    Objects.checkIndex(doc, rowCount());
    vectorField(field);
    return (float[]) cursors.get().value(doc, field);
  }

  /**
   * The lowest document whose key equals {@code key}, or -1. A segment may hold several rows with
   * one key (an upsert writes the new row beside the old, deleted one): see {@link #findKeyDocs}.
   *
   * @param key an Integer, Long or String, as the key column's kind
   * @throws IllegalStateException if the schema has no key
   */
  public int findKey(Object key) throws IOException {
    if (!keyFilter().mightContain(key)) {
      return -1;
    }
    DocIdSetIterator docs = matches(SegmentQueries.equalTo(keyField(), key));
    if (docs == null) {
      return -1;
    }
    int doc = docs.nextDoc();
    return doc == DocIdSetIterator.NO_MORE_DOCS ? -1 : doc;
  }

  /** Every document whose key equals {@code key}, ascending. */
  public int[] findKeyDocs(Object key) throws IOException {
    if (!keyFilter().mightContain(key)) {
      return new int[0];
    }
    FixedBitSet docs = matching(SegmentQueries.equalTo(keyField(), key));
    int[] found = new int[docs.cardinality()];
    int doc = -1;
    for (int i = 0; i < found.length; i++) {
      doc = docs.nextSetBit(doc + 1);
      found[i] = doc;
    }
    return found;
  }

  /** The documents matching {@code query} (usually built by {@link SegmentQueries}). */
  public FixedBitSet matching(Query query) throws IOException {
    FixedBitSet bits = new FixedBitSet(rowCount());
    DocIdSetIterator docs = matches(query);
    if (docs != null) {
      bits.or(docs);
    }
    return bits;
  }

  /**
   * The documents with a value (not NULL) in column {@code field}; for a vector column, those with
   * a vector.
   */
  public DocSet present(int field) throws IOException {
    SegmentField f = schema.field(Objects.checkIndex(field, schema.size()));
    FixedBitSet bits = new FixedBitSet(rowCount());
    DocIdSetIterator docs =
        switch (f.kind()) {
          case VECTOR -> {
            FloatVectorValues values = vectors(f);
            yield values == null ? null : values.iterator();
          }
          case STRING, DECIMAL -> DocValues.getSorted(leaf, f.name());
          default -> DocValues.getSortedNumeric(leaf, f.name());
        };
    if (docs != null) {
      bits.or(docs);
    }
    return DocSet.of(bits);
  }

  /**
   * The documents whose value in column {@code field} equals {@code value}, by the column's index
   * (points or terms; see {@link SegmentQueries#equalTo}): DECIMAL numerically, STRING by UTF-8
   * bytes.
   */
  public DocSet equalTo(int field, Object value) throws IOException {
    return DocSet.of(matching(SegmentQueries.equalTo(scalarField(field), value)));
  }

  /**
   * The documents whose value in column {@code field} lies between {@code lower} and {@code upper},
   * both inclusive (null for no bound), in the column's indexed order (see {@link SegmentQueries}:
   * for FLOAT and DOUBLE {@code -0.0} below {@code 0.0} and NaN above infinity, so that a range up
   * to NaN includes it), through its points: the cost follows the matching documents, not the
   * segment's size.
   *
   * @throws IllegalArgumentException for DECIMAL and VECTOR columns
   */
  public DocSet inRange(int field, Object lower, Object upper) throws IOException {
    return DocSet.of(matching(SegmentQueries.range(scalarField(field), lower, true, upper, true)));
  }

  /** The documents inserted at or before timestamp {@code ts}. */
  public DocSet insertedAtOrBefore(long ts) throws IOException {
    if (info.maxInsertTs() <= ts) {
      return DocSet.all(rowCount());
    }
    return DocSet.of(matching(SegmentQueries.insertedAtOrBefore(ts)));
  }

  /**
   * The documents of {@code among} whose value in scalar column {@code field} passes {@code test},
   * which gets the value as {@link #row} reads it and is never asked about NULL (those documents
   * never match). STRING and DECIMAL columns ask the test once per distinct value the documents
   * hold, not once per document; other kinds decode each document's value. For conditions the index
   * cannot answer, such as LIKE or an expression on the column.
   *
   * @param among the documents to consider, of length {@link #rowCount()}
   */
  public DocSet matchingValues(int field, Predicate<Object> test, DocSet among) throws IOException {
    SegmentField f = scalarField(field);
    if (among.length() != rowCount()) {
      throw new IllegalArgumentException(
          "document set covers " + among.length() + " documents; the segment has " + rowCount());
    }
    FixedBitSet result = new FixedBitSet(rowCount());
    if (f.kind() == SegmentField.Kind.STRING || f.kind() == SegmentField.Kind.DECIMAL) {
      SortedDocValues values = DocValues.getSorted(leaf, f.name());
      // Per distinct value: 0 not asked yet, 1 passes, 2 fails.
      byte[] verdicts = new byte[values.getValueCount()];
      for (int doc = among.nextSetBit(0); doc >= 0; doc = among.nextSetBit(doc + 1)) {
        if (values.advanceExact(doc)) {
          int ord = values.ordValue();
          if (verdicts[ord] == 0) {
            verdicts[ord] =
                test.test(RowCursor.sortedValue(f, values.lookupOrd(ord))) ? (byte) 1 : (byte) 2;
          }
          if (verdicts[ord] == 1) {
            result.set(doc);
          }
        }
      }
    } else {
      SortedNumericDocValues values = DocValues.getSortedNumeric(leaf, f.name());
      for (int doc = among.nextSetBit(0); doc >= 0; doc = among.nextSetBit(doc + 1)) {
        if (values.advanceExact(doc) && test.test(RowCursor.numericValue(f, values.nextValue()))) {
          result.set(doc);
        }
      }
    }
    return DocSet.of(result);
  }

  private SegmentField scalarField(int field) {
    SegmentField f = schema.field(Objects.checkIndex(field, schema.size()));
    if (f.kind() == SegmentField.Kind.VECTOR) {
      throw new IllegalArgumentException("field '" + f.name() + "' is a VECTOR, not a scalar");
    }
    return f;
  }

  private DocIdSetIterator matches(Query query) throws IOException {
    Weight weight =
        searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
    Scorer scorer = weight.scorer(context);
    return scorer == null ? null : scorer.iterator();
  }

  private KeyFilter keyFilter() {
    keyField();
    return keyFilter;
  }

  private SegmentField keyField() {
    if (!schema.hasKey()) {
      throw new IllegalStateException("segment " + path + " has no key column");
    }
    return schema.field(schema.keyField());
  }

  /**
   * The approximate {@code k} nearest neighbours of {@code query} in vector column {@code field}
   * among the accepted documents, by HNSW search with a candidate list of {@code max(k, efSearch)},
   * sorted by exact distance.
   *
   * <p>Returns {@code k} hits whenever at least {@code k} accepted documents have a vector: like
   * Lucene's {@code KnnFloatVectorQuery}, it searches exactly when there are at most {@code k}
   * candidates, or when the graph search visits as many nodes as there are candidates without
   * completing (a very selective mask). Rows without a vector are never returned.
   *
   * @param acceptDocs the documents that may be returned, of length {@link #rowCount()}; null for
   *     all
   * @param efSearch the candidate list size (pgvector's {@code hnsw.ef_search}); more is slower and
   *     more accurate
   */
  public List<VectorHit> search(int field, float[] query, int k, Bits acceptDocs, int efSearch)
      throws IOException {
    SegmentField vectorField = checkSearch(field, query, k, acceptDocs);
    FloatVectorValues values = vectors(vectorField);
    if (values == null) {
      return List.of();
    }
    BitSet candidates = candidates(vectorField, values.size(), acceptDocs);
    int cost = candidates == null ? values.size() : candidates.cardinality();
    if (cost <= k) {
      return exactSearch(field, vectorField, query, k, candidates);
    }
    // A visit limit one above the candidate count never stops a search that could complete, and
    // stops an unlucky filtered one once exact search is known to be cheaper.
    int candidatesWanted = Math.max(k * quantization[field].oversample(), efSearch);
    TopKnnCollector collector = new TopKnnCollector(candidatesWanted, cost + 1);
    leaf.searchNearestVectors(
        vectorField.name(), query, collector, AcceptDocs.fromLiveDocs(candidates, rowCount()));
    ScoreDoc[] top = collector.topDocs().scoreDocs;
    if (collector.earlyTerminated() || top.length < k) {
      return exactSearch(field, vectorField, query, k, candidates);
    }
    // A float graph's scores are exact: its best k by score are the answer. A quantized graph's
    // candidates are re-ranked by exact distance from the float vectors kept beside the codes.
    ScoreDoc[] ranked = top;
    if (quantization[field] == WriteOptions.Quantization.NONE && top.length > k) {
      ranked = top.clone();
      if (!bestFirst(ranked)) {
        Arrays.sort(ranked, (a, b) -> Float.compare(b.score, a.score));
      }
      ranked = Arrays.copyOf(ranked, k);
    }
    int[] docs = new int[ranked.length];
    for (int i = 0; i < ranked.length; i++) {
      docs[i] = ranked[i].doc;
    }
    Arrays.sort(docs);
    List<VectorHit> hits = new ArrayList<>(docs.length);
    KnnVectorValues.DocIndexIterator iterator = values.iterator();
    for (int doc : docs) {
      iterator.advance(doc);
      hits.add(
          new VectorHit(
              doc, vectorField.metric().distance(query, values.vectorValue(iterator.index()))));
    }
    hits.sort(NEAREST_FIRST);
    return hits.size() > k ? new ArrayList<>(hits.subList(0, k)) : hits;
  }

  /**
   * The exact {@code k} nearest neighbours of {@code query} in vector column {@code field} among
   * the accepted documents, sorted by distance: a scan of every accepted vector.
   *
   * @param acceptDocs the documents that may be returned, of length {@link #rowCount()}; null for
   *     all
   */
  public List<VectorHit> exactSearch(int field, float[] query, int k, Bits acceptDocs)
      throws IOException {
    return exactSearch(field, checkSearch(field, query, k, acceptDocs), query, k, acceptDocs);
  }

  private List<VectorHit> exactSearch(
      int fieldIndex, SegmentField field, float[] query, int k, Bits acceptDocs)
      throws IOException {
    if (quantization[fieldIndex] == WriteOptions.Quantization.NONE) {
      return exactSearchByScore(field, query, k, acceptDocs);
    }
    FloatVectorValues values = vectors(field);
    if (values == null) {
      return List.of();
    }
    // The head is the worst of the best k so far.
    PriorityQueue<VectorHit> best = new PriorityQueue<>(k, NEAREST_FIRST.reversed());
    KnnVectorValues.DocIndexIterator iterator = values.iterator();
    DocIdSetIterator accepted = acceptedSet(acceptDocs);
    DocIdSetIterator docs =
        accepted == null
            ? iterator
            : ConjunctionUtils.intersectIterators(List.of(accepted, iterator));
    Bits test = accepted == null ? acceptDocs : null;
    for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
      if (test != null && !test.get(doc)) {
        continue;
      }
      double distance = field.metric().distance(query, values.vectorValue(iterator.index()));
      if (best.size() < k) {
        best.add(new VectorHit(doc, distance));
      } else if (Double.compare(distance, best.peek().distance()) < 0) {
        // Documents come in ascending order, so a tie never displaces the earlier document.
        best.poll();
        best.add(new VectorHit(doc, distance));
      }
    }
    List<VectorHit> hits = new ArrayList<>(best);
    hits.sort(NEAREST_FIRST);
    return hits;
  }

  /**
   * Exact search over float vectors through Lucene's scorer, which reads each vector where it is
   * mapped instead of copying it to the heap: about twice as fast as computing each distance from a
   * copy (a 1% filter over 60,000 784-d vectors). A score is a monotonic function of the distance,
   * rounded to a float, so the best {@code k} by score can differ from the best by distance only
   * among near-ties: twice as many are kept, and their distances computed exactly.
   */
  private List<VectorHit> exactSearchByScore(
      SegmentField field, float[] query, int k, Bits acceptDocs) throws IOException {
    FloatVectorValues values = vectors(field);
    if (values == null) {
      return List.of();
    }
    int wanted = k > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : 2 * k;
    // The head is the worst kept: the lowest score, and of equal scores the highest document.
    PriorityQueue<ScoreDoc> kept =
        new PriorityQueue<>(
            Math.min(wanted, 1024) + 1,
            (a, b) ->
                a.score != b.score
                    ? Float.compare(a.score, b.score)
                    : Integer.compare(b.doc, a.doc));
    VectorScorer scorer = values.scorer(query);
    if (scorer == null) {
      return List.of();
    }
    DocIdSetIterator accepted = acceptedSet(acceptDocs);
    Bits test = accepted == null ? acceptDocs : null;
    VectorScorer.Bulk bulk = scorer.bulk(accepted);
    DocAndFloatFeatureBuffer batch = new DocAndFloatFeatureBuffer();
    for (bulk.nextDocsAndScores(DocIdSetIterator.NO_MORE_DOCS, null, batch);
        batch.size > 0;
        bulk.nextDocsAndScores(DocIdSetIterator.NO_MORE_DOCS, null, batch)) {
      for (int i = 0; i < batch.size; i++) {
        int doc = batch.docs[i];
        if (test != null && !test.get(doc)) {
          continue;
        }
        float score = batch.features[i];
        if (kept.size() < wanted) {
          kept.add(new ScoreDoc(doc, score));
        } else if (score > kept.peek().score) {
          kept.poll();
          kept.add(new ScoreDoc(doc, score));
        }
      }
    }
    int[] candidates = new int[kept.size()];
    int n = 0;
    for (ScoreDoc hit : kept) {
      candidates[n++] = hit.doc;
    }
    Arrays.sort(candidates);
    FloatVectorValues exact = vectors(field);
    KnnVectorValues.DocIndexIterator positions = exact.iterator();
    List<VectorHit> hits = new ArrayList<>(candidates.length);
    for (int doc : candidates) {
      positions.advance(doc);
      hits.add(
          new VectorHit(doc, field.metric().distance(query, exact.vectorValue(positions.index()))));
    }
    hits.sort(NEAREST_FIRST);
    return hits.size() > k ? new ArrayList<>(hits.subList(0, k)) : hits;
  }

  /**
   * The accepted documents as an iterator when they are a set, which then leads the search, so that
   * a selective filter costs its own documents, not the segment's; null when every document is
   * accepted or the accepted ones must be tested one by one.
   */
  private static DocIdSetIterator acceptedSet(Bits acceptDocs) {
    return acceptDocs instanceof BitSet bits
        ? new BitSetIterator(bits, bits.approximateCardinality())
        : null;
  }

  /**
   * A fresh view of a field's vectors, or null if no row has one. Each pass over the vectors takes
   * its own: the iterators of one view share their position (a second {@code iterator()} on sparse
   * vectors continues where the first stopped).
   */
  private FloatVectorValues vectors(SegmentField field) throws IOException {
    return leaf.getFloatVectorValues(field.name());
  }

  /**
   * Ascending distance, NaN last, then ascending document. Written out: a chain of comparator
   * combinators cost as much as the rest of the hits' bookkeeping in top-k profiles.
   */
  private static final Comparator<VectorHit> NEAREST_FIRST =
      (a, b) -> {
        int byDistance = Double.compare(a.distance(), b.distance());
        return byDistance != 0 ? byDistance : Integer.compare(a.doc(), b.doc());
      };

  /** Whether the hits come by descending score, as a top-k collector returns them. */
  private static boolean bestFirst(ScoreDoc[] hits) {
    for (int i = 1; i < hits.length; i++) {
      if (hits[i - 1].score < hits[i].score) {
        return false;
      }
    }
    return true;
  }

  /**
   * The accepted documents that have a vector, or null when that is every document; the graph
   * search needs the exact count to choose its strategy and to know when to give up.
   */
  private BitSet candidates(SegmentField field, int vectorCount, Bits acceptDocs)
      throws IOException {
    boolean dense = vectorCount == rowCount();
    if (acceptDocs == null && dense) {
      return null;
    }
    if (dense && acceptDocs instanceof FixedBitSet bits) {
      return bits;
    }
    FixedBitSet candidates = new FixedBitSet(rowCount());
    KnnVectorValues.DocIndexIterator iterator = vectors(field).iterator();
    for (int doc = iterator.nextDoc();
        doc != DocIdSetIterator.NO_MORE_DOCS;
        doc = iterator.nextDoc()) {
      if (acceptDocs == null || acceptDocs.get(doc)) {
        candidates.set(doc);
      }
    }
    return candidates;
  }

  private SegmentField checkSearch(int field, float[] query, int k, Bits acceptDocs) {
    SegmentField vectorField = vectorField(field);
    if (k < 1) {
      throw new IllegalArgumentException("k is " + k + "; it must be at least 1");
    }
    if (acceptDocs != null && acceptDocs.length() != rowCount()) {
      throw new IllegalArgumentException(
          "accept mask covers "
              + acceptDocs.length()
              + " documents; the segment has "
              + rowCount());
    }
    if (query.length != vectorField.dimension()) {
      throw new IllegalArgumentException(
          "query vector has "
              + query.length
              + " dimensions; field '"
              + vectorField.name()
              + "' has "
              + vectorField.dimension());
    }
    boolean zero = true;
    for (int i = 0; i < query.length; i++) {
      if (!Float.isFinite(query[i])) {
        throw new IllegalArgumentException("query vector component " + i + " is " + query[i]);
      }
      zero &= query[i] == 0;
    }
    if (zero && vectorField.metric() == VectorMetric.COSINE) {
      throw new IllegalArgumentException(
          "a zero query vector has no cosine distance to anything (field '"
              + vectorField.name()
              + "')");
    }
    return vectorField;
  }

  private SegmentField vectorField(int field) {
    SegmentField f = schema.field(Objects.checkIndex(field, schema.size()));
    if (f.kind() != SegmentField.Kind.VECTOR) {
      throw new IllegalArgumentException(
          "field '" + f.name() + "' is " + f.kind() + ", not VECTOR");
    }
    return f;
  }

  /**
   * Reads every file of the segment whole and checks its CRC32 footer.
   *
   * @throws CorruptSegmentException naming the first damaged, truncated or missing file
   */
  public void checkIntegrity() throws IOException {
    CorruptSegmentException corrupt = verifyFiles(path, directory, files);
    if (corrupt != null) {
      throw corrupt;
    }
  }

  /** The error for the first of {@code files} that fails its checksum, or null if none does. */
  private static CorruptSegmentException verifyFiles(
      Path path, Directory directory, Collection<String> files) throws IOException {
    for (String file : files.stream().sorted().toList()) {
      try (IndexInput input = directory.openInput(file, IOContext.READONCE)) {
        CodecUtil.checksumEntireFile(input);
      } catch (CorruptIndexException
          | EOFException
          | NoSuchFileException
          | FileNotFoundException
          | IndexFormatTooOldException
          | IndexFormatTooNewException e) {
        return new CorruptSegmentException(path, file, e.getMessage(), e);
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(cursors, reader, directory);
  }
}
