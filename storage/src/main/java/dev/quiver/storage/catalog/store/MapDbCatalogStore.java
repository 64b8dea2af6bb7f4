package dev.quiver.storage.catalog.store;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.file.FileLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.mapdb.BTreeMap;
import org.mapdb.CC;
import org.mapdb.DB;
import org.mapdb.Serializer;
import org.mapdb.StoreWAL;
import org.mapdb.volume.ByteArrayVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;

/**
 * The catalog store of a database folder: MapDB 3.1.0 with transactions in {@code catalog.db}, made
 * crash-safe by a page journal of its own ({@code catalog.db.journal-0} and {@code -1}).
 *
 * <h2>Why MapDB alone is not enough</h2>
 *
 * <p>MapDB's transactional store ({@code StoreWAL}, what {@code DBMaker.transactionEnable()}
 * builds) commits by writing and syncing its own WAL, then overwriting {@code catalog.db} in place,
 * syncing it and deleting the WAL. Opening a store never replays that WAL: StoreWAL's constructor
 * reads the header and nothing else, and the WAL does not even hold the index values a commit
 * changes. A process that dies during the in-place writes leaves a header describing the new commit
 * over pages that are partly old. Measured with plain {@code DBMaker.fileDB(f).transactionEnable()}
 * and one BTreeMap commit per step: of 300 SIGKILLs at random moments, 2 left a store that opened
 * without error but had lost an entry of an acknowledged commit; halting the JVM just before the
 * n-th in-place write (n = 1 to 40, spanning four commits) left 30 of 40 stores whose BTreeMap
 * iteration threw {@code ArrayIndexOutOfBoundsException}. Random kills seldom land in that window
 * of microseconds, so a short kill test passes. StoreWAL also refuses record checksums, so nothing
 * detects the damage.
 *
 * <p>So MapDB writes {@code catalog.db} through {@link JournaledVolume}: its writes collect in
 * memory and reach the file only when its commit syncs, as one {@link PageJournal} commit (page
 * images and a checksum of every page, forced to a journal slot before the file changes, replayed
 * on open). MapDB's own WAL stays in memory: it is never replayed, so syncing it would buy nothing.
 * The store is assembled from StoreWAL and DB directly because DBMaker cannot take a volume; mmap,
 * the cleaner hack, {@code fileSyncDisable} and {@code checksumHeaderBypass} are all off.
 *
 * <h2>Contents of catalog.db</h2>
 *
 * <p>Six MapDB BTreeMaps, with MapDB's primitive serializers for keys and numbers and {@link
 * CatalogCodec}'s bytes for definitions (never MapDB's POJO serializer):
 *
 * <pre>
 * map        key                                 value
 * meta       "format"            String          1 (Long): the layout described here
 *            "checkpoint_ts"     String          the checkpoint timestamp (Long), 0 before the first
 *            "next_segment_id"   String          the next segment id to allocate (Long), from 1
 * tables     table name          String          TableDef value (kind 'T')
 * indexes    index name          String          IndexDef value (kind 'I')
 * segments   segment id          Long            SegmentMeta value (kind 'S')
 * deletes    [segment id, row id] long[2]        delete timestamp (Long)
 * compactions job id          Long            CompactionMeta value (kind 'C'); created when
 *                                                 missing, so older catalogs open
 * </pre>
 *
 * <p>A definition value is big-endian: a format version byte (1), a kind byte, the payload, then
 * the CRC-32C of all that as an int. A string is an int byte count and UTF-8 bytes; a nullable
 * string a byte (0 null, 1 present) and the string; an enum its constant's name as a string;
 * options an int count and key, value strings in key order. Payloads:
 *
 * <pre>
 * 'T' table    name; columns: int count, then per column name, type (ColumnType), dimension int,
 *              precision int, scale int, nullable byte; primaryKey int (-1 none); options
 * 'I' index    name, table, column; method (IndexMethod); metric (Metric); options
 * 'S' segment  id long; table; state (SegmentState); rowCount, deletedRows, sizeBytes, minTs,
 *              maxTs, createdAtMillis, sealedAtMillis longs; indexName, indexState nullable
 * 'C' job      id long; table, type, state strings; plansDone, plansTotal, segmentsIn,
 *              segmentsOut, rowsIn, rowsOut, bytesReclaimed, startedAtMillis, finishedAtMillis
 *              longs; error, reason nullable
 * </pre>
 *
 * <p>Each public mutating method is one MapDB commit, hence one journal commit. Opening checks
 * every page against the journal, the format, every value's version, kind and CRC, that each key
 * matches its value, and that indexes and live segments name existing tables; any failure is
 * CORRUPT_FILE naming the file, never data. Tables, indexes and segments are held in memory once
 * open; delete records are read from the file when asked for.
 */
