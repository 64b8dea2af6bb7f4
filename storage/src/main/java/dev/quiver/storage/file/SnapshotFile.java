package dev.quiver.storage.file;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.TableDef;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The whole database in one file, {@code quiver.snapshot}, written at checkpoints and on close.
 *
 * <p>Layout (big-endian, as {@link DataOutputStream} writes):
 *
 * <pre>
 * magic      8 bytes  "QVRSNAP1"
 * version    int      1
 * lastTs     long     timestamp of the last committed batch
 * tables     int      count, then per table:
 *   name     UTF
 *   columns  int      count, then per column: name UTF, type UTF (ColumnType), dimension int,
 *                     precision int, scale int, nullable boolean
 *   pk       int      position of the primary key column, -1 for none
 *   options  int      count, then key UTF, value UTF
 *   rows     int      count, then per row: insertTs long, then per column a presence byte
 *                     (0 = NULL, 1 = value) and the value (see {@link #writeValue})
 * indexes    int      count, then per index: name, table, column, method, metric UTF, options
 * crc32      long     CRC-32 of every byte above
 * </pre>
 *
 * <p>It is written to {@code quiver.snapshot.tmp}, forced to disk, renamed over the old file and
 * the folder forced, so a crash leaves the old or the new snapshot whole. A checksum mismatch is
 * reported as CORRUPT_FILE naming the file, never read as data. This format is the skeleton's; the
 * segment store of issue 3 replaces it.
 */
public final class SnapshotFile {
  static final String FILE_NAME = "quiver.snapshot";
  private static final byte[] MAGIC = "QVRSNAP1".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  private SnapshotFile() {}

  /** A row and the timestamp of the batch that wrote it. */
  public record StoredRowData(Object[] values, long insertTs) {}

  /** One table's definition and rows. */
  public record TableContents(TableDef def, List<StoredRowData> rows) {}

  /** Everything a snapshot holds. */
  public record Contents(long lastTimestamp, List<TableContents> tables, List<IndexDef> indexes) {}

  /** Reads the folder's snapshot; an empty database when there is none yet. */
  public static Contents read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Contents(0, List.of(), List.of());
    } catch (IOException e) {
      throw new QuiverException(
          ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
    }
    if (bytes.length < MAGIC.length + 12) {
      throw corrupt(file, "file is " + bytes.length + " bytes, shorter than a header and footer");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw corrupt(
          file,
          "checksum mismatch: stored "
              + Long.toHexString(stored)
              + ", computed "
              + Long.toHexString(crc.getValue()));
    }
    try (DataInputStream in =
        new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw corrupt(file, "not a Quiver snapshot (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw corrupt(
            file, "unsupported snapshot version " + version + "; this build reads " + VERSION);
      }
      long lastTs = in.readLong();
      int tableCount = in.readInt();
      List<TableContents> tables = new ArrayList<>(tableCount);
      for (int t = 0; t < tableCount; t++) {
        TableDef def = RowCodec.readTableDef(in);
        int rowCount = in.readInt();
        List<StoredRowData> rows = new ArrayList<>(rowCount);
        for (int r = 0; r < rowCount; r++) {
          long ts = in.readLong();
          rows.add(new StoredRowData(RowCodec.readRow(in, def), ts));
        }
        tables.add(new TableContents(def, rows));
      }
      int indexCount = in.readInt();
      List<IndexDef> indexes = new ArrayList<>(indexCount);
      for (int i = 0; i < indexCount; i++) {
        indexes.add(RowCodec.readIndexDef(in));
      }
      if (in.available() != 0) {
        throw corrupt(file, in.available() + " unexpected bytes before the footer");
      }
      return new Contents(lastTs, tables, indexes);
    } catch (IOException | IllegalArgumentException e) {
      throw corrupt(file, "unreadable content: " + e);
    }
  }

  /**
   * Writes a snapshot atomically through the real file system; see {@link #write(FileLayer, Path,
   * Contents)}.
   */
  public static void write(Path directory, Contents contents) {
    write(FileLayer.DEFAULT, directory, contents);
  }

  /** Writes a snapshot atomically: temporary file, force, rename, force the folder. */
  public static void write(FileLayer files, Path directory, Contents contents) {
    Path file = directory.resolve(FILE_NAME);
    Path tmp = directory.resolve(FILE_NAME + ".tmp");
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(buffer);
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(contents.lastTimestamp());
      out.writeInt(contents.tables().size());
      for (TableContents t : contents.tables()) {
        TableDef def = t.def();
        RowCodec.writeTableDef(out, def);
        out.writeInt(t.rows().size());
        for (StoredRowData row : t.rows()) {
          out.writeLong(row.insertTs());
          RowCodec.writeRow(out, def, row.values());
        }
      }
      out.writeInt(contents.indexes().size());
      for (IndexDef i : contents.indexes()) {
        RowCodec.writeIndexDef(out, i);
      }
      out.flush();
      CRC32 crc = new CRC32();
      byte[] body = buffer.toByteArray();
      crc.update(body);
      try (FileChannel channel =
          files.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer data = ByteBuffer.wrap(body);
        while (data.hasRemaining()) {
          channel.write(data);
        }
        ByteBuffer footer = ByteBuffer.allocate(8).putLong(crc.getValue()).flip();
        while (footer.hasRemaining()) {
          channel.write(footer);
        }
        channel.force(true);
      }
      files.atomicMove(tmp, file);
      files.forceDirectory(directory);
    } catch (IOException e) {
      throw new QuiverException(
          ErrorCode.IO_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static QuiverException corrupt(Path file, String why) {
    return new QuiverException(
        ErrorCode.CORRUPT_FILE,
        "database file " + file + " is damaged: " + why + "; restore it from a backup");
  }
}
