package dev.quiver.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Raw Lucene 10 in the same JVM, with the same M, beam width, data and segment size as Quiver
 * (segments of {@link QuiverRunner#SEGMENT_ROWS} documents, never merged): an HNSW query asking for
 * {@code ef} candidates per segment and keeping the best k, as Quiver's segment search does, with
 * the filter as an {@link IntPoint} range query on the category. The floor of Quiver's overhead.
 *
 * <p>The index is built first and stays open while Quiver is measured: its one-thread sweep runs
 * interleaved with Quiver's float HNSW sweep, point by point (see {@link Interleaved}).
 */
final class LuceneRunner {
  private LuceneRunner() {}

  /** The built, open index of one data set. */
  static final class Index implements AutoCloseable {
    private final Dataset data;
    private final FSDirectory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final double buildSeconds;
    private final List<Result> unfiltered = new ArrayList<>();

    private Index(Dataset data, FSDirectory directory, double buildSeconds) throws IOException {
      this.data = data;
      this.directory = directory;
      this.buildSeconds = buildSeconds;
      this.reader = DirectoryReader.open(directory);
      // No executor: the segments are searched one after another on the calling thread.
      this.searcher = new IndexSearcher(reader);
      searcher.setQueryCache(null);
    }

    double buildSeconds() {
      return buildSeconds;
    }

    /** The ids of the top k of query q under the filter, asking each segment for ef candidates. */
    int[] search(Filter filter, int k, int ef, int q) throws IOException {
      Query restrict =
          filter.equals(Filter.NONE) ? null : IntPoint.newRangeQuery("cat", 0, filter.below() - 1);
      TopDocs top =
          searcher.search(
              new KnnFloatVectorQuery("e", data.queries()[q], Math.max(k, ef), restrict), k);
      int[] ids = new int[top.scoreDocs.length];
      int n = 0;
      for (ScoreDoc hit : top.scoreDocs) {
        ids[n++] = hit.doc;
      }
      return ids;
    }

    /** Runs the first {@code count} queries untimed, to compile the query path. */
    void warmUp(Filter filter, int k, int ef, int count) throws IOException {
      for (int q = 0; q < count; q++) {
        search(filter, k, ef, q);
      }
    }

    /** Records an unfiltered sweep point, from which the concurrency workload picks its ef. */
    void measured(Result result) {
      if (result.filter().equals(Filter.NONE)) {
        unfiltered.add(result);
      }
    }

    /**
     * The one-thread sweep alone, for a run that measures no Quiver float HNSW to interleave it
     * with: per filter a warm-up, then each ef over every query once.
     */
    void sweepAlone(int k, int[] efs, List<String> lines) throws Exception {
      for (Filter filter : Filter.ALL) {
        warmUp(filter, k, efs[0], Math.min(1000, data.queries().length));
        for (int ef : efs) {
          warmUp(filter, k, ef, Math.min(100, data.queries().length));
          int count = data.queries().length;
          Interleaved.Run run =
              Interleaved.run(List.of(q -> search(filter, k, ef, q)), count, count, 1);
          Result result = result(filter, ef, run.qps()[0], run.found()[0], count, k);
          lines.add(result.toJson());
          measured(result);
        }
      }
    }

    /** A sweep point of this index. */
    Result result(Filter filter, int ef, double qps, int[][] found, int queries, int k) {
      return new Result(
          data.name(),
          "lucene",
          "search",
          filter,
          1,
          "ef_search",
          ef,
          data.recall(found, filter),
          qps,
          queries,
          (int) Arrays.stream(found).filter(ids -> ids != null && ids.length < k).count(),
          buildSeconds);
    }

    /** Concurrent clients sharing the searcher, unfiltered, at one ef. */
    Clients.Factory clients(int k, int ef) {
      return () -> q -> search(Filter.NONE, k, ef, q);
    }

    /**
     * Throughput with concurrent threads alone (when Quiver's float HNSW, which takes turns with
     * it, is not measured), at the smallest ef of the sweep reaching recall 0.95.
     */
    void concurrency(QuiverRunner.Settings settings, List<String> lines) throws Exception {
      int ef = QuiverRunner.atRecall(unfiltered, 0.95);
      List<Clients.Contender> alone =
          List.of(new Clients.Contender("lucene", ef, clients(settings.k(), ef)));
      for (int t : settings.threads()) {
        for (Result result : Clients.measure(data, alone, t, settings.concurrencySeconds())) {
          lines.add(result.toJson());
        }
      }
    }

    @Override
    public void close() throws IOException {
      reader.close();
      directory.close();
    }
  }

  /** Builds the index of a data set in {@code folder} and opens it. */
  static Index build(Dataset data, Path folder, QuiverRunner.Settings settings) throws IOException {
    VectorSimilarityFunction similarity =
        data.metric().equals("cosine")
            ? VectorSimilarityFunction.COSINE
            : VectorSimilarityFunction.EUCLIDEAN;
    Path dir = folder.resolve("lucene-" + data.name());
    long start = System.nanoTime();
    FSDirectory directory = FSDirectory.open(dir);
    try {
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setMaxBufferedDocs(QuiverRunner.SEGMENT_ROWS)
              .setRAMBufferSizeMB(1800)
              // Unmerged segments keep documents in insertion order: the doc id is the row id.
              .setMergePolicy(NoMergePolicy.INSTANCE)
              .setCodec(
                  new Lucene104Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                      return new Lucene99HnswVectorsFormat(settings.m(), settings.efConstruction());
                    }
                  });
      try (IndexWriter writer = new IndexWriter(directory, config)) {
        for (int i = 0; i < data.base().length; i++) {
          Document doc = new Document();
          doc.add(new IntPoint("cat", Filter.category(i)));
          doc.add(new KnnFloatVectorField("e", data.base()[i], similarity));
          writer.addDocument(doc);
        }
        writer.commit();
      }
      return new Index(data, directory, (System.nanoTime() - start) / 1e9);
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }
}
