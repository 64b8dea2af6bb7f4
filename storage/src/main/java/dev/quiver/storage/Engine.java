package dev.quiver.storage;

import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.OptionChanges;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.catalog.store.CatalogStore;
import dev.quiver.storage.catalog.store.CompactionMeta;
import dev.quiver.storage.catalog.store.MapDbCatalogStore;
import dev.quiver.storage.catalog.store.SegmentMeta;
import dev.quiver.storage.catalog.store.SegmentState;
import dev.quiver.storage.file.DatabaseLock;
import dev.quiver.storage.file.FileLayer;
import dev.quiver.storage.file.RowCodec;
import dev.quiver.storage.table.CommitLog;
import dev.quiver.storage.table.Segment;
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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * One Quiver database: its catalog of tables and vector indexes, their rows, and the timeline that
 * orders writes. In memory, or in a folder that it holds exclusively while open.
 *
 * <p>In a folder, every change (DDL included) is appended to the write-ahead log under its
 * timestamp and is on disk before the statement returns (group commit: concurrent statements share
 * one fsync); it then lives in the table's growing rows in memory. A checkpoint seals the growing
 * rows of every table at a consistent cut, writes them as Lucene segments, records the segments,
 * the deletes of older segments, the catalog and the cut in one transaction of the MapDB catalog,
 * and only then drops the log below the cut. Opening reads the catalog, opens and verifies the
 * segments, and replays the log after the cut, so recovery gives exactly the acknowledged changes.
 * Checkpoints run on {@code FLUSH TABLE}, in the background once the log has grown by {@link
 * #CHECKPOINT_LOG_BYTES} bytes, when a table's growing rows reach {@code segment_max_rows} or
 * {@code segment_max_bytes}, and when they have been idle for {@code segment_idle_seal_s}.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Engine.class.getName());

  /**
   * Log growth after which a checkpoint runs in the background: 64 MiB, or the system property
   * {@code quiver.checkpoint.log.bytes}.
   */
  /** How long a table's writes must pause before its unindexed segments are merged and indexed. */
  static final long INDEX_SETTLE_MILLIS = 1000;

  /** The longest a bulk load defers indexing the segments that log checkpoints sealed. */
  static final long INDEX_MAX_DEFER_MILLIS = 30_000;

  static final long CHECKPOINT_LOG_BYTES = Long.getLong("quiver.checkpoint.log.bytes", 64L << 20);

  /**
   * The least time deleted rows are kept, whatever {@code time_travel_retention_s} says: a query
   * pins its segments only when it starts reading them, which may come a little after it chose its
   * snapshot. One minute, or the system property {@code quiver.min.retention.millis}.
   */
  private static final long MIN_RETENTION_MILLIS =
      Long.getLong("quiver.min.retention.millis", 60_000);

  /**
   * How often the compaction scheduler looks at every table's triggers: ten seconds, or the system
   * property {@code quiver.compaction.check.millis}.
   */
  static final long COMPACTION_CHECK_MILLIS =
      Long.getLong("quiver.compaction.check.millis", 10_000);

  /** How often the background thread looks for idle growing rows to seal. */
  private static final long IDLE_CHECK_MILLIS = 1000;

  private final Path directory;
  private final FileLayer files;
  private final DatabaseLock lock;
  private final Timeline timeline;
  private final CatalogStore catalog;
  private final SegmentFiles segmentFiles;
  private final Map<String, Table> tables = new ConcurrentSkipListMap<>();
  private final Map<String, IndexDef> indexes = new ConcurrentSkipListMap<>();
  // Segments of dropped tables, removed by the next checkpoint. Guarded by the commit lock.
  private final List<Segment> pendingDrops = new ArrayList<>();
  private final Object checkpointMonitor = new Object();
  private final AtomicLong logBytesSinceCheckpoint = new AtomicLong();
  private final AtomicBoolean checkpointQueued = new AtomicBoolean();
  private WriteAheadLog wal;
  private CommitLog commitLog = CommitLog.NONE;
  private ScheduledExecutorService background;
  private ExecutorService indexer;
  private final AtomicBoolean indexBuildQueued = new AtomicBoolean();
  private final AtomicBoolean indexBuilding = new AtomicBoolean();
  private final Object indexerInterrupt = new Object();
  // The indexer thread while it writes a segment (interruptible), else null.
  private Thread indexerWriting;
  // Segment ids whose graph cannot be built (a zero vector under a cosine index).
  private final Set<Long> unindexable = ConcurrentHashMap.newKeySet();
  // Segment ids indexed one at a time: a merge with them failed to hold every index.
  private final Set<Long> unmergeable = ConcurrentHashMap.newKeySet();
  // Whether the indexer left segments unindexed while their table was being loaded.
  private volatile boolean indexDeferred;
  // Segments no table holds, whose files go when their last reader lets go of them.
  private final Set<Segment> retired = ConcurrentHashMap.newKeySet();
  private final Object removals = new Object();
  private final Compactions compactions;
  // When the engine opened: the first FULL compaction by interval counts from here.
  private final long opened = System.currentTimeMillis();
  private volatile long checkpointTimestamp;
  private volatile boolean closed;
  private volatile boolean closing;
  private final Applier applier;
  private final Map<Long, Session> sessions = new ConcurrentSkipListMap<>();
  private final AtomicLong nextSessionId = new AtomicLong(1);

  private Engine(
      Path directory,
      FileLayer files,
      DatabaseLock lock,
      CatalogStore catalog,
      long lastTimestamp,
      LongSupplier clock) {
    this.directory = directory;
    this.files = files;
    this.lock = lock;
    this.catalog = catalog;
    this.segmentFiles = directory == null ? null : new SegmentFiles(directory);
    this.timeline = new Timeline(lastTimestamp, clock);
    this.checkpointTimestamp = lastTimestamp;
    this.applier =
        new Applier(
            timeline, tables.values(), directory == null ? "mem" : directory.getFileName() + "");
    this.compactions = new Compactions(catalog);
  }

  /** A new, empty in-memory database. */
  public static Engine inMemory() {
    return inMemory(System::currentTimeMillis);
  }

  /** A new, empty in-memory database whose clock is {@code clockMillis} (tests move time). */
  static Engine inMemory(LongSupplier clockMillis) {
    Engine engine = new Engine(null, FileLayer.DEFAULT, null, null, 0, clockMillis);
    engine.applier.start();
    return engine;
  }

  /** Opens (creating if missing) the database in a folder; see {@link #open(Path, FileLayer)}. */
  public static Engine open(Path directory) {
    return open(directory, FileLayer.DEFAULT);
  }

  /**
   * Opens (creating if missing) the database in a folder, holding it against other processes: opens
   * the catalog, removes segment folders it does not list, opens and checksums every listed
   * segment, replays the write-ahead log after the last checkpoint (a torn record at its end, from
   * a crash mid-write, is cut off with a warning), and is then ready.
   *
   * @throws QuiverException DATABASE_LOCKED if another process holds it, CORRUPT_FILE naming a
   *     damaged file, or IO_ERROR
   */
  public static Engine open(Path directory, FileLayer files) {
    return open(directory, files, System::currentTimeMillis);
  }

  /** {@link #open(Path, FileLayer)} with a clock of its own (tests move time). */
  static Engine open(Path directory, FileLayer files, LongSupplier clockMillis) {
    DatabaseLock lock = DatabaseLock.acquire(directory);
    CatalogStore catalog = null;
    Engine engine = null;
    try {
      catalog = MapDbCatalogStore.open(directory, files);
      engine = new Engine(directory, files, lock, catalog, catalog.checkpointTs(), clockMillis);
      engine.loadCatalog();
      engine.wal =
          WriteAheadLog.open(
              directory.resolve("wal"),
              WriteAheadLog.Sync.COMMIT,
              files,
              WriteAheadLog.DEFAULT_ROLL_BYTES);
      Engine opened = engine;
      engine.wal.replay(catalog.checkpointTs(), opened::replay);
      engine.commitLog = engine.new LogAdapter();
      engine.applier.start();
      engine.startBackground();
      return engine;
    } catch (RuntimeException e) {
      if (engine != null) {
        engine.closeSegments();
        if (engine.wal != null) {
          engine.wal.close();
        }
      }
      if (catalog != null) {
        catalog.close();
      }
      lock.release();
      throw e;
    }
  }

  /** Reads tables, indexes and segments from the catalog, and drops what it no longer needs. */
  private void loadCatalog() {
    for (TableDef def : catalog.tables().values()) {
      tables.put(def.name(), newTable(def));
    }
    indexes.putAll(catalog.indexes());
    List<SegmentMeta> listed = new ArrayList<>();
    Set<Long> ids = new HashSet<>();
    for (SegmentMeta meta : catalog.segments()) {
      if (meta.state() == SegmentState.DROPPED) {
        // A crash came between the checkpoint that dropped it and the removal of its files.
        segmentFiles.delete(meta.id());
        catalog.removeSegment(meta.id());
      } else {
        listed.add(meta);
        ids.add(meta.id());
      }
    }
    segmentFiles.removeOrphans(ids);
    // Checksumming reads every byte: spread the segments over the cores. Every segment is tried,
    // so that those opened can be closed when another fails.
    Segment[] opened = new Segment[listed.size()];
    RuntimeException[] failures = new RuntimeException[listed.size()];
    IntStream.range(0, listed.size())
        .parallel()
        .forEach(
            i -> {
              try {
                opened[i] = segmentFiles.open(listed.get(i));
                opened[i].restoreDeletes(catalog.deletes(listed.get(i).id()));
              } catch (RuntimeException e) {
                failures[i] = e;
              }
            });
    for (RuntimeException failure : failures) {
      if (failure != null) {
        for (Segment segment : opened) {
          if (segment != null) {
            closeQuietly(segment);
          }
        }
        throw failure;
      }
    }
    for (int i = 0; i < listed.size(); i++) {
      tables.get(listed.get(i).table()).restoreSegment(opened[i]);
    }
  }

  private void startBackground() {
    background =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quiver-checkpoint " + directory.getFileName());
              t.setDaemon(true);
              return t;
            });
    background.scheduleWithFixedDelay(
        this::sealIdleTables, IDLE_CHECK_MILLIS, IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(
        () -> {
          try {
            scheduleCompactions();
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the compaction scheduler of " + directory + " failed", e);
          }
        },
        COMPACTION_CHECK_MILLIS,
        COMPACTION_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
    indexer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quiver-indexer " + directory.getFileName());
              t.setDaemon(true);
              return t;
            });
    buildIndexesInBackground();
  }

  private void sealIdleTables() {
    if (indexDeferred) {
      buildIndexesInBackground();
    }
    long now = System.currentTimeMillis();
    for (Table table : tables.values()) {
      long idleMillis = table.def().longOption("segment_idle_seal_s", 600) * 1000;
      if (table.growingIdleFor(idleMillis, now)) {
        LOG.fine(() -> "sealing idle table " + table.name());
        runCheckpoint();
        return;
      }
    }
  }

  /** The folder of a file database, or empty in memory. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /**
   * A snapshot of everything acknowledged so far. Reads there are exact, but rows the applier has
   * not copied yet are searched one by one: queries choose their snapshot by consistency level
   * ({@link #guarantee}, {@link #awaitSnapshot}) instead.
   */
  public Snapshot snapshot() {
    checkOpen();
    return timeline.snapshot();
  }

  /** The timestamp of the latest acknowledged write: every write up to it is complete. */
  public long acknowledgedTimestamp() {
    return timeline.lastCommitted();
  }

  /** The applied timestamp: every acknowledged write up to it is searchable. */
  public long appliedTimestamp() {
    return timeline.applied();
  }

  /** The applier, whose pause and resume are a test hook. */
  public Applier applier() {
    return applier;
  }

  /**
   * The guarantee timestamp of a query at a consistency level, now: the acknowledged timestamp for
   * STRONG; for BOUNDED the latest write acknowledged at or before the instant {@code
   * boundedStalenessMillis} ago; for SESSION the session's last write; 0 for EVENTUALLY.
   */
  public long guarantee(
      ConsistencyLevel level, long boundedStalenessMillis, long sessionLastWrite) {
    long acknowledged = timeline.lastCommitted();
    return switch (level) {
      case STRONG -> acknowledged;
      case BOUNDED ->
          timeline.lastCommittedAtOrBefore(
              Math.min(
                  acknowledged,
                  Timeline.endOfMillis(timeline.nowMillis() - boundedStalenessMillis)));
      case SESSION -> Math.min(acknowledged, sessionLastWrite);
      case EVENTUALLY -> 0;
    };
  }

  /**
   * The snapshot a query reads once the applied timestamp reaches its guarantee: the applied
   * timestamp at that moment, so at or above the guarantee. A query at EVENTUALLY (guarantee 0)
   * never waits.
   *
   * @param session the query's session (shown in {@code sys.sessions} while it waits), or null
   * @param level what set the guarantee, for the message, e.g. "consistency level STRONG"
   * @throws QuiverException CONSISTENCY_TIMEOUT after {@code timeoutMillis}
   */
  public Snapshot awaitSnapshot(long guarantee, long timeoutMillis, Session session, String level) {
    checkOpen();
    long applied = timeline.applied();
    if (applied >= guarantee) {
      if (session != null) {
        session.read(applied);
      }
      return new Snapshot(applied);
    }
    long started = System.nanoTime();
    if (session != null) {
      session.waiting(guarantee);
    }
    try {
      applied = timeline.awaitApplied(guarantee, timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuiverException(
          ErrorCode.CONSISTENCY_TIMEOUT,
          "a query at " + level + " was interrupted while it waited for the engine to apply writes",
          e);
    } finally {
      if (session != null) {
        session.waiting(0);
        session.waited(System.nanoTime() - started);
      }
    }
    if (applied < 0) {
      checkOpen();
      throw new QuiverException(
          ErrorCode.CONSISTENCY_TIMEOUT,
          "a query at "
              + level
              + " waited consistency_timeout_ms = "
              + timeoutMillis
              + " for the engine to apply writes up to its guarantee timestamp "
              + Timeline.describe(guarantee)
              + ", but the applied timestamp is still "
              + Timeline.describe(timeline.applied())
              + "; raise it with SET consistency_timeout_ms = n, or read at a weaker level"
              + " (SET CONSISTENCY LEVEL EVENTUALLY or BOUNDED)");
    }
    if (session != null) {
      session.read(applied);
    }
    return new Snapshot(applied);
  }

  /**
   * The snapshot of a table as it was at a wall-clock instant ({@code FOR SYSTEM_TIME AS OF}): the
   * hybrid clock's last timestamp of that millisecond, made final ({@link Timeline#settle}) so the
   * same query always reads the same rows.
   *
   * @throws QuiverException SNAPSHOT_TOO_OLD before the table's {@code time_travel_retention_s},
   *     INVALID_VALUE for an instant in the future, CONSISTENCY_TIMEOUT as {@link #awaitSnapshot}
   */
  public Snapshot snapshotAsOf(
      String tableName, long instantMillis, long timeoutMillis, Session session) {
    Table table = table(tableName);
    long now = timeline.nowMillis();
    long retentionSeconds = table.def().longOption("time_travel_retention_s", 3600);
    long oldest = now - retentionSeconds * 1000;
    if (instantMillis < oldest) {
      throw new QuiverException(
          ErrorCode.SNAPSHOT_TOO_OLD,
          "table "
              + tableName
              + " cannot be read AS OF "
              + Timeline.instant(instantMillis)
              + ": it keeps its history for time_travel_retention_s = "
              + retentionSeconds
              + " seconds, so the oldest instant it can be read at now is "
              + Timeline.instant(oldest)
              + "; ALTER TABLE "
              + tableName
              + " SET (time_travel_retention_s = n) keeps more from now on");
    }
    long since = table.def().historySinceMillis();
    if (instantMillis < since) {
      throw new QuiverException(
          ErrorCode.SNAPSHOT_TOO_OLD,
          "table "
              + tableName
              + " cannot be read AS OF "
              + Timeline.instant(instantMillis)
              + ": its history is complete only since "
              + Timeline.instant(since)
              + ", because ALTER TABLE raised its time_travel_retention_s and what was sealed"
              + " before kept deleted rows for the shorter retention; read it at that instant or"
              + " later");
    }
    if (instantMillis > now) {
      throw new QuiverException(
          ErrorCode.INVALID_VALUE,
          "table "
              + tableName
              + " cannot be read AS OF "
              + Timeline.instant(instantMillis)
              + ": that instant is in the future (now is "
              + Timeline.instant(now)
              + ", UTC); read it without FOR SYSTEM_TIME AS OF for its current rows");
    }
    long timestamp = Timeline.endOfMillis(instantMillis);
    timeline.settle(timestamp);
    // Rows up to the instant are complete; wait until they are applied, like any query, so that
    // they are searched in the vector blocks.
    awaitSnapshot(
        timeline.lastCommittedAtOrBefore(timestamp),
        timeoutMillis,
        session,
        "FOR SYSTEM_TIME AS OF " + Timeline.instant(instantMillis));
    return new Snapshot(timestamp);
  }

  /** Opens a session for a client connection; it shows in {@link #sessions} until closed. */
  public Session openSession(String user) {
    checkOpen();
    Session session =
        new Session(this, nextSessionId.getAndIncrement(), user, System.currentTimeMillis());
    sessions.put(session.id(), session);
    return session;
  }

  void closeSession(Session session) {
    sessions.remove(session.id());
  }

  /** The open sessions, oldest first. */
  public List<Session> sessions() {
    return new ArrayList<>(sessions.values());
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
    boolean created = defineIndex(def, ifNotExists);
    if (created) {
      buildIndexesInBackground();
    }
    return created;
  }

  private boolean defineIndex(IndexDef def, boolean ifNotExists) {
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

  /**
   * An index's build progress: sealed segments of its table with its graph, and all of them. Rows
   * in memory have no graph and are searched exactly.
   */
  public long[] indexProgress(IndexDef index) {
    Optional<Table> table = findTable(index.table());
    if (table.isEmpty()) {
      return new long[] {0, 0};
    }
    List<Segment> segments = table.get().segments();
    long built =
        segments.stream()
            .filter(s -> !SegmentFiles.needsIndex(s, table.get().def(), List.of(index)))
            .count();
    return new long[] {built, segments.size()};
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

  /**
   * Changes a table's options ({@code ALTER TABLE name SET (...)}, {@code RESET (...)}): {@code
   * set} gives new values, {@code reset} names options that return to their defaults. One catalog
   * change, checked, logged and applied whole; the engine acts on the new values from then on
   * (docs/sql.md says when each one shows). Returns false, changing nothing, if the table does not
   * exist and ifExists is set.
   *
   * @throws QuiverException TABLE_NOT_FOUND; INVALID_OPTION for an unknown option, a bad value, or
   *     cluster_by naming a missing or VECTOR column; UNSUPPORTED for partition_key and
   *     partition_count, which are fixed when the table is created
   */
  public boolean alterTable(String name, Map<String, ?> set, Set<String> reset, boolean ifExists) {
    checkOpen();
    OptionChanges changes = Options.tableChanges(name, set, reset);
    Timeline.Committed<Table> altered =
        timeline.commit(
            commitLog,
            LogRecord.alterTable(name, changes),
            true,
            () -> {
              Table table = tables.get(name);
              if (table == null) {
                if (ifExists) {
                  return null;
                }
                throw tableNotFound(name);
              }
              // The result is checked here, before the record is logged; applied, it cannot fail.
              table.def().withOptions(changes, timeline.nowMillis());
              return table;
            },
            (table, timestamp) -> alter(table, changes, timestamp));
    if (altered == null) {
      return false;
    }
    // A lower segment_max_rows or segment_max_bytes seals the rows it finds over it now.
    if (altered.checked().growingFull()) {
      runCheckpoint();
    }
    return true;
  }

  /** Applies an option change at its timestamp, under the commit lock, as logged or replayed. */
  private static void alter(Table table, OptionChanges changes, long timestamp) {
    table.redefine(table.def().withOptions(changes, Timeline.millis(timestamp)));
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
   * Seals the growing rows of every table at a consistent cut, writes them as segments, records
   * everything as of the cut in the catalog, and drops the write-ahead log below it (no-op in
   * memory). Writers wait only while the cut is taken; segments are written while they go on, and
   * the rows being sealed stay readable until their segment replaces them.
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
      long started = System.nanoTime();
      List<TableDef> tableDefs = new ArrayList<>();
      List<IndexDef> indexList = new ArrayList<>();
      List<Table.Sealing> seals = new ArrayList<>();
      List<Segment> existing = new ArrayList<>();
      List<Segment> drops = new ArrayList<>();
      long cut =
          timeline.quiesce(
              () -> {
                for (Table table : tables.values()) {
                  tableDefs.add(table.def());
                  existing.addAll(table.segments());
                  seals.addAll(table.seal());
                }
                indexList.addAll(indexes.values());
                drops.addAll(pendingDrops);
                pendingDrops.clear();
              });
      long logged = logBytesSinceCheckpoint.get();
      List<Segment> written = new ArrayList<>();
      boolean[] catalogTried = new boolean[1];
      List<SegmentMeta> upserts = new ArrayList<>();
      Map<Long, Map<Long, Long>> deletes = new TreeMap<>();
      try {
        for (Table.Sealing sealing : seals) {
          List<Table.RowData> rows = sealing.rowsAt(cut, horizon(sealing.table(), cut));
          Segment segment = null;
          if (!rows.isEmpty()) {
            List<IndexDef> tableIndexes =
                indexList.stream().filter(i -> i.table().equals(sealing.table().name())).toList();
            // No graph yet: the index builder adds it, so that the log is truncated without
            // waiting for HNSW construction.
            segment =
                segmentFiles.write(
                    catalog.nextSegmentId(),
                    sealing.table().def(),
                    rows,
                    tableIndexes,
                    false,
                    sealing.createdAtMillis());
            Map<Long, Long> deleted = sealing.deletesAt(cut);
            if (!deleted.isEmpty()) {
              deletes.put(segment.id(), deleted);
            }
            upserts.add(meta(segment, deleted.size(), SegmentState.FLUSHED));
          }
          written.add(segment);
        }
        for (Segment segment : existing) {
          Map<Long, Long> since = segment.deletesBetween(checkpointTimestamp, cut);
          if (!since.isEmpty()) {
            deletes.put(segment.id(), since);
            upserts.add(meta(segment, segment.deletedAt(cut), SegmentState.FLUSHED));
          }
        }
        for (Segment segment : drops) {
          upserts.add(meta(segment, segment.deletedAt(cut), SegmentState.DROPPED));
        }
        catalogTried[0] = true;
        catalog.applyCheckpoint(tableDefs, indexList, upserts, deletes, cut);
      } catch (RuntimeException | Error e) {
        // The rows stay frozen in memory and the log keeps them: the next checkpoint retries.
        for (Segment segment : written) {
          if (segment != null) {
            closeQuietly(segment);
            // A failed catalog transaction may still have reached the disk, naming these
            // folders: leave them; the next open removes those the catalog does not list.
            if (!catalogTried[0]) {
              segmentFiles.delete(segment.id());
            }
          }
        }
        timeline.underCommitLock(() -> pendingDrops.addAll(drops));
        throw e;
      }
      checkpointTimestamp = cut;
      long sealedRows = 0;
      for (Segment segment : written) {
        sealedRows += segment == null ? 0 : segment.rowCount();
      }
      long rows = sealedRows;
      LOG.fine(
          () ->
              "checkpoint of "
                  + directory
                  + " at "
                  + cut
                  + ": "
                  + rows
                  + " rows sealed into "
                  + written.stream().filter(w -> w != null).count()
                  + " segments in "
                  + (System.nanoTime() - started) / 1_000_000
                  + " ms");
      logBytesSinceCheckpoint.addAndGet(-logged);
      wal.truncateUpTo(cut);
      timeline.underCommitLock(
          () -> {
            for (int i = 0; i < seals.size(); i++) {
              Segment segment = written.get(i);
              if (!seals.get(i).install(segment) && segment != null) {
                pendingDrops.add(segment);
              }
            }
          });
      retire(drops);
    }
    buildIndexesInBackground();
  }

  /**
   * Writes the segments of every table again with their vector indexes, until none lacks one:
   * segments sealed by checkpoints (which write no graphs) and those sealed before an index was
   * created. Segments waiting for their index are merged into one while they fit in {@code
   * segment_max_rows} and {@code segment_max_bytes}, so that a bulk load sealed in pieces by log
   * checkpoints ends as few large segments: a query searches one graph per segment, and one graph
   * of n rows is searched faster than several that add up to n. Each rewrite replaces its segments
   * in one catalog transaction and one swap under the commit lock; queries go on reading either.
   */
  private void buildIndexes() {
    while (!closing) {
      long now = System.currentTimeMillis();
      boolean deferred = false;
      Table table = null;
      List<Segment> group = List.of();
      for (Table t : tables.values()) {
        List<Segment> candidates = indexGroup(t, indexesOf(t.name()));
        if (candidates.isEmpty()) {
          continue;
        }
        if (stillLoading(t, candidates, now)) {
          deferred = true;
          continue;
        }
        table = t;
        group = candidates;
        break;
      }
      indexDeferred = deferred;
      if (table == null) {
        return;
      }
      rebuild(table, group);
    }
  }

  /**
   * The table's oldest segment that lacks an index, with the later ones lacking one that fit beside
   * it in one segment of at most {@code segment_max_rows} rows and {@code segment_max_bytes} bytes;
   * empty when every segment has its indexes.
   */
  private List<Segment> indexGroup(Table table, List<IndexDef> tableIndexes) {
    List<Segment> group = new ArrayList<>();
    long rows = 0;
    long bytes = 0;
    for (Segment segment : table.segments()) {
      if (unindexable.contains(segment.id())
          || !SegmentFiles.needsIndex(segment, table.def(), tableIndexes)) {
        continue;
      }
      long segmentBytes = segment.reader().info().sizeBytes();
      boolean first = group.isEmpty();
      if (first
          || (!unmergeable.contains(group.get(0).id())
              && !unmergeable.contains(segment.id())
              && rows + segment.rowCount() <= table.maxRows()
              && bytes + segmentBytes <= table.maxBytes())) {
        group.add(segment);
        rows += segment.rowCount();
        bytes += segmentBytes;
      }
    }
    return group;
  }

  /**
   * Whether a bulk load is still filling the table: it was written within the last {@link
   * #INDEX_SETTLE_MILLIS}, and its growing rows could still join the segments waiting for an index.
   * The graph is then built once, when the load pauses, instead of once per log checkpoint; at most
   * {@link #INDEX_MAX_DEFER_MILLIS} after the oldest of them was sealed, so that a steady trickle
   * of writes does not keep them unindexed. They are searched exactly meanwhile.
   */
  private static boolean stillLoading(Table table, List<Segment> group, long nowMillis) {
    if (nowMillis - table.lastWriteMillis() >= INDEX_SETTLE_MILLIS) {
      return false;
    }
    long rows = table.growingRowCount();
    long oldestSeal = Long.MAX_VALUE;
    for (Segment segment : group) {
      rows += segment.rowCount();
      oldestSeal = Math.min(oldestSeal, segment.sealedAtMillis());
    }
    return rows < table.maxRows() && nowMillis - oldestSeal < INDEX_MAX_DEFER_MILLIS;
  }

  private void rebuild(Table table, List<Segment> group) {
    Rewritten result = rewrite(table, group, Long.MIN_VALUE, -1, null);
    if (result == null || !result.lacksIndex()) {
      if (result != null && group.size() > 1) {
        LOG.info(
            () ->
                "merged segments "
                    + group.stream().map(Segment::id).toList()
                    + " of table "
                    + table.name()
                    + " ("
                    + result.rowsOut()
                    + " rows) into indexed segment "
                    + result.outputs().get(0).id());
      }
      return;
    }
    if (group.size() > 1) {
      // One of them cannot hold its indexes: index each alone, so that the others get theirs.
      group.forEach(segment -> unmergeable.add(segment.id()));
      return;
    }
    // A zero vector under a cosine index (Lucene refuses it), or two indexes of different metrics
    // on one column: the segment cannot hold them all, and is searched exactly there.
    LOG.warning(
        "segment "
            + group.get(0).id()
            + " of table "
            + table.name()
            + " cannot hold every vector index of its table (a zero vector under a cosine"
            + " index, or indexes of different metrics on one column); it is searched exactly"
            + " where it lacks one");
    unindexable.add(group.get(0).id());
  }

  /**
   * What a rewrite did. {@code lacksIndex}: the rewrites could not hold every vector index of the
   * table, so nothing was replaced.
   */
  private record Rewritten(
      List<Segment> outputs,
      long rowsIn,
      long rowsOut,
      long bytesIn,
      long bytesOut,
      boolean lacksIndex) {}

  /**
   * Writes segments of a table again and swaps the rewrites in: the indexer's merge and every
   * compaction plan. The rows deleted at or before {@code dropUpTo} are left out; the others are
   * written in the segments' order, or ordered by column {@code clusterColumn} (-1: none), into as
   * many segments as {@code segment_max_rows} and {@code segment_max_bytes} need, each with the
   * table's vector indexes built before it replaces anything, so recall never dips.
   *
   * <p>The originals are pinned while they are read. The swap is one catalog transaction (the
   * rewrites in, the originals DROPPED, the job's progress when {@code progress} is given) and one
   * change of the table's segment list under the commit lock, which carries over the deletes that
   * reached the originals meanwhile. Queries that pinned the originals go on reading them; their
   * files go with the last of those queries.
   *
   * @return null if nothing was replaced because a segment left the table meanwhile or the engine
   *     is closing
   */
  private Rewritten rewrite(
      Table table,
      List<Segment> group,
      long dropUpTo,
      int clusterColumn,
      Function<PlanStats, CompactionMeta> progress) {
    List<Segment> pinned = new ArrayList<>();
    for (Segment segment : group) {
      if (!segment.tryAcquire()) {
        pinned.forEach(Segment::release);
        return null;
      }
      pinned.add(segment);
    }
    try {
      return rewritePinned(table, group, dropUpTo, clusterColumn, progress);
    } finally {
      pinned.forEach(Segment::release);
    }
  }

  private Rewritten rewritePinned(
      Table table,
      List<Segment> group,
      long dropUpTo,
      int clusterColumn,
      Function<PlanStats, CompactionMeta> progress) {
    List<IndexDef> tableIndexes = indexesOf(table.name());
    long rowsIn = 0;
    long bytesIn = 0;
    long createdAt = Long.MAX_VALUE;
    int[][] targets = new int[group.size()][];
    List<long[]> kept = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      Segment segment = group.get(i);
      rowsIn += segment.rowCount();
      bytesIn += segment.reader().sizeBytes();
      createdAt = Math.min(createdAt, segment.createdAtMillis());
      targets[i] = new int[segment.rowCount()];
      Arrays.fill(targets[i], -1);
      for (int doc = 0; doc < segment.rowCount(); doc++) {
        if (segment.deleteTimestamp(doc) > dropUpTo) {
          kept.add(new long[] {i, doc});
        }
      }
    }
    if (clusterColumn >= 0) {
      kept = clustered(group, kept, clusterColumn);
    }
    long bytesPerRow = rowsIn == 0 ? 1 : Math.max(1, bytesIn / rowsIn);
    int perSegment = (int) Math.max(1, Math.min(table.maxRows(), table.maxBytes() / bytesPerRow));
    List<Segment> outputs = new ArrayList<>();
    try {
      for (int from = 0; from < kept.size(); from += perSegment) {
        int to = Math.min(kept.size(), from + perSegment);
        List<Table.RowData> rows = new ArrayList<>(to - from);
        for (int p = from; p < to; p++) {
          long[] origin = kept.get(p);
          rows.add(group.get((int) origin[0]).rowData((int) origin[1]));
          targets[(int) origin[0]][(int) origin[1]] = p;
        }
        Segment written = writeInterruptibly(table, rows, tableIndexes, createdAt);
        if (written == null) {
          discard(outputs);
          return null;
        }
        outputs.add(written);
        if (SegmentFiles.needsIndex(written, table.def(), tableIndexes)) {
          discard(outputs);
          return new Rewritten(List.of(), rowsIn, 0, bytesIn, 0, true);
        }
      }
    } catch (RuntimeException | Error e) {
      discard(outputs);
      throw e;
    }
    long bytesOut = 0;
    for (Segment output : outputs) {
      bytesOut += output.reader().sizeBytes();
    }
    Rewritten result = new Rewritten(outputs, rowsIn, kept.size(), bytesIn, bytesOut, false);
    return swap(table, group, targets, result, progress) ? result : null;
  }

  /** The kept rows ordered by a column's values (NULLs last), ties in row order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<long[]> clustered(List<Segment> group, List<long[]> kept, int column) {
    Comparable[] keys = new Comparable[kept.size()];
    Integer[] order = new Integer[kept.size()];
    for (int p = 0; p < kept.size(); p++) {
      long[] origin = kept.get(p);
      keys[p] = (Comparable) group.get((int) origin[0]).value((int) origin[1], column);
      order[p] = p;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          Comparable x = keys[a];
          Comparable y = keys[b];
          if (x == null || y == null) {
            return x == y ? Integer.compare(a, b) : x == null ? 1 : -1;
          }
          int c = x.compareTo(y);
          return c != 0 ? c : Integer.compare(a, b);
        });
    List<long[]> sorted = new ArrayList<>(kept.size());
    for (Integer p : order) {
      sorted.add(kept.get(p));
    }
    return sorted;
  }

  /**
   * Writes one rewritten segment with its graphs; null when the engine closes meanwhile. Closing
   * may interrupt the graph build, never a catalog change: an interrupted force would leave the
   * catalog refusing every later change.
   */
  private Segment writeInterruptibly(
      Table table, List<Table.RowData> rows, List<IndexDef> tableIndexes, long createdAt) {
    long id = catalog.nextSegmentId();
    synchronized (indexerInterrupt) {
      if (closing) {
        return null;
      }
      indexerWriting = Thread.currentThread();
    }
    Segment written;
    try {
      written = segmentFiles.write(id, table.def(), rows, tableIndexes, true, createdAt);
    } finally {
      synchronized (indexerInterrupt) {
        indexerWriting = null;
        Thread.interrupted();
      }
    }
    if (closing) {
      discard(List.of(written));
      return null;
    }
    return written;
  }

  /** Closes rewrites that replaced nothing and deletes their folders. */
  private void discard(List<Segment> outputs) {
    for (Segment output : outputs) {
      closeQuietly(output);
      segmentFiles.delete(output.id());
    }
  }

  /** Runs after a rewrite is written, before it is swapped in (a test hook). */
  volatile Runnable beforeSwap = () -> {};

  /** The catalog transaction and the swap of a rewrite; false if the originals changed. */
  private boolean swap(
      Table table,
      List<Segment> group,
      int[][] targets,
      Rewritten result,
      Function<PlanStats, CompactionMeta> progress) {
    List<Segment> outputs = result.outputs();
    beforeSwap.run();
    synchronized (checkpointMonitor) {
      if (closed || !table.segments().containsAll(group)) {
        discard(outputs);
        return false;
      }
      // Deletes the last checkpoint persisted go with the rewrites; later ones are in the log, and
      // the next checkpoint finds them on the rewrites once the swap has carried them over.
      long persisted = checkpointTimestamp;
      int[] starts = new int[outputs.size() + 1];
      for (int i = 0; i < outputs.size(); i++) {
        starts[i + 1] = starts[i] + outputs.get(i).rowCount();
      }
      Map<Long, Map<Long, Long>> deletes = new TreeMap<>();
      for (int i = 0; i < group.size(); i++) {
        Segment old = group.get(i);
        for (int doc = 0; doc < old.rowCount(); doc++) {
          long ts = old.deleteTimestamp(doc);
          int target = targets[i][doc];
          if (ts <= persisted && target >= 0) {
            int out = Arrays.binarySearch(starts, target);
            out = out >= 0 ? out : -out - 2;
            deletes
                .computeIfAbsent(outputs.get(out).id(), id -> new TreeMap<>())
                .put(old.rowId(doc), ts);
          }
        }
      }
      List<SegmentMeta> changes = new ArrayList<>();
      for (Segment output : outputs) {
        Map<Long, Long> outputDeletes = deletes.getOrDefault(output.id(), Map.of());
        changes.add(meta(output, outputDeletes.size(), SegmentState.INDEXED));
      }
      for (Segment old : group) {
        changes.add(meta(old, old.deletedAt(persisted), SegmentState.DROPPED));
      }
      CompactionMeta job =
          progress == null
              ? null
              : progress.apply(
                  new PlanStats(
                      group.size(),
                      outputs.size(),
                      result.rowsIn(),
                      result.rowsOut(),
                      result.bytesIn() - result.bytesOut()));
      try {
        if (job == null) {
          catalog.applySegmentChanges(changes, deletes, CatalogStore.KEEP_CHECKPOINT);
        } else {
          catalog.applySegmentChanges(changes, deletes, job);
        }
      } catch (RuntimeException e) {
        // The transaction may have reached the disk anyway: keep the folders (see checkpoint).
        outputs.forEach(Engine::closeQuietly);
        throw e;
      }
      if (job != null) {
        compactions.published(job);
      }
      boolean[] replaced = new boolean[1];
      timeline.underCommitLock(
          () -> {
            replaced[0] = table.replaceSegments(group, targets, outputs);
            if (!replaced[0]) {
              // The table was dropped since the check: the next checkpoint drops the rewrites too.
              pendingDrops.addAll(outputs);
            }
          });
      if (replaced[0]) {
        retire(group);
      }
      return replaced[0];
    }
  }

  /** What one compaction plan replaced, for its job's counters. */
  record PlanStats(
      int segmentsIn, int segmentsOut, long rowsIn, long rowsOut, long bytesReclaimed) {}

  /**
   * Asks for a compaction of a table; it runs in the background, after the index builds and
   * compactions queued before it, and plans its work from the table's segments when it starts.
   * Returns the job, PENDING.
   *
   * @throws QuiverException TABLE_NOT_FOUND
   */
  public CompactionMeta compact(String tableName, CompactionType type) {
    checkOpen();
    Table table = table(tableName);
    return submitCompaction(table, type, "manual");
  }

  private CompactionMeta submitCompaction(Table table, CompactionType type, String reason) {
    CompactionMeta job = compactions.create(table.name(), type, reason);
    if (indexer == null) {
      // In memory every row stays in memory: there are no segments to compact.
      runCompaction(job.id());
      return compactions.get(job.id());
    }
    try {
      indexer.execute(() -> runCompaction(job.id()));
    } catch (RejectedExecutionException e) {
      return compactions.update(
          job.id(), j -> Compactions.finish(j, "CANCELLED", "the database is closing"));
    }
    return job;
  }

  /**
   * Waits until a compaction job finishes, at most {@code timeoutMillis}, and returns it as it then
   * is (still running if the time ran out).
   *
   * @throws QuiverException INVALID_VALUE if there is no such job
   */
  public CompactionMeta awaitCompaction(long id, long timeoutMillis) {
    CompactionMeta job = compactions.await(id, timeoutMillis);
    if (job == null) {
      throw new QuiverException(
          ErrorCode.INVALID_VALUE, "there is no compaction job " + id + "; see sys.compactions");
    }
    return job;
  }

  /** Every compaction job remembered, oldest first, with live progress: {@code sys.compactions}. */
  public List<CompactionMeta> compactions() {
    return compactions.list();
  }

  /** Runs a job on the indexer thread: plans it, then rewrites and swaps plan after plan. */
  private void runCompaction(long id) {
    CompactionMeta job = compactions.get(id);
    Table table = tables.get(job.table());
    if (closing) {
      compactions.update(id, j -> Compactions.finish(j, "CANCELLED", "the database closed"));
      return;
    }
    if (table == null) {
      compactions.update(
          id, j -> Compactions.finish(j, "FAILED", "table " + j.table() + " was dropped"));
      return;
    }
    CompactionType type = CompactionType.valueOf(job.type());
    try {
      long dropUpTo = horizonNow(table);
      List<List<Segment>> plans = plan(table, type, dropUpTo, job.reason().equals("manual"));
      compactions.update(id, j -> Compactions.running(j, plans.size()));
      int cluster = type == CompactionType.FULL ? clusterColumn(table) : -1;
      for (List<Segment> plan : plans) {
        if (closing) {
          compactions.update(id, j -> Compactions.finish(j, "CANCELLED", "the database closed"));
          return;
        }
        Rewritten result =
            rewrite(
                table,
                plan,
                dropUpTo,
                cluster,
                stats ->
                    Compactions.planDone(
                        compactions.get(id),
                        stats.segmentsIn(),
                        stats.segmentsOut(),
                        stats.rowsIn(),
                        stats.rowsOut(),
                        stats.bytesReclaimed()));
        if (result == null || result.lacksIndex()) {
          // The segments changed under the plan (another rewrite, a drop), or a rewrite could not
          // hold its indexes: the plan is skipped, the old segments stay.
          compactions.update(id, j -> Compactions.planDone(j, 0, 0, 0, 0, 0));
        }
      }
      CompactionMeta done = compactions.update(id, j -> Compactions.finish(j, "COMPLETED", null));
      LOG.info(
          () ->
              "compaction "
                  + done.id()
                  + " ("
                  + done.type()
                  + ") of table "
                  + done.table()
                  + " completed: "
                  + done.segmentsIn()
                  + " segments into "
                  + done.segmentsOut()
                  + ", "
                  + done.rowsIn()
                  + " rows into "
                  + done.rowsOut()
                  + ", "
                  + done.bytesReclaimed()
                  + " bytes reclaimed");
    } catch (RuntimeException e) {
      if (!closing) {
        LOG.log(Level.WARNING, "compaction " + id + " of table " + table.name() + " failed", e);
      }
      String why = closing ? "the database closed" : String.valueOf(e.getMessage());
      try {
        compactions.update(id, j -> Compactions.finish(j, closing ? "CANCELLED" : "FAILED", why));
      } catch (RuntimeException recording) {
        e.addSuppressed(recording);
        LOG.log(Level.WARNING, "recording the end of compaction " + id + " failed", recording);
      }
    }
  }

  /** Marks the jobs the closing engine will not run or finish CANCELLED. */
  private void cancelCompactions() {
    for (CompactionMeta job : compactions.list()) {
      if (!job.finished()) {
        try {
          compactions.update(
              job.id(), j -> Compactions.finish(j, "CANCELLED", "the database closed"));
        } catch (RuntimeException e) {
          // The next open marks it FAILED instead.
          LOG.log(Level.WARNING, "recording the cancellation of compaction " + job.id(), e);
        }
      }
    }
  }

  /** The position of the table's {@code cluster_by} column, or -1 when it has none. */
  private static int clusterColumn(Table table) {
    String column = table.def().options().get("cluster_by");
    return column == null ? -1 : table.def().columnIndex(column);
  }

  /**
   * Segments a compaction may rewrite: those with every vector index of their table. Segments still
   * waiting for theirs are the indexer's, which merges them itself.
   */
  private List<Segment> compactable(Table table) {
    List<IndexDef> tableIndexes = indexesOf(table.name());
    List<Segment> result = new ArrayList<>();
    for (Segment segment : table.segments()) {
      if (!unindexable.contains(segment.id())
          && !SegmentFiles.needsIndex(segment, table.def(), tableIndexes)) {
        result.add(segment);
      }
    }
    return result;
  }

  /**
   * The groups of segments a job rewrites, one swap each. MINOR packs the segments holding fewer
   * than half of {@code segment_max_rows} live rows, in order, into groups that fit one segment;
   * MAJOR takes each segment with rows deleted at or before {@code dropUpTo} (when automatic, only
   * above {@code deleted_ratio_threshold}); FULL takes every segment, in one group when ordered by
   * {@code cluster_by}, else packed in order into groups that fit one segment each.
   */
  private List<List<Segment>> plan(
      Table table, CompactionType type, long dropUpTo, boolean manual) {
    List<Segment> segments = compactable(table);
    List<List<Segment>> plans = new ArrayList<>();
    switch (type) {
      case MINOR -> {
        List<Segment> small = new ArrayList<>();
        for (Segment segment : segments) {
          if (live(segment, dropUpTo) < table.maxRows() / 2) {
            small.add(segment);
          }
        }
        for (List<Segment> group : pack(table, small, dropUpTo)) {
          if (group.size() > 1) {
            plans.add(group);
          }
        }
      }
      case MAJOR -> {
        double threshold = deletedRatioThreshold(table);
        for (Segment segment : segments) {
          long droppable = segment.deletedAt(dropUpTo);
          if (droppable > 0 && (manual || (double) droppable / segment.rowCount() > threshold)) {
            plans.add(List.of(segment));
          }
        }
      }
      case FULL -> {
        if (segments.isEmpty()) {
          break;
        }
        if (clusterColumn(table) >= 0) {
          plans.add(segments);
        } else {
          plans.addAll(pack(table, segments, dropUpTo));
        }
      }
    }
    return plans;
  }

  /** Segments in order, grouped while their live rows and bytes fit one segment. */
  private static List<List<Segment>> pack(Table table, List<Segment> segments, long dropUpTo) {
    List<List<Segment>> groups = new ArrayList<>();
    List<Segment> group = new ArrayList<>();
    long rows = 0;
    long bytes = 0;
    for (Segment segment : segments) {
      long live = live(segment, dropUpTo);
      long size = segment.reader().sizeBytes() * live / Math.max(1, segment.rowCount());
      if (!group.isEmpty() && (rows + live > table.maxRows() || bytes + size > table.maxBytes())) {
        groups.add(group);
        group = new ArrayList<>();
        rows = 0;
        bytes = 0;
      }
      group.add(segment);
      rows += live;
      bytes += size;
    }
    if (!group.isEmpty()) {
      groups.add(group);
    }
    return groups;
  }

  /** The rows of a segment that a rewrite dropping deletes up to {@code dropUpTo} keeps. */
  private static long live(Segment segment, long dropUpTo) {
    return segment.rowCount() - segment.deletedAt(dropUpTo);
  }

  private static double deletedRatioThreshold(Table table) {
    String value = table.def().options().get("deleted_ratio_threshold");
    return value == null ? 0.2 : Double.parseDouble(value);
  }

  /**
   * The automatic triggers of SPEC §6, checked for every table with {@code auto_compaction} on and
   * no job of its own under way; at most one job per table per check, logged with its reason.
   */
  void scheduleCompactions() {
    if (closing) {
      return;
    }
    long now = System.currentTimeMillis();
    for (Table table : tables.values()) {
      if ("false".equals(table.def().options().get("auto_compaction"))
          || compactions.active(table.name()).isPresent()) {
        continue;
      }
      long dropUpTo = horizonNow(table);
      List<Segment> segments = compactable(table);
      String reason = null;
      CompactionType type = null;
      double threshold = deletedRatioThreshold(table);
      for (Segment segment : segments) {
        long droppable = segment.deletedAt(dropUpTo);
        double ratio = (double) droppable / Math.max(1, segment.rowCount());
        if (droppable > 0 && ratio > threshold) {
          type = CompactionType.MAJOR;
          reason =
              String.format(
                  Locale.ROOT,
                  "segment %d has %.1f%% of its rows deleted beyond retention,"
                      + " above deleted_ratio_threshold %.2f",
                  segment.id(),
                  ratio * 100,
                  threshold);
          break;
        }
      }
      if (type == null) {
        long minSegments = table.def().longOption("compaction_min_segments", 10);
        long small = segments.stream().filter(s -> live(s, dropUpTo) < table.maxRows() / 2).count();
        if (small > minSegments) {
          type = CompactionType.MINOR;
          reason =
              small
                  + " segments hold fewer than half of segment_max_rows ("
                  + table.maxRows()
                  + ") rows, more than compaction_min_segments ("
                  + minSegments
                  + ")";
        }
      }
      long interval = table.def().longOption("full_compaction_interval_s", 0) * 1000;
      if (type == null && interval > 0 && !segments.isEmpty()) {
        long last = Math.max(compactions.lastCompleted(table.name(), CompactionType.FULL), opened);
        if (now - last >= interval) {
          type = CompactionType.FULL;
          reason = "full_compaction_interval_s (" + interval / 1000 + ") has passed since the last";
        }
      }
      if (type != null) {
        String why = reason;
        CompactionType what = type;
        LOG.info(() -> "automatic " + what + " compaction of table " + table.name() + ": " + why);
        submitCompaction(table, type, why);
      }
    }
  }

  /** Queues an index build on the indexer thread unless one is queued already. */
  private void buildIndexesInBackground() {
    if (indexer == null || !indexBuildQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      indexer.execute(
          () -> {
            indexBuilding.set(true);
            indexBuildQueued.set(false);
            try {
              buildIndexes();
            } catch (RuntimeException e) {
              if (!closing) {
                LOG.log(Level.WARNING, "building vector indexes of " + directory + " failed", e);
              }
            } finally {
              indexBuilding.set(false);
            }
          });
    } catch (RejectedExecutionException closing) {
      indexBuildQueued.set(false);
    }
  }

  /**
   * Segments no table holds any more: each is closed and its files deleted when the last query that
   * pinned it lets go of it, at once if none does. Its catalog entry, DROPPED already, goes too.
   */
  private void retire(List<Segment> segments) {
    for (Segment segment : segments) {
      retired.add(segment);
      segment.retire(() -> removeWhenUnused(segment));
    }
  }

  /** The last reference to a retired segment is gone: remove it off the reader's thread. */
  private void removeWhenUnused(Segment segment) {
    ScheduledExecutorService executor = background;
    if (executor != null) {
      try {
        executor.execute(() -> removeRetired(segment));
        return;
      } catch (RejectedExecutionException closing) {
        // close() removes every retired segment itself.
        return;
      }
    }
    removeRetired(segment);
  }

  /**
   * Closes a retired segment and deletes its files, once: whoever takes it from the set. Under a
   * lock of its own, so that {@link #removeRetired()} returns only after removals under way.
   */
  private void removeRetired(Segment segment) {
    synchronized (removals) {
      if (!retired.remove(segment)) {
        return;
      }
      closeQuietly(segment);
      segmentFiles.delete(segment.id());
      try {
        catalog.removeSegment(segment.id());
      } catch (RuntimeException e) {
        // The entry stays DROPPED: the next open deletes it (and the folder, if still there).
        if (!closing) {
          LOG.log(Level.WARNING, "removing the catalog entry of " + segment + " failed", e);
        }
      }
    }
  }

  /** Removes every retired segment now, without waiting for readers (for tests). */
  void removeRetiredNow() {
    synchronized (checkpointMonitor) {
      removeRetired();
    }
  }

  /** The number of retired segments whose files are still there (readers hold them). */
  int retiredCount() {
    return retired.size();
  }

  /**
   * Waits until every sealed segment has the graphs of its table's HNSW indexes (except those a
   * zero vector keeps from having one): the database is then fully indexed.
   *
   * @throws QuiverException INTERNAL_ERROR if that takes longer than the timeout
   */
  public void awaitIndexed(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      boolean pending = indexBuildQueued.get() || indexBuilding.get();
      for (Table table : tables.values()) {
        List<IndexDef> tableIndexes = indexesOf(table.name());
        for (Segment segment : table.segments()) {
          pending |=
              !unindexable.contains(segment.id())
                  && SegmentFiles.needsIndex(segment, table.def(), tableIndexes);
        }
      }
      if (!pending) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new QuiverException(
            ErrorCode.INTERNAL_ERROR,
            "vector indexes of " + directory + " not built within " + timeoutMillis + " ms");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new QuiverException(ErrorCode.INTERNAL_ERROR, "interrupted while waiting", e);
      }
    }
  }

  /** Closes and deletes every retired segment, read or not: the engine is closing. */
  private void removeRetired() {
    synchronized (removals) {
      for (Segment segment : List.copyOf(retired)) {
        removeRetired(segment);
      }
    }
  }

  /**
   * The oldest snapshot a segment sealed at {@code cut} serves: rows deleted after it are written
   * with their delete timestamps rather than left out. That is the table's {@code
   * time_travel_retention_s}, and at least {@link #MIN_RETENTION_MILLIS}, so that a query whose
   * snapshot was taken just before the cut still finds the rows deleted since.
   */
  private static long horizon(Table table, long cut) {
    long retentionMillis =
        Math.max(
            MIN_RETENTION_MILLIS, table.def().longOption("time_travel_retention_s", 3600) * 1000);
    long millis = Timeline.millis(cut) - retentionMillis;
    return millis <= 0 ? 0 : millis << Timeline.LOGICAL_BITS;
  }

  /** The {@link #horizon} as of now: rows deleted at or before it are beyond every snapshot. */
  private long horizonNow(Table table) {
    long now = Math.max(timeline.lastCommitted(), timeline.nowMillis() << Timeline.LOGICAL_BITS);
    return horizon(table, now);
  }

  /** A segment's catalog entry with {@code deletedRows} deleted rows. */
  private static SegmentMeta meta(Segment segment, long deletedRows, SegmentState state) {
    var info = segment.reader().info();
    boolean indexed = segment.indexName() != null;
    return new SegmentMeta(
        segment.id(),
        segment.tableName(),
        state == SegmentState.FLUSHED && indexed ? SegmentState.INDEXED : state,
        info.rowCount(),
        deletedRows,
        info.sizeBytes(),
        info.minInsertTs(),
        info.maxInsertTs(),
        segment.createdAtMillis(),
        segment.sealedAtMillis(),
        segment.indexName(),
        indexed ? "BUILT" : null);
  }

  /** The segments of every table, and the rows in memory, for {@code sys.segments}. */
  public List<SegmentStatus> segmentStatus() {
    List<SegmentStatus> result = new ArrayList<>();
    for (Table table : tables.values()) {
      for (Segment segment : table.segments()) {
        boolean indexed = segment.indexName() != null;
        result.add(
            new SegmentStatus(
                segment.id(),
                table.name(),
                indexed ? "INDEXED" : "FLUSHED",
                segment.rowCount(),
                segment.deletedAt(Long.MAX_VALUE - 1),
                segment.reader().sizeBytes(),
                segment.indexName(),
                indexed ? "BUILT" : null,
                segment.createdAtMillis(),
                segment.sealedAtMillis()));
      }
      for (Table.MemoryRows rows : table.memoryRows()) {
        result.add(
            new SegmentStatus(
                null,
                table.name(),
                rows.state(),
                rows.rows(),
                rows.deleted(),
                rows.bytes(),
                null,
                null,
                rows.createdAtMillis(),
                null));
      }
    }
    return result;
  }

  /** Closes a file database, leaving growing rows to the log (the next open replays them). */
  @Override
  public void close() {
    closing = true;
    applier.stop();
    if (indexer != null) {
      indexer.shutdown();
      synchronized (indexerInterrupt) {
        // A graph being built is abandoned: its folder is a leftover the next open removes.
        if (indexerWriting != null) {
          indexerWriting.interrupt();
        }
      }
      try {
        indexer.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (background != null) {
      background.shutdown();
      try {
        background.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (checkpointMonitor) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (catalog != null) {
          cancelCompactions();
          removeRetired();
        }
        closeSegments();
        if (wal != null) {
          wal.close();
        }
      } finally {
        try {
          if (catalog != null) {
            catalog.close();
          }
        } finally {
          if (lock != null) {
            lock.release();
          }
        }
      }
    }
  }

  private void closeSegments() {
    for (Table table : tables.values()) {
      table.segments().forEach(Engine::closeQuietly);
    }
    pendingDrops.forEach(Engine::closeQuietly);
  }

  private static void closeQuietly(Segment segment) {
    try {
      segment.reader().close();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "closing " + segment + " failed", e);
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
    if (directory == null) {
      return new Table(def, timeline, CommitLog.NONE);
    }
    Table table = new Table(def, timeline, new LogAdapter());
    table.onGrowingFull(this::runCheckpoint);
    return table;
  }

  /** Under the commit lock, as every catalog change. */
  private void removeTable(String name) {
    Table table = tables.remove(name);
    pendingDrops.addAll(table.markDropped());
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
          case LogRecord.ALTER_TABLE -> {
            LogRecord.AlterTable logged = LogRecord.AlterTable.readFrom(in);
            Table table = tables.get(logged.table());
            if (table == null) {
              throw new IOException(
                  "an ALTER TABLE of " + logged.table() + ", which does not exist at that point");
            }
            alter(table, logged.changes(), timestamp);
          }
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
    if (logBytesSinceCheckpoint.addAndGet(recordBytes) >= CHECKPOINT_LOG_BYTES) {
      runCheckpoint();
    }
  }

  /** Queues a checkpoint on the background thread unless one is queued already. */
  private void runCheckpoint() {
    if (background == null || !checkpointQueued.compareAndSet(false, true)) {
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
          // Writers that filled a table while this checkpoint wrote found it queued.
          if (!closed && tables.values().stream().anyMatch(Table::growingFull)) {
            runCheckpoint();
          }
        };
    try {
      background.execute(task);
    } catch (RejectedExecutionException closing) {
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
