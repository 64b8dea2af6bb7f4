package dev.quiver.storage;

import dev.quiver.index.segment.CorruptSegmentException;
import dev.quiver.index.segment.SegmentField;
import dev.quiver.index.segment.SegmentReader;
import dev.quiver.index.segment.SegmentRow;
import dev.quiver.index.segment.SegmentSchema;
import dev.quiver.index.segment.SegmentWriter;
import dev.quiver.index.segment.VectorMetric;
import dev.quiver.index.segment.WriteOptions;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.catalog.store.SegmentMeta;
import dev.quiver.storage.table.Segment;
import dev.quiver.storage.table.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The segment folders of a database, {@code PATH/segments/seg-<id>}: writing a table's sealed rows
 * as one, opening and verifying them, and removing those the catalog no longer lists.
 */
final class SegmentFiles {
  private static final Logger LOG = Logger.getLogger(SegmentFiles.class.getName());
  private static final String PREFIX = "seg-";

  private final Path root;

  SegmentFiles(Path databaseDirectory) {
    this.root = databaseDirectory.resolve("segments");
  }

  Path root() {
    return root;
  }

  Path path(long id) {
    return root.resolve(PREFIX + id);
  }

  /**
   * Writes rows as segment {@code id}: the table's columns as fields, vectors in the metric of the
   * column's index, and with {@code graphs} an HNSW graph for each column with an HNSW index (its
   * m, ef_construction and quantization); raw vectors otherwise.
   */
  Segment write(
      long id,
      TableDef def,
      List<Table.RowData> rows,
      List<IndexDef> indexes,
      boolean graphs,
      long createdAtMillis) {
    WriteOptions options = WriteOptions.defaults();
    List<SegmentField> fields = new ArrayList<>();
    String builtIndex = null;
    for (int i = 0; i < def.columns().size(); i++) {
      ColumnDef column = def.column(i);
      String name = column.name();
      switch (column.type()) {
        case BOOLEAN -> fields.add(SegmentField.scalar(name, SegmentField.Kind.BOOLEAN));
        case INTEGER, DATE -> fields.add(SegmentField.scalar(name, SegmentField.Kind.INT));
        case BIGINT, TIMESTAMP -> fields.add(SegmentField.scalar(name, SegmentField.Kind.LONG));
        case REAL -> fields.add(SegmentField.scalar(name, SegmentField.Kind.FLOAT));
        case DOUBLE -> fields.add(SegmentField.scalar(name, SegmentField.Kind.DOUBLE));
        case DECIMAL -> fields.add(SegmentField.scalar(name, SegmentField.Kind.DECIMAL));
        case VARCHAR -> fields.add(SegmentField.scalar(name, SegmentField.Kind.STRING));
        case VECTOR -> {
          IndexDef index = graphs ? hnswIndex(indexes, name) : null;
          IndexDef ivf = graphs ? ivfIndex(indexes, name) : null;
          IndexDef any = index != null ? index : ivf != null ? ivf : anyIndex(indexes, name);
          // Exact search in a segment is fastest in the metric its vectors were written with.
          VectorMetric metric =
              any == null ? VectorMetric.L2 : Segment.toVectorMetric(any.metric());
          // Lucene's cosine graph refuses zero vectors, which SQL accepts (their distance is NaN):
          // such a segment keeps that column's vectors without a graph, searched exactly.
          if (metric == VectorMetric.COSINE && hasZeroVector(rows, i)) {
            metric = VectorMetric.L2;
            index = null;
          }
          if (ivf != null && metric == Segment.toVectorMetric(ivf.metric())) {
            options =
                options.withIvf(
                    name, Integer.parseInt(ivf.options().getOrDefault("nlist", "1024")));
            builtIndex = builtIndex == null ? ivf.name() : builtIndex;
          }
          if (index == null) {
            options = options.withoutGraph(name);
          } else {
            options =
                options.withHnsw(
                    name,
                    new WriteOptions.Hnsw(
                        Integer.parseInt(index.options().getOrDefault("m", "16")),
                        Integer.parseInt(index.options().getOrDefault("ef_construction", "100")),
                        WriteOptions.Quantization.valueOf(
                            index
                                .options()
                                .getOrDefault("quantization", "none")
                                .toUpperCase(Locale.ROOT))));
            builtIndex = builtIndex == null ? index.name() : builtIndex;
          }
          fields.add(SegmentField.vector(name, column.dimension(), metric));
        }
      }
    }
    SegmentSchema schema = new SegmentSchema(fields, def.primaryKey());
    Path path = path(id);
    try {
      Files.createDirectories(root);
      Iterator<Table.RowData> source = rows.iterator();
      SegmentWriter.write(
          path,
          schema,
          new Iterator<>() {
            @Override
            public boolean hasNext() {
              return source.hasNext();
            }

            @Override
            public SegmentRow next() {
              Table.RowData row = source.next();
              return new SegmentRow(row.rowId(), row.insertTs(), row.values());
            }
          },
          options);
      return new Segment(
          id,
          def.name(),
          SegmentReader.open(path),
          createdAtMillis,
          System.currentTimeMillis(),
          builtIndex);
    } catch (IOException e) {
      throw new QuiverException(
          ErrorCode.IO_ERROR,
          "writing segment " + path + " of table " + def.name() + " failed: " + e.getMessage(),
          e);
    } catch (IllegalArgumentException e) {
      // A row the segment cannot hold passed the checks at insert: a bug, and the checkpoint that
      // met it fails (the rows stay in memory and in the log) rather than writing part of them.
      throw new QuiverException(
          ErrorCode.INTERNAL_ERROR,
          "writing segment " + path + " of table " + def.name() + " failed: " + e.getMessage(),
          e);
    }
  }

