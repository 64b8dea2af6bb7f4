package dev.quiver.index.segment;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FloatField;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

/**
 * The writer of immutable segment folders: one folder holds one Lucene commit of exactly one Lucene
 * segment, whose documents are the given rows in the given order (document {@code i} is the {@code
 * i}-th row).
 *
 * <h2>Folder</h2>
 *
 * <p>{@code segments_1} (the commit, with the user data below) and the files of Lucene segment
 * {@code _0} (a later name when several flushes were merged), never in a compound file so that a
 * checksum failure names the real file. With Lucene 10.6: {@code _0.si} segment info, {@code
 * _0.fnm} field infos, {@code _0_Lucene90_0.dvm/.dvd/.dvs/.dvp} doc values, {@code
 * _0.kdm/.kdi/.kdd} points, {@code _0_Lucene104_0.tmd/.tip/.tim/.doc/.psm} terms of STRING and
 * DECIMAL columns, {@code _0_Lucene99HnswVectorsFormat_0.vemf/.vec} raw vectors and {@code
 * .vem/.vex} HNSW graphs, {@code _0.fdm/.fdt/.fdx} stored fields (empty); and, when the schema has
 * a key, {@code quiver_keys.bloom}, a Bloom filter of the keys ({@link KeyFilter}). Every file ends
 * with Lucene's CRC32 footer. The lock file is removed, so the folder holds only checksummed files.
 *
 * <h2>Codec</h2>
 *
 * <p>Lucene's default codec ({@code Lucene104} in Lucene 10.6) with one {@code
 * Lucene99HnswVectorsFormat} per vector field carrying that field's {@link WriteOptions.Hnsw}
 * parameters; see {@link SegmentCodec} for why a plain {@code DirectoryReader.open} reads it.
 * Lucene builds no graph for a field with fewer than about 650 vectors and searches it exactly.
 *
 * <h2>Lucene fields of one row</h2>
 *
 * <table>
 *   <caption>Lucene fields</caption>
 *   <tr><th>field</th><th>indexed as</th><th>doc values</th></tr>
 *   <tr><td>{@code _rowid}</td><td>doc-values skip index</td><td>NUMERIC</td></tr>
 *   <tr><td>{@code _ts} (insert timestamp)</td><td>doc-values skip index</td><td>NUMERIC</td></tr>
 *   <tr><td>BOOLEAN column</td><td>1-d int point, 0 or 1</td><td>SORTED_NUMERIC 0 or 1</td></tr>
 *   <tr><td>INT column</td><td>1-d int point</td><td>SORTED_NUMERIC</td></tr>
 *   <tr><td>LONG column</td><td>1-d long point</td><td>SORTED_NUMERIC</td></tr>
 *   <tr><td>FLOAT column</td><td>1-d float point</td>
 *       <td>SORTED_NUMERIC of {@code NumericUtils.floatToSortableInt}</td></tr>
 *   <tr><td>DOUBLE column</td><td>1-d double point</td>
 *       <td>SORTED_NUMERIC of {@code NumericUtils.doubleToSortableLong}</td></tr>
 *   <tr><td>DECIMAL column</td>
 *       <td>term of {@code stripTrailingZeros().toString()}, equal for 1.5 and 1.50</td>
 *       <td>SORTED of {@code BigDecimal.toString()}, which reads back with its scale</td></tr>
 *   <tr><td>STRING column</td><td>term (UTF-8)</td><td>SORTED (UTF-8)</td></tr>
 *   <tr><td>VECTOR column</td><td>HNSW graph with the metric's similarity</td>
 *       <td>none: raw float32 vectors in {@code .vec}</td></tr>
 * </table>
 *
 * <p>A column's Lucene field has the column's name. A null value adds no Lucene field at all, so
 * "missing" means NULL everywhere. The key column is indexed like any INT, LONG or STRING column
 * (points or terms serve exact lookups) but must not be null. DECIMAL keeps its exact value as a
 * string because no fixed-width number holds every BigDecimal; its sorted doc values are therefore
 * not in numeric order, and it is indexed for equality only. STRING and DECIMAL values are limited
 * to {@value SegmentLayout#MAX_STRING_BYTES} UTF-8 bytes, Lucene's limit for terms and sorted doc
 * values.
 *
 * <h2>Commit user data</h2>
 *
 * <p>{@code quiver.format} (layout version, 1), {@code quiver.fields} (column count), {@code
 * quiver.field.<i>} ({@code KIND name} or {@code VECTOR <dimension> <METRIC> name}), {@code
 * quiver.key} (key position or -1), {@code quiver.min_ts}, {@code quiver.max_ts} and {@code
 * quiver.graphs} (the comma-separated positions of the vector fields written with a graph).
 *
 * <h2>Crash safety</h2>
 *
 * <p>The segment is written into {@code <directory>.tmp}, committed (Lucene fsyncs every file and
 * the folder), renamed atomically to {@code <directory>}, and the parent folder is fsynced. A crash
 * leaves either no {@code <directory>} or a complete one; a leftover {@code .tmp} folder is the
 * caller's to delete. A write that fails with an exception deletes its {@code .tmp} folder.
 */
