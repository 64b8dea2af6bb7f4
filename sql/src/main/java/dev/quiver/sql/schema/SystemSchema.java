package dev.quiver.sql.schema;

import com.google.common.collect.ImmutableMultimap;
import com.google.common.collect.Multimap;
import dev.quiver.sql.parser.SqlCompactTable;
import dev.quiver.storage.Engine;
import dev.quiver.storage.SegmentStatus;
import dev.quiver.storage.Session;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.catalog.store.CompactionMeta;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Table;
import dev.quiver.storage.table.Timeline;
import dev.quiver.storage.wal.WriteAheadLog;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The schema {@code sys}: read-only tables whose rows describe the engine (SPEC section 3). Rows
 * are computed from the catalog when a query scans them.
 */
public final class SystemSchema extends AbstractSchema {
  /** The schema's name. */
  public static final String NAME = "sys";

  private static final List<Column> TABLES_COLUMNS =
      List.of(
          col("table_name", SqlTypeName.VARCHAR),
          col("primary_key", SqlTypeName.VARCHAR),
          col("column_count", SqlTypeName.INTEGER),
          col("row_count", SqlTypeName.BIGINT),
          col("options", SqlTypeName.VARCHAR));

  private static final List<Column> COLUMNS_COLUMNS =
      List.of(
          col("table_schema", SqlTypeName.VARCHAR),
          col("table_name", SqlTypeName.VARCHAR),
          col("column_name", SqlTypeName.VARCHAR),
          col("ordinal_position", SqlTypeName.INTEGER),
          col("type_name", SqlTypeName.VARCHAR),
          col("data_type", SqlTypeName.INTEGER),
          col("column_size", SqlTypeName.INTEGER),
          col("decimal_digits", SqlTypeName.INTEGER),
          col("is_nullable", SqlTypeName.BOOLEAN),
          col("is_primary_key", SqlTypeName.BOOLEAN));

  private static final List<Column> INDEXES_COLUMNS =
      List.of(
          col("index_name", SqlTypeName.VARCHAR),
          col("table_name", SqlTypeName.VARCHAR),
          col("column_name", SqlTypeName.VARCHAR),
          col("method", SqlTypeName.VARCHAR),
          col("metric", SqlTypeName.VARCHAR),
          col("options", SqlTypeName.VARCHAR),
          col("state", SqlTypeName.VARCHAR),
          col("segments_indexed", SqlTypeName.BIGINT),
          col("segments_total", SqlTypeName.BIGINT));

  private static final List<Column> WAL_COLUMNS =
      List.of(
          col("file", SqlTypeName.VARCHAR),
          col("first_ts", SqlTypeName.TIMESTAMP),
          col("last_ts", SqlTypeName.TIMESTAMP),
          col("size_bytes", SqlTypeName.BIGINT),
          col("checkpoint_ts", SqlTypeName.TIMESTAMP));

  private static final List<Column> SEGMENTS_COLUMNS =
      List.of(
          col("segment_id", SqlTypeName.BIGINT),
          col("table_name", SqlTypeName.VARCHAR),
          col("partition_name", SqlTypeName.VARCHAR),
          col("state", SqlTypeName.VARCHAR),
          col("level", SqlTypeName.INTEGER),
          col("row_count", SqlTypeName.BIGINT),
          col("deleted_rows", SqlTypeName.BIGINT),
          col("size_bytes", SqlTypeName.BIGINT),
          col("index_name", SqlTypeName.VARCHAR),
          col("index_state", SqlTypeName.VARCHAR),
          col("created_at", SqlTypeName.TIMESTAMP),
          col("sealed_at", SqlTypeName.TIMESTAMP));