  /**
   * Whether a segment lacks the structure of one of its table's HNSW or IVF_FLAT indexes (it was
   * sealed before the index existed, or written without them at a checkpoint).
   */
  static boolean needsIndex(Segment segment, TableDef def, List<IndexDef> indexes) {
    for (IndexDef index : indexes) {
      if (index.method() == IndexMethod.FLAT) {
        continue;
      }
      int column = def.columnIndex(index.column());
      if (column < 0) {
        continue;
      }
      var field = segment.reader().schema().field(column);
      boolean built =
          index.method() == IndexMethod.HNSW
              ? segment.reader().hasGraph(column)
              : segment.reader().hasIvf(column);
      if (!built || field.metric() != Segment.toVectorMetric(index.metric())) {
        return true;
      }
    }
    return false;
  }

  /** Opens a segment the catalog lists and verifies every checksum of its files. */
  Segment open(SegmentMeta meta) {
    Path path = path(meta.id());
    SegmentReader reader = null;
    try {
      reader = SegmentReader.open(path);
      reader.checkIntegrity();
      return new Segment(
          meta.id(),
          meta.table(),
          reader,
          meta.createdAtMillis(),
          meta.sealedAtMillis(),
          meta.indexName());
    } catch (CorruptSegmentException e) {
      closeQuietly(reader, e);
      throw new QuiverException(
          ErrorCode.CORRUPT_FILE,
          "segment file "
              + (e.file() == null ? path : path.resolve(e.file()))
              + " of table "
              + meta.table()
              + " is damaged ("
              + e.getMessage()
              + "); restore the database from a backup",
          e);
    } catch (NoSuchFileException e) {
      closeQuietly(reader, e);
      throw new QuiverException(
          ErrorCode.CORRUPT_FILE,
          "segment folder "
              + path
              + " of table "
              + meta.table()
              + " is listed in the catalog but "
              + (e.getFile() == null || e.getFile().equals(path.toString())
                  ? "missing"
                  : "lacks file " + e.getFile())
              + "; restore the database from a backup",
          e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(reader, e);
      throw new QuiverException(
          ErrorCode.CORRUPT_FILE,
          "segment folder "
              + path
              + " of table "
              + meta.table()
              + " cannot be read ("
              + e
              + "); restore the database from a backup",
          e);
    }
  }

  /** Deletes a segment's folder, and a {@code .tmp} folder a crash left beside it. */
  void delete(long id) {
    deleteTree(path(id));
    deleteTree(SegmentWriter.temporaryFolder(path(id)));
  }

  /**
   * Deletes every folder under {@code segments/} that is not a segment the catalog lists: the
   * leftovers of a crash between writing a segment and recording it, or mid-write.
   */
  void removeOrphans(Set<Long> listed) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        if (!listed.contains(idOf(child.getFileName().toString()))) {
          LOG.info("removing " + child + ", which the catalog does not list");
          deleteTree(child);
        }
      }
    } catch (IOException e) {
      throw new QuiverException(
          ErrorCode.IO_ERROR, "listing segment folder " + root + " failed: " + e, e);
    }
  }

  private static long idOf(String name) {
    if (!name.startsWith(PREFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void deleteTree(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new QuiverException(ErrorCode.IO_ERROR, "deleting " + path + " failed: " + e, e);
    }
  }

  private static void closeQuietly(SegmentReader reader, Exception failure) {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  private static IndexDef hnswIndex(List<IndexDef> indexes, String column) {
    for (IndexDef index : indexes) {
      if (index.column().equals(column) && index.method() == IndexMethod.HNSW) {
        return index;
      }
    }
    return null;
  }

  private static IndexDef ivfIndex(List<IndexDef> indexes, String column) {
    for (IndexDef index : indexes) {
      if (index.column().equals(column) && index.method() == IndexMethod.IVF_FLAT) {
        return index;
      }
    }
    return null;
  }

  private static IndexDef anyIndex(List<IndexDef> indexes, String column) {
    for (IndexDef index : indexes) {
      if (index.column().equals(column)) {
        return index;
      }
    }
    return null;
  }

  private static boolean hasZeroVector(List<Table.RowData> rows, int column) {
    for (Table.RowData row : rows) {
      if (row.values()[column] instanceof float[] v && isZero(v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isZero(float[] v) {
    for (float x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