public final class SegmentWriter {
  private SegmentWriter() {}

  /**
   * Writes {@code rows} as a new segment folder {@code directory}, whose parent folder must exist.
   *
   * @throws FileAlreadyExistsException if {@code directory} or {@code <directory>.tmp} exists
   * @throws IllegalArgumentException if there are no rows, or a row does not fit the schema
   */
  public static SegmentInfo write(
      Path directory, SegmentSchema schema, Iterator<SegmentRow> rows, WriteOptions options)
      throws IOException {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(options, "options");
    requireAbsent(directory);
    Path tmp = temporaryFolder(directory);
    // Fails if a crashed write left the folder: that one is the caller's to inspect and delete.
    Files.createDirectory(tmp);
    boolean published = false;
    try {
      RowStats stats = new RowStats();
      try (Directory dir = FSDirectory.open(tmp)) {
        long[] keyHashes = new long[schema.hasKey() ? 1024 : 0];
        // The vectors of IVF_FLAT fields, by document, for training once all are known.
        Map<Integer, List<float[]>> ivfVectors = new HashMap<>();
        for (int i = 0; i < schema.size(); i++) {
          if (options.ivfListsByField().containsKey(schema.field(i).name())) {
            ivfVectors.put(i, new ArrayList<>());
          }
        }
        try (IndexWriter writer = new IndexWriter(dir, config(schema, options))) {
          while (rows.hasNext()) {
            SegmentRow row = rows.next();
            writer.addDocument(document(schema, row));
            if (schema.hasKey()) {
              if (stats.count == keyHashes.length) {
                keyHashes = Arrays.copyOf(keyHashes, keyHashes.length * 2);
              }
              keyHashes[stats.count] = KeyFilter.hash(row.values()[schema.keyField()]);
            }
            for (Map.Entry<Integer, List<float[]>> e : ivfVectors.entrySet()) {
              e.getValue().add((float[]) row.values()[e.getKey()]);
            }
            stats.add(row.insertTs());
          }
          if (stats.count == 0) {
            throw new IllegalArgumentException("a segment needs at least one row");
          }
          writer.forceMerge(1);
          writer.setLiveCommitData(
              SegmentLayout.commitData(schema, stats.minTs, stats.maxTs, options).entrySet());
          writer.commit();
        }
        for (Map.Entry<Integer, List<float[]>> e : ivfVectors.entrySet()) {
          SegmentField field = schema.field(e.getKey());
          IvfLists.build(
                  e.getValue().toArray(new float[0][]),
                  field.metric(),
                  options.ivfListsByField().get(field.name()),
                  stats.minTs ^ stats.count)
              .write(dir, e.getKey());
          dir.sync(List.of(IvfLists.fileName(e.getKey())));
        }
        if (schema.hasKey()) {
          KeyFilter filter = KeyFilter.forKeys(stats.count);
          for (int i = 0; i < stats.count; i++) {
            filter.addHash(keyHashes[i]);
          }
          filter.write(dir);
          dir.sync(List.of(KeyFilter.FILE_NAME));
          dir.syncMetaData();
        }
      }
      Files.delete(tmp.resolve(IndexWriter.WRITE_LOCK_NAME));
      long sizeBytes = sizeOf(tmp);
      requireAbsent(directory);
      Files.move(tmp, directory, StandardCopyOption.ATOMIC_MOVE);
      published = true;
      IOUtils.fsync(directory.toAbsolutePath().getParent(), true);
      return new SegmentInfo(stats.count, sizeBytes, stats.minTs, stats.maxTs);
    } catch (Throwable t) {
      if (!published) {
        try {
          IOUtils.rm(tmp);
        } catch (IOException e) {
          t.addSuppressed(e);
        }
      }
      throw t;
    }
  }

  /** The folder a segment is written in before it is renamed to {@code directory}. */
  public static Path temporaryFolder(Path directory) {
    return directory.resolveSibling(directory.getFileName() + ".tmp");
  }