  private static final List<Column> SESSIONS_COLUMNS =
      List.of(
          col("session_id", SqlTypeName.BIGINT),
          col("user_name", SqlTypeName.VARCHAR),
          col("is_current", SqlTypeName.BOOLEAN),
          col("consistency_level", SqlTypeName.VARCHAR),
          col("bounded_staleness_ms", SqlTypeName.BIGINT),
          col("consistency_timeout_ms", SqlTypeName.BIGINT),
          col("last_write_ts", SqlTypeName.BIGINT),
          col("last_write_at", SqlTypeName.TIMESTAMP),
          col("last_snapshot_ts", SqlTypeName.BIGINT),
          col("waiting_for_ts", SqlTypeName.BIGINT),
          col("query_count", SqlTypeName.BIGINT),
          col("write_count", SqlTypeName.BIGINT),
          col("wait_count", SqlTypeName.BIGINT),
          col("wait_ms", SqlTypeName.DOUBLE),
          col("opened_at", SqlTypeName.TIMESTAMP));

  private static final List<Column> COMPACTIONS_COLUMNS =
      List.of(
          col("compaction_id", SqlTypeName.BIGINT),
          col("table_name", SqlTypeName.VARCHAR),
          col("type", SqlTypeName.VARCHAR),
          col("state", SqlTypeName.VARCHAR),
          col("plans_done", SqlTypeName.INTEGER),
          col("plans_total", SqlTypeName.INTEGER),
          col("segments_in", SqlTypeName.INTEGER),
          col("segments_out", SqlTypeName.INTEGER),
          col("rows_in", SqlTypeName.BIGINT),
          col("rows_out", SqlTypeName.BIGINT),
          col("bytes_reclaimed", SqlTypeName.BIGINT),
          col("started_at", SqlTypeName.TIMESTAMP),
          col("finished_at", SqlTypeName.TIMESTAMP),
          col("error", SqlTypeName.VARCHAR),
          col("reason", SqlTypeName.VARCHAR));

  /** The system tables and their columns, in the order sys.columns lists them. */
  private static final Map<String, List<Column>> SYSTEM_TABLES =
      new java.util.TreeMap<>(
          Map.of(
              "tables",
              TABLES_COLUMNS,
              "columns",
              COLUMNS_COLUMNS,
              "indexes",
              INDEXES_COLUMNS,
              "segments",
              SEGMENTS_COLUMNS,
              "wal",
              WAL_COLUMNS,
              "sessions",
              SESSIONS_COLUMNS,
              "compactions",
              COMPACTIONS_COLUMNS));

  private final Map<String, org.apache.calcite.schema.Table> tables;
  private final Engine engine;

  /** The schema as the connection of engine session {@code current} sees it. */
  public SystemSchema(Engine engine, Session current) {
    this.engine = engine;
    this.tables =
        Map.of(
            "compactions", new SystemTable(COMPACTIONS_COLUMNS, () -> compactionRows(engine)),
            "tables", new SystemTable(TABLES_COLUMNS, () -> tableRows(engine)),
            "columns", new SystemTable(COLUMNS_COLUMNS, () -> columnRows(engine)),
            "indexes", new SystemTable(INDEXES_COLUMNS, () -> indexRows(engine)),
            "segments", new SystemTable(SEGMENTS_COLUMNS, () -> segmentRows(engine)),
            "wal", new SystemTable(WAL_COLUMNS, () -> walRows(engine)),
            "sessions", new SystemTable(SESSIONS_COLUMNS, () -> sessionRows(engine, current)));
  }

  @Override
  protected Map<String, org.apache.calcite.schema.Table> getTableMap() {
    return tables;
  }

  @Override
  protected Multimap<String, org.apache.calcite.schema.Function> getFunctionMultimap() {
    return ImmutableMultimap.of(SqlCompactTable.FUNCTION, CompactFunction.INSTANCE);
  }

  /** The database this schema describes, for the functions that act on it. */
  Engine engine() {
    return engine;
  }

  /**
   * One row per compaction job the database remembers (the last thousand), oldest first, with the
   * progress of running ones: plans are swaps of segments, and their counts add up as each lands.
   */
  private static List<Object[]> compactionRows(Engine engine) {
    List<Object[]> rows = new ArrayList<>();
    for (CompactionMeta job : engine.compactions()) {
      rows.add(
          new Object[] {
            job.id(),
            job.table(),
            job.type(),
            job.state(),
            job.plansDone(),
            job.plansTotal(),
            job.segmentsIn(),
            job.segmentsOut(),
            job.rowsIn(),
            job.rowsOut(),
            job.bytesReclaimed(),
            job.startedAtMillis() == 0 ? null : job.startedAtMillis(),
            job.finishedAtMillis() == 0 ? null : job.finishedAtMillis(),
            job.error(),
            job.reason()
          });
    }
    return rows;
  }

