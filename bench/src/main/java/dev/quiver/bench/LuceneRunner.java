package dev.quiver.bench;

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
 */
final class LuceneRunner {
  private LuceneRunner() {}

  static void run(
      Dataset data, Path folder, QuiverRunner.Settings settings, int[] efs, List<String> lines)
      throws Exception {
    VectorSimilarityFunction similarity =
        data.metric().equals("cosine")
            ? VectorSimilarityFunction.COSINE
            : VectorSimilarityFunction.EUCLIDEAN;
    Path dir = folder.resolve("lucene-" + data.name());
    long start = System.nanoTime();
    try (FSDirectory directory = FSDirectory.open(dir)) {
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
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      try (DirectoryReader reader = DirectoryReader.open(directory)) {
        // No executor: the segments are searched one after another on the calling thread.
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setQueryCache(null);
        int k = settings.k();
        List<Result> unfiltered = new ArrayList<>();
        for (Filter filter : Filter.ALL) {
          // Warmed up like Quiver's runner, so that both start from compiled code.
          search(searcher, data, filter, k, efs[0], Math.min(1000, data.queries().length));
          for (int ef : efs) {
            search(searcher, data, filter, k, ef, Math.min(100, data.queries().length));
            long t = System.nanoTime();
            int[][] found = search(searcher, data, filter, k, ef, data.queries().length);
            double seconds = (System.nanoTime() - t) / 1e9;
            Result result =
                new Result(
                    data.name(),
                    "lucene",
                    "search",
                    filter,
                    1,
                    "ef_search",
                    ef,
                    data.recall(found, filter),
                    data.queries().length / seconds,
                    data.queries().length,
                    (int) Arrays.stream(found).filter(ids -> ids.length < k).count(),
                    buildSeconds);
            lines.add(result.toJson());
            if (filter.equals(Filter.NONE)) {
              unfiltered.add(result);
            }
          }
        }
        int ef = QuiverRunner.atRecall(unfiltered, 0.95);
        for (int threads : settings.threads()) {
          lines.add(concurrent(searcher, data, k, ef, threads).toJson());
        }
      }
    }
  }

  private static Result concurrent(IndexSearcher searcher, Dataset data, int k, int ef, int threads)
      throws Exception {
    Clients.Factory factory = () -> q -> searchOne(searcher, data, Filter.NONE, k, ef, q);
    return Clients.measure("lucene", data, ef, threads, factory);
  }

  private static int[][] search(
      IndexSearcher searcher, Dataset data, Filter filter, int k, int ef, int count)
      throws java.io.IOException {
    int[][] found = new int[data.queries().length][];
    for (int q = 0; q < count; q++) {
      found[q] = searchOne(searcher, data, filter, k, ef, q);
    }
    return found;
  }

  private static int[] searchOne(
      IndexSearcher searcher, Dataset data, Filter filter, int k, int ef, int q)
      throws java.io.IOException {
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
}
