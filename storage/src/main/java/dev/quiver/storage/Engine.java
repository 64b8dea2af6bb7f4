package dev.quiver.storage;

import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.file.DatabaseLock;
import dev.quiver.storage.file.SnapshotFile;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.Timeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One Quiver database: its catalog of tables and vector indexes, their rows, and the timeline that
 * orders writes. In memory, or in a folder that it holds exclusively while open.
 *
 * <p>Catalog changes (DDL) are serialized on the engine; row writes go through {@link Table#apply}.
 * A folder database is loaded from its snapshot file when opened and written back by {@link
 * #checkpoint()} and {@link #close()}; the write-ahead log that makes every acknowledged write
 * durable comes with the segment store (issue 3).
 */
public final class Engine implements AutoCloseable {
  private final Path directory;
  private final DatabaseLock lock;
  private final Timeline timeline;
  private final Map<String, Table> tables = new ConcurrentSkipListMap<>();
  private final Map<String, IndexDef> indexes = new ConcurrentSkipListMap<>();
  private volatile boolean closed;

  private Engine(Path directory, DatabaseLock lock, long lastTimestamp) {
    this.directory = directory;
    this.lock = lock;
    this.timeline = new Timeline(lastTimestamp);
  }

  /** A new, empty in-memory database. */
  public static Engine inMemory() {
    return new Engine(null, null, 0);
  }

  /**
   * Opens (creating if missing) the database in a folder, holding it against other processes.
   *
   * @throws QuiverException DATABASE_LOCKED if another process holds it, CORRUPT_FILE or IO_ERROR
   */
  public static Engine open(Path directory) {
    DatabaseLock lock = DatabaseLock.acquire(directory);
    try {
      SnapshotFile.Contents contents = SnapshotFile.read(directory);
      Engine engine = new Engine(directory, lock, contents.lastTimestamp());
      for (SnapshotFile.TableContents t : contents.tables()) {
        Table table = new Table(t.def(), engine.timeline);
        t.rows().forEach(r -> table.restore(r.values(), r.insertTs()));
        engine.tables.put(t.def().name(), table);
      }
      contents.indexes().forEach(i -> engine.indexes.put(i.name(), i));
      return engine;
    } catch (RuntimeException e) {
      lock.release();
      throw e;
    }
  }

  /** The folder of a file database, or empty in memory. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /** A snapshot of everything committed so far. */
  public Snapshot snapshot() {
    checkOpen();
    return timeline.snapshot();
  }

  /** Creates a table; returns false (and changes nothing) if it exists and ifNotExists is set. */
  public synchronized boolean createTable(TableDef def, boolean ifNotExists) {
    checkOpen();
    if (tables.containsKey(def.name())) {
      if (ifNotExists) {
        return false;
      }
      throw new QuiverException(
          ErrorCode.DUPLICATE_OBJECT,
          "table " + def.name() + " already exists; use CREATE TABLE IF NOT EXISTS to skip it");
    }
    tables.put(def.name(), new Table(def, timeline));
    return true;
  }

  /** Drops a table and its indexes; returns false if it does not exist and ifExists is set. */
  public synchronized boolean dropTable(String name, boolean ifExists) {
    checkOpen();
    Table table = tables.remove(name);
    if (table == null) {
      if (ifExists) {
        return false;
      }
      throw tableNotFound(name);
    }
    table.markDropped();
    indexes.values().removeIf(i -> i.table().equals(name));
    return true;
  }

  /**
   * Records a vector index on a VECTOR column; returns false if it exists and ifNotExists is set.
   */
  public synchronized boolean createIndex(IndexDef def, boolean ifNotExists) {
    checkOpen();
    if (indexes.containsKey(def.name())) {
      if (ifNotExists) {
        return false;
      }
      throw new QuiverException(
          ErrorCode.DUPLICATE_OBJECT,
          "index " + def.name() + " already exists; use CREATE INDEX IF NOT EXISTS to skip it");
    }
    TableDef table = table(def.table()).def();
    int column = table.columnIndex(def.column());
    if (column < 0) {
      throw new QuiverException(
          ErrorCode.COLUMN_NOT_FOUND, "table " + table.name() + " has no column " + def.column());
    }
    if (table.column(column).type() != ColumnType.VECTOR) {
      throw new QuiverException(
          ErrorCode.INVALID_DEFINITION,
          "index "
              + def.name()
              + ": column "
              + def.column()
              + " is "
              + table.column(column).typeName()
              + "; vector indexes cover VECTOR columns");
    }
    indexes.put(def.name(), def);
    return true;
  }

  /** Drops an index; returns false if it does not exist and ifExists is set. */
  public synchronized boolean dropIndex(String name, boolean ifExists) {
    checkOpen();
    if (indexes.remove(name) == null) {
      if (ifExists) {
        return false;
      }
      throw new QuiverException(
          ErrorCode.INDEX_NOT_FOUND,
          "index " + name + " does not exist; see sys.indexes, or use DROP INDEX IF EXISTS");
    }
    return true;
  }

  /** The table of this name. @throws QuiverException TABLE_NOT_FOUND */
  public Table table(String name) {
    return findTable(name).orElseThrow(() -> tableNotFound(name));
  }

  /** The table of this name, if any. */
  public Optional<Table> findTable(String name) {
    checkOpen();
    return Optional.ofNullable(tables.get(name));
  }

  /** The names of all tables, sorted. */
  public List<String> tableNames() {
    return new ArrayList<>(tables.keySet());
  }

  /** All index definitions, sorted by name. */
  public List<IndexDef> indexes() {
    return new ArrayList<>(indexes.values());
  }

  /** The indexes of one table. */
  public List<IndexDef> indexesOf(String table) {
    return indexes.values().stream().filter(i -> i.table().equals(table)).toList();
  }

  /** Writes the database's current state to its folder (no-op in memory). */
  public synchronized void checkpoint() {
    checkOpen();
    if (directory == null) {
      return;
    }
    Snapshot snapshot = timeline.snapshot();
    List<SnapshotFile.TableContents> contents = new ArrayList<>();
    for (Table table : tables.values()) {
      List<SnapshotFile.StoredRowData> rows = new ArrayList<>();
      table.forEachVisible(
          snapshot, (values, ts) -> rows.add(new SnapshotFile.StoredRowData(values, ts)));
      contents.add(new SnapshotFile.TableContents(table.def(), rows));
    }
    SnapshotFile.write(
        directory, new SnapshotFile.Contents(snapshot.timestamp(), contents, indexes()));
  }

  /** Checkpoints a file database and releases its folder. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      checkpoint();
    } finally {
      closed = true;
      if (lock != null) {
        lock.release();
      }
    }
  }

  public boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new QuiverException(ErrorCode.ENGINE_CLOSED, "the database is closed");
    }
  }

  private static QuiverException tableNotFound(String name) {
    return new QuiverException(
        ErrorCode.TABLE_NOT_FOUND, "table " + name + " does not exist; see sys.tables");
  }
}
