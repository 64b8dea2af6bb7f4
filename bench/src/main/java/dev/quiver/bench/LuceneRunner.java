package dev.quiver.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Raw Lucene 10 in the same JVM, with the same M, beam width and data: one segment, an HNSW query
 * asking for {@code ef} candidates and keeping the best k, as Quiver's segment search does. The
 * floor of Quiver's overhead.
 */
final class LuceneRunner {
  private LuceneRunner() {}

  static List<Result> run(Dataset data, Path folder, int m, int efConstruction, int[] efs, int k)
      throws IOException {
    List<Result> results = new ArrayList<>();
    VectorSimilarityFunction similarity =
        data.metric().equals("cosine")
            ? VectorSimilarityFunction.COSINE
            : VectorSimilarityFunction.EUCLIDEAN;
    Path dir = folder.resolve("lucene-" + data.name());
    long start = System.nanoTime();
    try (FSDirectory directory = FSDirectory.open(dir)) {
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setRAMBufferSizeMB(1024)
              // Merging only adjacent segments keeps documents in insertion order.
              .setMergePolicy(new LogDocMergePolicy())
              .setCodec(
                  new Lucene104Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                      return new Lucene99HnswVectorsFormat(m, efConstruction);
                    }
                  });
      try (IndexWriter writer = new IndexWriter(directory, config)) {
        for (int i = 0; i < data.base().length; i++) {
          Document doc = new Document();
          doc.add(new StoredField("id", i));
          doc.add(new KnnFloatVectorField("e", data.base()[i], similarity));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
        writer.commit();
      }
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      try (DirectoryReader reader = DirectoryReader.open(directory)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setQueryCache(null);
        // Warmed up like Quiver's runner, so that both start from compiled code.
        for (int round = 0; round < 3; round++) {
          search(searcher, data, k, efs[0], Math.min(500, data.queries().length));
        }
        for (int ef : efs) {
          search(searcher, data, k, ef, Math.min(100, data.queries().length));
          long t = System.nanoTime();
          int[][] found = search(searcher, data, k, ef, data.queries().length);
          double seconds = (System.nanoTime() - t) / 1e9;
          results.add(
              new Result(
                  data.name(),
                  "lucene",
                  "ef_search",
                  ef,
                  data.recall(found),
                  data.queries().length / seconds,
                  data.queries().length,
                  buildSeconds));
        }
      }
    }
    return results;
  }

  private static int[][] search(IndexSearcher searcher, Dataset data, int k, int ef, int count)
      throws IOException {
    int[][] found = new int[data.queries().length][];
    for (int q = 0; q < count; q++) {
      TopDocs top =
          searcher.search(new KnnFloatVectorQuery("e", data.queries()[q], Math.max(k, ef)), k);
      int[] ids = new int[top.scoreDocs.length];
      int n = 0;
      for (ScoreDoc hit : top.scoreDocs) {
        // One segment with documents in insertion order: the doc id is the row id.
        ids[n++] = hit.doc;
      }
      found[q] = ids;
    }
    return found;
  }
}