  private static List<Object[]> tableRows(Engine engine) {
    Snapshot snapshot = engine.snapshot();
    List<Object[]> rows = new ArrayList<>();
    for (String name : engine.tableNames()) {
      engine
          .findTable(name)
          .ifPresent(
              table -> {
                TableDef def = table.def();
                rows.add(
                    new Object[] {
                      def.name(),
                      def.hasPrimaryKey() ? def.column(def.primaryKey()).name() : null,
                      def.columns().size(),
                      table.rowCount(snapshot),
                      format(def.userOptions())
                    });
              });
    }
    return rows;
  }

  private static List<Object[]> columnRows(Engine engine) {
    List<Object[]> rows = new ArrayList<>();
    for (String name : engine.tableNames()) {
      engine
          .findTable(name)
          .map(Table::def)
          .ifPresent(
              def -> {
                for (int i = 0; i < def.columns().size(); i++) {
                  ColumnDef c = def.column(i);
                  rows.add(
                      new Object[] {
                        QuiverSchema.NAME,
                        def.name(),
                        c.name(),
                        i + 1,
                        c.typeName(),
                        jdbcType(c),
                        columnSize(c),
                        c.type() == ColumnType.DECIMAL ? c.scale() : null,
                        c.nullable(),
                        i == def.primaryKey()
                      });
                }
              });
    }
    SYSTEM_TABLES.forEach(
        (table, columns) -> {
          for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            rows.add(
                new Object[] {
                  NAME,
                  table,
                  c.name(),
                  i + 1,
                  c.type().getName(),
                  c.type().getJdbcOrdinal(),
                  null,
                  null,
                  true,
                  false
                });
          }
        });
    return rows;
  }

  private static List<Object[]> indexRows(Engine engine) {
    List<Object[]> rows = new ArrayList<>();
    for (IndexDef index : engine.indexes()) {
      long[] progress = engine.indexProgress(index);
      String state =
          switch (index.method()) {
            // Graphs and lists are built in the background for each sealed segment; rows in
            // memory and segments without them yet are searched exactly.
            case HNSW, IVF_FLAT -> progress[0] == progress[1] ? "BUILT" : "BUILDING";
            case FLAT -> "EXACT";
          };
      rows.add(
          new Object[] {
            index.name(),
            index.table(),
            index.column(),
            index.method().name(),
            index.metric().optionName(),
            format(index.options()),
            state,
            index.method() == IndexMethod.FLAT ? null : progress[0],
            progress[1]
          });
    }
    return rows;
  }

  /**
   * One row per sealed segment, and one per table's rows in memory (GROWING, or SEALED while their
   * segment is written), which have no id yet. Level 0 is memory, level 1 a flushed segment
   * (compaction will add higher levels). Partitions come later; every row is in {@code _default}.
   */
  private static List<Object[]> segmentRows(Engine engine) {
    List<Object[]> rows = new ArrayList<>();
    for (SegmentStatus s : engine.segmentStatus()) {
      rows.add(
          new Object[] {
            s.segmentId(),
            s.table(),
            "_default",
            s.state(),
            s.segmentId() == null ? 0 : 1,
            s.rowCount(),
            s.deletedRows(),
            s.sizeBytes(),
            s.indexName(),
            s.indexState(),
            s.createdAtMillis(),
            s.sealedAtMillis()
          });
    }
    return rows;
  }

  /**
   * One row per write-ahead log file: its name, the wall-clock time of its first and last record
   * (NULL while empty), its size, and the time of the last checkpoint (records up to it are in the
   * database's files, and each checkpoint deletes the log files it wholly covers).
   */
  private static List<Object[]> walRows(Engine engine) {
    List<Object[]> rows = new ArrayList<>();
    Long checkpoint = millis(engine.checkpointTimestamp());
    for (WriteAheadLog.FileInfo file : engine.logFiles()) {
      rows.add(
          new Object[] {
            file.name(),
            millis(file.firstTimestamp()),
            millis(file.lastTimestamp()),
            file.sizeBytes(),
            checkpoint
          });
    }
    return rows;
  }

  /**
   * One row per open connection of the database: its settings (NULL where each table's option
   * decides), its last write (read-your-writes waits for it), the snapshot its last query read, the
   * guarantee a query of it is waiting for now (NULL if none), how many queries and writes it ran,
   * and how many of its queries waited for the applier and for how long in all.
   */
  private static List<Object[]> sessionRows(Engine engine, Session current) {
    List<Object[]> rows = new ArrayList<>();
    for (Session s : engine.sessions()) {
      rows.add(
          new Object[] {
            s.id(),
            s.user(),
            s.id() == current.id(),
            s.level() == null ? null : s.level().name(),
            s.boundedStalenessMillis(),
            s.timeoutMillis(),
            s.lastWrite(),
            millis(s.lastWrite()),
            s.lastSnapshot(),
            s.waitingFor() > 0 ? s.waitingFor() : null,
            s.readCount(),
            s.writeCount(),
            s.waitCount(),
            s.waitNanos() / 1e6,
            s.openedAtMillis()
          });
    }
    return rows;
  }

  /** A timestamp as TIMESTAMP's milliseconds, or NULL for none (0 or -1). */
  private static Long millis(long timestamp) {
    return timestamp > 0 ? Timeline.millis(timestamp) : null;
  }

  /** The {@link Types} constant JDBC reports for a column. */
  public static int jdbcType(ColumnDef column) {
    return switch (column.type()) {
      case BOOLEAN -> Types.BOOLEAN;
      case INTEGER -> Types.INTEGER;
      case BIGINT -> Types.BIGINT;
      case REAL -> Types.REAL;
      case DOUBLE -> Types.DOUBLE;
      case DECIMAL -> Types.DECIMAL;
      case VARCHAR -> Types.VARCHAR;
      case DATE -> Types.DATE;
      case TIMESTAMP -> Types.TIMESTAMP;
      case VECTOR -> Types.ARRAY;
    };
  }

  private static Integer columnSize(ColumnDef column) {
    return switch (column.type()) {
      case VECTOR -> column.dimension();
      case VARCHAR, DECIMAL -> column.precision() >= 0 ? column.precision() : null;
      case INTEGER -> 10;
      case BIGINT -> 19;
      case REAL -> 7;
      case DOUBLE -> 15;
      case BOOLEAN -> 1;
      case DATE -> 10;
      case TIMESTAMP -> 23;
    };
  }

  private static String format(Map<String, String> options) {
    return new java.util.TreeMap<>(options)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
  }

  private record Column(String name, SqlTypeName type) {}

  private static Column col(String name, SqlTypeName type) {
    return new Column(name, type);
  }

  /** A system table: fixed columns, rows computed per scan. */
  private static final class SystemTable extends AbstractTable implements ScannableTable {
    private final List<Column> columns;
    private final java.util.function.Supplier<List<Object[]>> rows;

    SystemTable(List<Column> columns, java.util.function.Supplier<List<Object[]>> rows) {
      this.columns = columns;
      this.rows = rows;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      RelDataTypeFactory.Builder builder = typeFactory.builder();
      // Milliseconds, as the engine keeps times: a last_write_at can be read back AS OF.
      Function<SqlTypeName, RelDataType> nullable =
          t ->
              typeFactory.createTypeWithNullability(
                  t == SqlTypeName.TIMESTAMP
                      ? typeFactory.createSqlType(t, 3)
                      : typeFactory.createSqlType(t),
                  true);
      columns.forEach(c -> builder.add(c.name(), nullable.apply(c.type())));
      return builder.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.asEnumerable(rows.get());
    }
  }
}