public final class MapDbCatalogStore extends AbstractCatalogStore {
  /** The store's file in the database folder. */
  public static final String FILE_NAME = "catalog.db";

  private static final long FORMAT = 1;
  private static final String FORMAT_KEY = "format";
  private static final String CHECKPOINT_KEY = "checkpoint_ts";
  private static final String NEXT_SEGMENT_ID_KEY = "next_segment_id";

  private final Path file;
  private final DB db;
  private final Maps maps;
  private boolean failed;

  /** The store's six maps. */
  /** The names of the catalog's maps, in the order of {@link Maps}' components. */
  private static final List<String> MAP_NAMES =
      List.of("meta", "tables", "indexes", "segments", "deletes", "compactions");

  private record Maps(
      BTreeMap<String, Long> meta,
      BTreeMap<String, byte[]> tables,
      BTreeMap<String, byte[]> indexes,
      BTreeMap<Long, byte[]> segments,
      BTreeMap<long[], Long> deletes,
      BTreeMap<Long, byte[]> compactions) {}

  private MapDbCatalogStore(Path file, DB db, Maps maps, Contents contents) {
    super(contents);
    this.file = file;
    this.db = db;
    this.maps = maps;
  }

  /**
   * Opens the catalog of a database folder, creating an empty one when the folder has none.
   *
   * @throws QuiverException CORRUPT_FILE when catalog.db or its journal is damaged, IO_ERROR when
   *     they cannot be read or written, DATABASE_LOCKED when another store has them open
   */
  public static MapDbCatalogStore open(Path directory) {
    return open(directory, FileLayer.DEFAULT);
  }

  /**
   * {@link #open(Path)} with every file operation going through {@code files}.
   *
   * @throws QuiverException as {@link #open(Path)}
   */
  public static MapDbCatalogStore open(Path directory, FileLayer files) {
    Path file = directory.resolve(FILE_NAME);
    try {
      files.createDirectories(directory);
      Path parent = directory.toAbsolutePath().getParent();
      if (parent != null) {
        // The folder itself must survive a power loss, not only the files in it.
        files.forceDirectory(parent);
      }
    } catch (IOException e) {
      throw CatalogErrors.io(directory, "create the folder of", e);
    }
    PageJournal journal = PageJournal.open(file, files);
    JournaledVolume volume = new JournaledVolume(journal);
    boolean exists = journal.sequence() > 0;
    DB db = null;
    try {
      if (!exists) {
        // The store's creation takes several MapDB commits; held together they make one journal
        // commit, so a crash leaves either no catalog or a complete empty one.
        volume.hold();
      }
      // DBMaker.fileDB(file).transactionEnable().make()'s store, with its defaults: no lock wait,
      // thread-safe, default concurrency and allocation, no delete on open or close, no record
      // checksums (StoreWAL has none), header checksum on, checksumHeaderBypass off.
      StoreWAL store =
          StoreWAL.make(
              file.toString(),
              volumeFactory(file, volume, exists),
              0L,
              true,
              CC.STORE_DIRECT_CONC_SHIFT,
              0L,
              0L,
              false,
              false,
              false,
              true,
              false);
      db = new DB(store, exists, true, MapDbCatalogStore.class.getClassLoader(), 0);
      Maps maps = exists ? openMaps(db, file) : createMaps(db);
      if (!exists) {
        db.commit();
        volume.release();
      }
      return new MapDbCatalogStore(file, db, maps, load(maps, file));
    } catch (QuiverException e) {
      closeAfterFailure(db, volume, e);
      throw e;
    } catch (RuntimeException e) {
      closeAfterFailure(db, volume, e);
      throw CatalogErrors.corrupt(file, "MapDB cannot read it: " + e, e);
    }
  }

