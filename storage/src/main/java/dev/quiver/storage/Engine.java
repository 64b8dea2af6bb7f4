package dev.quiver.storage;

import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.file.DatabaseLock;
import dev.quiver.storage.file.FileLayer;
import dev.quiver.storage.file.RowCodec;
import dev.quiver.storage.file.SnapshotFile;
import dev.quiver.storage.table.CommitLog;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.Timeline;
import dev.quiver.storage.table.WriteBatch;
import dev.quiver.storage.wal.WriteAheadLog;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One Quiver database: its catalog of tables and vector indexes, their rows, and the timeline that
 * orders writes. In memory, or in a folder that it holds exclusively while open.
 *
 * <p>In a folder, every change (DDL included) is appended to the write-ahead log under its
 * timestamp and is on disk before the statement returns (group commit: concurrent statements share
 * one fsync). A checkpoint writes the database as of a consistent timestamp to {@code
 * quiver.snapshot} and drops the log below it; opening reads the snapshot and replays the log after
 * it, so recovery gives exactly the acknowledged changes. Checkpoints run on close, on {@code FLUSH
 * TABLE}, and in the background once the log has grown by {@link #CHECKPOINT_LOG_BYTES} bytes.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Engine.class.getName());

  /**
   * Log growth after which a checkpoint runs in the background: 64 MiB, or the system property
   * {@code quiver.checkpoint.log.bytes}.
   */
  static final long CHECKPOINT_LOG_BYTES = Long.getLong("quiver.checkpoint.log.bytes", 64L << 20);

  private final Path directory;
  private final FileLayer files;
  private final DatabaseLock lock;
  private final Timeline timeline;
  private final Map<String, Table> tables = new ConcurrentSkipListMap<>();
  private final Map<String, IndexDef> indexes = new ConcurrentSkipListMap<>();
  private final Object checkpointMonitor = new Object();
  private final AtomicLong logBytesSinceCheckpoint = new AtomicLong();
  private final AtomicBoolean checkpointQueued = new AtomicBoolean();
  private WriteAheadLog wal;
  private CommitLog commitLog = CommitLog.NONE;
  private ExecutorService checkpointer;
  private volatile long checkpointTimestamp;
  private volatile boolean closed;

  private Engine(Path directory, FileLayer files, DatabaseLock lock, long lastTimestamp) {
    this.directory = directory;
    this.files = files;
    this.lock = lock;
    this.timeline = new Timeline(lastTimestamp);
    this.checkpointTimestamp = lastTimestamp;
  }

  /** A new, empty in-memory database. */
  public static Engine inMemory() {
    return new Engine(null, FileLayer.DEFAULT, null, 0);
  }

  /** Opens (creating if missing) the database in a folder; see {@link #open(Path, FileLayer)}. */
  public static Engine open(Path directory) {
    return open(directory, FileLayer.DEFAULT);
  }

  /**
   * Opens (creating if missing) the database in a folder, holding it against other processes: reads
   * the last checkpoint, replays the write-ahead log after it (a torn record at its end, from a
   * crash mid-write, is cut off with a warning), and is then ready.
   *
   * @throws QuiverException DATABASE_LOCKED if another process holds it, CORRUPT_FILE naming a
   *     damaged file, or IO_ERROR
   */
  public static Engine open(Path directory, FileLayer files) {
    DatabaseLock lock = DatabaseLock.acquire(directory);
    Engine engine = null;
    try {
      SnapshotFile.Contents contents = SnapshotFile.read(directory);
      engine = new Engine(directory, files, lock, contents.lastTimestamp());
      for (SnapshotFile.TableContents t : contents.tables()) {
        Table table = engine.newTable(t.def());
        t.rows().forEach(r -> table.restore(r.values(), r.insertTs()));
        engine.tables.put(t.def().name(), table);
      }
      for (IndexDef index : contents.indexes()) {
        engine.indexes.put(index.name(), index);
      }
      engine.wal =
          WriteAheadLog.open(
              directory.resolve("wal"),
              WriteAheadLog.Sync.COMMIT,
              files,
              WriteAheadLog.DEFAULT_ROLL_BYTES);
      Engine opened = engine;
      engine.wal.replay(contents.lastTimestamp(), opened::replay);
      engine.commitLog = engine.new LogAdapter();
      engine.checkpointer =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "quiver-checkpoint " + directory.getFileName());
                t.setDaemon(true);
                return t;
              });
      return engine;
    } catch (RuntimeException e) {
      if (engine != null && engine.wal != null) {
        engine.wal.close();
      }
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

  /** The timestamp of the last checkpoint: the log holds everything after it. */
  public long checkpointTimestamp() {
    return checkpointTimestamp;
  }

  /** The write-ahead log's files, oldest first (empty in memory). */
  public List<WriteAheadLog.FileInfo> logFiles() {
    return wal == null ? List.of() : wal.files();
  }

  /** Creates a table; returns false (and changes nothing) if it exists and ifNotExists is set. */
  public boolean createTable(TableDef def, boolean ifNotExists) {
    checkOpen();
    return change(
        LogRecord.createTable(def),
        () -> {
          if (tables.containsKey(def.name())) {
            if (ifNotExists) {
              return false;
            }
            throw new QuiverException(
                ErrorCode.DUPLICATE_OBJECT,
                "table "
                    + def.name()
                    + " already exists; use CREATE TABLE IF NOT EXISTS to skip it");
          }
          return true;
        },
        () -> tables.put(def.name(), newTable(def)));
  }

  /** Drops a table and its indexes; returns false if it does not exist and ifExists is set. */
  public boolean dropTable(String name, boolean ifExists) {
    checkOpen();
    return change(
        LogRecord.dropTable(name),
        () -> {
          if (!tables.containsKey(name)) {
            if (ifExists) {
              return false;
            }
            throw tableNotFound(name);
          }
          return true;
        },
        () -> removeTable(name));
  }

  /**
   * Records a vector index on a VECTOR column; returns false if it exists and ifNotExists is set.
   */
  public boolean createIndex(IndexDef def, boolean ifNotExists) {
    checkOpen();
    return change(
        LogRecord.createIndex(def),
        () -> {
          if (indexes.containsKey(def.name())) {
            if (ifNotExists) {
              return false;
            }
            throw new QuiverException(
                ErrorCode.DUPLICATE_OBJECT,
                "index "
                    + def.name()
                    + " already exists; use CREATE INDEX IF NOT EXISTS to skip it");
          }
          checkIndexable(def);
          return true;
        },
        () -> indexes.put(def.name(), def));
  }

  /** Drops an index; returns false if it does not exist and ifExists is set. */
  public boolean dropIndex(String name, boolean ifExists) {
    checkOpen();
    return change(
        LogRecord.dropIndex(name),
        () -> {
          if (!indexes.containsKey(name)) {
            if (ifExists) {
              return false;
            }
            throw new QuiverException(
                ErrorCode.INDEX_NOT_FOUND,
                "index " + name + " does not exist; see sys.indexes, or use DROP INDEX IF EXISTS");
          }
          return true;
        },
        () -> indexes.remove(name));
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

  /**
   * Writes the database as of a consistent timestamp to its folder and drops the write-ahead log
   * below it (no-op in memory). Writers wait while the checkpoint takes its cut (commits in
   * progress finish, including their fsync) and the catalog is copied; rows are then read at the
   * cut's snapshot while writers go on.
   */
  public void checkpoint() {
    checkOpen();
    if (directory == null) {
      return;
    }
    synchronized (checkpointMonitor) {
      // Again inside the monitor: a checkpoint that waited here while the engine closed must not
      // write into a folder that may already belong to another engine.
      checkOpen();
      List<Table> tableList = new ArrayList<>();
      List<IndexDef> indexList = new ArrayList<>();
      long cut =
          timeline.quiesce(
              () -> {
                tableList.addAll(tables.values());
                indexList.addAll(indexes.values());
              });
      Snapshot snapshot = new Snapshot(cut);
      List<SnapshotFile.TableContents> contents = new ArrayList<>();
      for (Table table : tableList) {
        List<SnapshotFile.StoredRowData> rows = new ArrayList<>();
        table.forEachVisible(
            snapshot, (values, ts) -> rows.add(new SnapshotFile.StoredRowData(values, ts)));
        contents.add(new SnapshotFile.TableContents(table.def(), rows));
      }
      long logged = logBytesSinceCheckpoint.get();
      SnapshotFile.write(files, directory, new SnapshotFile.Contents(cut, contents, indexList));
      checkpointTimestamp = cut;
      logBytesSinceCheckpoint.addAndGet(-logged);
      wal.truncateUpTo(cut);
    }
  }

  /** Checkpoints a file database and releases its folder. */
  @Override
  public void close() {
    release(true);
  }

  /**
   * Releases the database without a checkpoint: the next open replays the log written since the
   * last one. A faster shutdown when the log is short; tests use it to walk away from a database
   * whose disk they made lose power.
   */
  public void closeWithoutCheckpoint() {
    release(false);
  }

  private void release(boolean checkpointFirst) {
    // Wait for a background checkpoint outside the monitor, which that checkpoint holds.
    if (checkpointer != null) {
      checkpointer.shutdown();
      try {
        checkpointer.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (checkpointMonitor) {
      if (closed) {
        return;
      }
      try {
        if (checkpointFirst) {
          checkpoint();
        }
      } finally {
        closed = true;
        try {
          if (wal != null) {
            wal.close();
          }
        } finally {
          if (lock != null) {
            lock.release();
          }
        }
      }
    }
  }

  public boolean isClosed() {
    return closed;
  }

  private interface Check {
    /** Whether the change applies; false to skip it quietly; throws to refuse it. */
    boolean applies();
  }

  /**
   * Commits a catalog change (see {@link Timeline#commit}): checked, logged and applied under the
   * commit lock, then durable and visible before it returns. DDL is always durable.
   */
  private boolean change(byte[] record, Check check, Runnable apply) {
    return timeline.commit(
            commitLog,
            record,
            true,
            () -> check.applies() ? Boolean.TRUE : null,
            (checked, timestamp) -> apply.run())
        != null;
  }

  private Table newTable(TableDef def) {
    return new Table(def, timeline, directory == null ? CommitLog.NONE : new LogAdapter());
  }

  private void removeTable(String name) {
    Table table = tables.remove(name);
    table.markDropped();
    indexes.values().removeIf(i -> i.table().equals(name));
  }

  private void checkIndexable(IndexDef def) {
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
  }

  /** Applies one logged change at its original timestamp while opening. */
  private void replay(long timestamp, byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      byte version = in.readByte();
      if (version != LogRecord.VERSION) {
        throw new IOException("unknown log record version " + version);
      }
      byte type = in.readByte();
      if (type == LogRecord.WRITE) {
        String name = in.readUTF();
        Table table = tables.get(name);
        if (table == null) {
          throw new IOException(
              "a write to table " + name + ", which does not exist at that point");
        }
        table.replay(WriteBatch.readFrom(in, table.def()), timestamp);
        return;
      }
      Timeline.Commit commit = timeline.beginAt(timestamp);
      try {
        switch (type) {
          case LogRecord.CREATE_TABLE -> {
            TableDef def = RowCodec.readTableDef(in);
            tables.put(def.name(), newTable(def));
          }
          case LogRecord.DROP_TABLE -> removeTable(in.readUTF());
          case LogRecord.CREATE_INDEX -> {
            IndexDef def = RowCodec.readIndexDef(in);
            indexes.put(def.name(), def);
          }
          case LogRecord.DROP_INDEX -> indexes.remove(in.readUTF());
          default -> throw new IOException("unknown log record type " + type);
        }
      } catch (RuntimeException | IOException e) {
        commit.abort();
        throw e;
      }
      commit.complete();
    } catch (IOException | RuntimeException e) {
      if (e instanceof QuiverException q && q.code() == ErrorCode.CORRUPT_FILE) {
        throw q;
      }
      throw new QuiverException(
          ErrorCode.CORRUPT_FILE,
          "write-ahead log in "
              + directory.resolve("wal")
              + " has a record at timestamp "
              + timestamp
              + " that does not apply to the database ("
              + e.getMessage()
              + "); restore the database from a backup",
          e);
    }
  }

  private void maybeCheckpointInBackground(int recordBytes) {
    if (logBytesSinceCheckpoint.addAndGet(recordBytes) < CHECKPOINT_LOG_BYTES
        || !checkpointQueued.compareAndSet(false, true)) {
      return;
    }
    Runnable task =
        () -> {
          try {
            if (!closed) {
              checkpoint();
            }
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "background checkpoint of " + directory + " failed", e);
          } finally {
            checkpointQueued.set(false);
          }
        };
    try {
      checkpointer.execute(task);
    } catch (RejectedExecutionException closing) {
      // The engine is closing, and closing checkpoints.
      checkpointQueued.set(false);
    }
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

  /** The write-ahead log as the tables' {@link CommitLog}. */
  private final class LogAdapter implements CommitLog {
    @Override
    public byte[] encodeWrite(String table, TableDef def, WriteBatch batch) {
      return LogRecord.write(table, def, batch);
    }

    @Override
    public long append(long timestamp, byte[] record) {
      return wal.append(timestamp, record);
    }

    @Override
    public void committed(int bytes) {
      maybeCheckpointInBackground(bytes);
    }

    @Override
    public void awaitDurable(long token) {
      wal.awaitDurable(token);
    }
  }
}