  private static void requireAbsent(Path directory) throws FileAlreadyExistsException {
    if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(
          directory.toString(), null, "a segment folder is written once and never overwritten");
    }
  }

  private static IndexWriterConfig config(SegmentSchema schema, WriteOptions options) {
    // Merging only adjacent segments keeps documents in row order when a large segment needs
    // several flushes; the high merge factor defers all merging (which rebuilds HNSW graphs) to the
    // final forceMerge; no compound file so that every file carries its own checksum and name.
    LogDocMergePolicy mergePolicy = new LogDocMergePolicy();
    mergePolicy.setNoCFSRatio(0);
    mergePolicy.setMergeFactor(1000);
    return new IndexWriterConfig()
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
        .setCodec(new SegmentCodec(schema, options))
        .setUseCompoundFile(false)
        .setMergePolicy(mergePolicy)
        .setMergeScheduler(new SerialMergeScheduler())
        .setRAMBufferSizeMB(options.ramBufferMb())
        .setCommitOnClose(false);
  }

  private static Document document(SegmentSchema schema, SegmentRow row) {
    Object[] values = row.values();
    if (values.length != schema.size()) {
      throw new IllegalArgumentException(
          "row "
              + row.rowId()
              + " has "
              + values.length
              + " values; the schema has "
              + schema.size());
    }
    Document doc = new Document();
    doc.add(NumericDocValuesField.indexedField(SegmentLayout.ROW_ID, row.rowId()));
    doc.add(NumericDocValuesField.indexedField(SegmentLayout.INSERT_TS, row.insertTs()));
    for (int i = 0; i < values.length; i++) {
      SegmentField field = schema.field(i);
      Object value = values[i];
      if (value == null) {
        if (i == schema.keyField()) {
          throw new IllegalArgumentException(
              "row " + row.rowId() + " has a null key '" + field.name() + "'");
        }
        continue;
      }
      if (!field.kind().javaClass().isInstance(value)) {
        throw new IllegalArgumentException(
            "row "
                + row.rowId()
                + ", field '"
                + field.name()
                + "' ("
                + field.kind()
                + "): expected "
                + field.kind().javaClass().getSimpleName()
                + ", got "
                + value.getClass().getName());
      }
      addValue(doc, row.rowId(), field, value);
    }
    return doc;
  }

  private static void addValue(Document doc, long rowId, SegmentField field, Object value) {
    String name = field.name();
    switch (field.kind()) {
      case BOOLEAN -> doc.add(new IntField(name, (Boolean) value ? 1 : 0, Field.Store.NO));
      case INT -> doc.add(new IntField(name, (Integer) value, Field.Store.NO));
      case LONG -> doc.add(new LongField(name, (Long) value, Field.Store.NO));
      case FLOAT -> doc.add(new FloatField(name, (Float) value, Field.Store.NO));
      case DOUBLE -> doc.add(new DoubleField(name, (Double) value, Field.Store.NO));
      case DECIMAL -> {
        BigDecimal decimal = (BigDecimal) value;
        doc.add(
            new StringField(
                name, text(rowId, field, SegmentLayout.decimalTerm(decimal)), Field.Store.NO));
        doc.add(new SortedDocValuesField(name, text(rowId, field, decimal.toString())));
      }
      case STRING -> {
        BytesRef bytes = text(rowId, field, (String) value);
        doc.add(new StringField(name, bytes, Field.Store.NO));
        doc.add(new SortedDocValuesField(name, bytes));
      }
      case VECTOR ->
          doc.add(
              new KnnFloatVectorField(
                  name, vector(rowId, field, (float[]) value), field.metric().similarity()));
    }
  }

  private static BytesRef text(long rowId, SegmentField field, String value) {
    BytesRef bytes = new BytesRef(value);
    if (bytes.length > SegmentLayout.MAX_STRING_BYTES) {
      throw new IllegalArgumentException(
          "row "
              + rowId
              + ", field '"
              + field.name()
              + "': value has "
              + bytes.length
              + " UTF-8 bytes; a segment stores at most "
              + SegmentLayout.MAX_STRING_BYTES);
    }
    return bytes;
  }

  private static float[] vector(long rowId, SegmentField field, float[] vector) {
    if (vector.length != field.dimension()) {
      throw new IllegalArgumentException(
          "row "
              + rowId
              + ", field '"
              + field.name()
              + "': vector has "
              + vector.length
              + " dimensions; the field has "
              + field.dimension());
    }
    boolean zero = true;
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalArgumentException(
            "row " + rowId + ", field '" + field.name() + "': component " + i + " is " + vector[i]);
      }
      zero &= vector[i] == 0;
    }
    if (zero && field.metric() == VectorMetric.COSINE) {
      throw new IllegalArgumentException(
          "row "
              + rowId
              + ", field '"
              + field.name()
              + "': a zero vector has no cosine distance; Lucene's COSINE index rejects it");
    }
    return vector;
  }

  private static long sizeOf(Path folder) throws IOException {
    long size = 0;
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        size += Files.size(file);
      }
    }
    return size;
  }

  /** Row count and insert timestamp range, gathered while writing. */
  private static final class RowStats {
    int count;
    long minTs = Long.MAX_VALUE;
    long maxTs = Long.MIN_VALUE;

    void add(long insertTs) {
      count++;
      minTs = Math.min(minTs, insertTs);
      maxTs = Math.max(maxTs, insertTs);
    }
  }
}