  @Override
  void persist(CatalogChange change) {
    if (failed) {
      throw new QuiverException(
          ErrorCode.IO_ERROR,
          "an earlier change to catalog file "
              + file
              + " failed, so its state is unknown; reopen the database");
    }
    failed = true;
    try {
      change.removeTables.forEach(maps.tables()::remove);
      for (TableDef table : change.putTables) {
        maps.tables().put(table.name(), CatalogCodec.encodeTable(table));
      }
      change.removeIndexes.forEach(maps.indexes()::remove);
      for (IndexDef index : change.putIndexes) {
        maps.indexes().put(index.name(), CatalogCodec.encodeIndex(index));
      }
      for (long id : change.removeSegments) {
        maps.segments().remove(id);
        new ArrayList<>(segmentDeletes(id).keySet()).forEach(maps.deletes()::remove);
      }
      for (SegmentMeta segment : change.putSegments) {
        maps.segments().put(segment.id(), CatalogCodec.encodeSegment(segment));
      }
      change.removeCompactions.forEach(maps.compactions()::remove);
      for (CompactionMeta job : change.putCompactions) {
        maps.compactions().put(job.id(), CatalogCodec.encodeCompaction(job));
      }
      for (Map.Entry<Long, Map<Long, Long>> segment : change.deletes.entrySet()) {
        for (Map.Entry<Long, Long> row : segment.getValue().entrySet()) {
          long[] key = {segment.getKey(), row.getKey()};
          Long old = maps.deletes().get(key);
          if (old == null || row.getValue() < old) {
            maps.deletes().put(key, row.getValue());
          }
        }
      }
      if (change.checkpointTs != CatalogChange.UNCHANGED) {
        maps.meta().put(CHECKPOINT_KEY, change.checkpointTs);
      }
      if (change.nextSegmentId != CatalogChange.UNCHANGED) {
        maps.meta().put(NEXT_SEGMENT_ID_KEY, change.nextSegmentId);
      }
      db.commit();
    } catch (QuiverException e) {
      throw e;
    } catch (RuntimeException e) {
      throw CatalogErrors.corrupt(file, "MapDB failed to update it: " + e, e);
    }
    failed = false;
  }

  @Override
  NavigableMap<Long, Long> readDeletes(long segmentId) {
    if (failed) {
      throw new QuiverException(
          ErrorCode.IO_ERROR,
          "an earlier change to catalog file " + file + " failed; reopen the database");
    }
    NavigableMap<Long, Long> rows = new TreeMap<>();
    try {
      segmentDeletes(segmentId).forEach((key, ts) -> rows.put(key[1], ts));
    } catch (QuiverException e) {
      throw e;
    } catch (RuntimeException e) {
      throw CatalogErrors.corrupt(file, "MapDB cannot read segment deletes: " + e, e);
    }
    return rows;
  }

  @Override
  void closeStorage() {
    db.close();
  }

  private Map<long[], Long> segmentDeletes(long segmentId) {
    return maps.deletes().subMap(new long[] {segmentId}, true, new long[] {segmentId + 1}, false);
  }

  /** Volumes for MapDB: the journaled one for catalog.db, memory for MapDB's WAL files. */
  private static VolumeFactory volumeFactory(Path file, JournaledVolume volume, boolean exists) {
    String name = file.toString();
    return new VolumeFactory() {
      @Override
      public Volume makeVolume(
          String path,
          boolean readOnly,
          long fileLockWait,
          int sliceShift,
          long initSize,
          boolean fixedSize) {
        return name.equals(path)
            ? volume
            : ByteArrayVol.FACTORY.makeVolume(
                path, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
      }

      @Override
      public boolean exists(String path) {
        return name.equals(path) && exists;
      }

      @Override
      public boolean handlesReadonly() {
        return false;
      }
    };
  }

  private static Maps createMaps(DB db) {
    Maps maps = maps(db, true);
    maps.meta().put(FORMAT_KEY, FORMAT);
    maps.meta().put(CHECKPOINT_KEY, 0L);
    maps.meta().put(NEXT_SEGMENT_ID_KEY, 1L);
    return maps;
  }

  /** The catalog's maps, their names and serializers in one place; created or opened. */
  private static Maps maps(DB db, boolean create) {
    return new Maps(
        make(db.treeMap(MAP_NAMES.get(0), Serializer.STRING, Serializer.LONG), create),
        make(db.treeMap(MAP_NAMES.get(1), Serializer.STRING, Serializer.BYTE_ARRAY), create),
        make(db.treeMap(MAP_NAMES.get(2), Serializer.STRING, Serializer.BYTE_ARRAY), create),
        make(db.treeMap(MAP_NAMES.get(3), Serializer.LONG, Serializer.BYTE_ARRAY), create),
        make(db.treeMap(MAP_NAMES.get(4), Serializer.LONG_ARRAY, Serializer.LONG), create),
        // Catalogs written before compaction jobs existed lack this map: it is made on open, and
        // reaches the file with the next commit.
        create
            ? db.treeMap(MAP_NAMES.get(5), Serializer.LONG, Serializer.BYTE_ARRAY).create()
            : db.treeMap(MAP_NAMES.get(5), Serializer.LONG, Serializer.BYTE_ARRAY).createOrOpen());
  }

  private static <K, V> BTreeMap<K, V> make(DB.TreeMapMaker<K, V> maker, boolean create) {
    return create ? maker.create() : maker.open();
  }

  private static Maps openMaps(DB db, Path file) {
    for (String name : MAP_NAMES.subList(0, 5)) {
      if (!db.exists(name)) {
        throw CatalogErrors.corrupt(file, "it has no '" + name + "' map; it is not a catalog");
      }
    }
    Maps maps = maps(db, false);
    Long format = maps.meta().get(FORMAT_KEY);
    if (format == null || format != FORMAT) {
      throw CatalogErrors.corrupt(
          file, "catalog format " + format + " is unknown; this build reads format " + FORMAT);
    }
    return maps;
  }

  /** Decodes and cross-checks everything but the delete records. */
  private static Contents load(Maps maps, Path file) {
    List<TableDef> tables = new ArrayList<>();
    Map<String, TableDef> tablesByName = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : maps.tables().entrySet()) {
      String entry = "table '" + e.getKey() + "'";
      TableDef table = CatalogCodec.decodeTable(e.getValue(), file, entry);
      requireKey(file, entry, e.getKey(), table.name());
      tables.add(table);
      tablesByName.put(table.name(), table);
    }
    List<IndexDef> indexes = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : maps.indexes().entrySet()) {
      String entry = "index '" + e.getKey() + "'";
      IndexDef index = CatalogCodec.decodeIndex(e.getValue(), file, entry);
      requireKey(file, entry, e.getKey(), index.name());
      if (!tablesByName.containsKey(index.table())) {
        throw CatalogErrors.corrupt(file, entry + " names missing table " + index.table());
      }
      indexes.add(index);
    }
    long checkpointTs = requireMeta(maps, file, CHECKPOINT_KEY, 0);
    long nextSegmentId = requireMeta(maps, file, NEXT_SEGMENT_ID_KEY, 1);
    List<SegmentMeta> segments = new ArrayList<>();
    for (Map.Entry<Long, byte[]> e : maps.segments().entrySet()) {
      String entry = "segment " + e.getKey();
      SegmentMeta segment = CatalogCodec.decodeSegment(e.getValue(), file, entry);
      requireKey(file, entry, e.getKey(), segment.id());
      if (segment.id() < 1 || segment.id() >= nextSegmentId) {
        throw CatalogErrors.corrupt(
            file, entry + " has an id at or beyond the next id " + nextSegmentId);
      }
      if (segment.state() != SegmentState.DROPPED && !tablesByName.containsKey(segment.table())) {
        throw CatalogErrors.corrupt(
            file,
            entry + " is " + segment.state() + " but its table " + segment.table() + " is missing");
      }
      segments.add(segment);
    }
    List<CompactionMeta> compactions = new ArrayList<>();
    for (Map.Entry<Long, byte[]> e : maps.compactions().entrySet()) {
      String entry = "compaction " + e.getKey();
      CompactionMeta job = CatalogCodec.decodeCompaction(e.getValue(), file, entry);
      requireKey(file, entry, e.getKey(), job.id());
      compactions.add(job);
    }
    return new Contents(tables, indexes, segments, compactions, checkpointTs, nextSegmentId);
  }

  private static void requireKey(Path file, String entry, Object key, Object inValue) {
    if (!key.equals(inValue)) {
      throw CatalogErrors.corrupt(file, entry + " holds the entry of " + inValue);
    }
  }

  private static long requireMeta(Maps maps, Path file, String key, long min) {
    Long value = maps.meta().get(key);
    if (value == null || value < min) {
      throw CatalogErrors.corrupt(file, "meta entry " + key + " is " + value);
    }
    return value;
  }

  private static void closeAfterFailure(DB db, Volume volume, Exception failure) {
    try {
      if (db != null) {
        db.close();
      } else {
        volume.close();
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
