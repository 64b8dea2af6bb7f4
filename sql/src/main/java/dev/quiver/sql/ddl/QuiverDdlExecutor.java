package dev.quiver.sql.ddl;

import dev.quiver.sql.parser.SqlAlterTableOptions;
import dev.quiver.sql.parser.SqlCreateQuiverTable;
import dev.quiver.sql.parser.SqlCreateVectorIndex;
import dev.quiver.sql.parser.SqlDropVectorIndex;
import dev.quiver.sql.parser.SqlFlushTable;
import dev.quiver.sql.parser.SqlOption;
import dev.quiver.sql.parser.SqlVectorTypeNameSpec;
import dev.quiver.sql.schema.QuiverSchema;
import dev.quiver.storage.Engine;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.server.DdlExecutorImpl;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSetOption;
import org.apache.calcite.sql.ddl.SqlColumnDeclaration;
import org.apache.calcite.sql.ddl.SqlDropTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.Util;

/**
 * The executor of Quiver's DDL statements: it turns parsed CREATE/DROP TABLE, ALTER TABLE SET/RESET
 * and CREATE/DROP INDEX into engine catalog changes. Calcite calls the {@code execute} method whose
 * first parameter matches the statement's node class.
 */
public final class QuiverDdlExecutor extends DdlExecutorImpl {
  public static final QuiverDdlExecutor INSTANCE = new QuiverDdlExecutor();

  /** Precision and scale of a DECIMAL declared without them. */
  static final int DEFAULT_DECIMAL_PRECISION = 19;

  static final int DEFAULT_DECIMAL_SCALE = 6;

  private QuiverDdlExecutor() {}

  /** CREATE TABLE. */
  public void execute(SqlCreateQuiverTable create, CalcitePrepare.Context context) {
    String table = objectName(create.name, "table");
    List<ColumnDef> columns = new ArrayList<>();
    for (SqlNode node : create.columns) {
      SqlColumnDeclaration column = (SqlColumnDeclaration) node;
      if (column.expression != null) {
        throw new QuiverException(
            ErrorCode.UNSUPPORTED,
            "column "
                + column.name.getSimple()
                + ": DEFAULT and generated columns are not supported");
      }
      columns.add(columnDef(column.name.getSimple(), column.dataType));
    }
    int primaryKey = -1;
    if (create.primaryKey.size() > 1) {
      throw new QuiverException(
          ErrorCode.UNSUPPORTED,
          "table "
              + table
              + ": composite primary keys are not supported; declare one INTEGER, BIGINT or"
              + " VARCHAR column as PRIMARY KEY");
    }
    if (create.primaryKey.size() == 1) {
      String key = ((SqlIdentifier) create.primaryKey.get(0)).getSimple();
      primaryKey = indexOf(columns, key);
      if (primaryKey < 0) {
        throw new QuiverException(
            ErrorCode.COLUMN_NOT_FOUND,
            "table " + table + ": PRIMARY KEY names column " + key + ", which is not declared");
      }
    }
    TableDef def = new TableDef(table, columns, primaryKey, Options.table(options(create.options)));
    engine(context).createTable(def, create.ifNotExists);
  }

  /** DROP TABLE. */
  public void execute(SqlDropTable drop, CalcitePrepare.Context context) {
    engine(context).dropTable(objectName(drop.name, "table"), drop.ifExists);
  }

  /** CREATE INDEX. */
  public void execute(SqlCreateVectorIndex create, CalcitePrepare.Context context) {
    String name = objectName(create.name, "index");
    String table = objectName(create.table, "table");
    IndexMethod method =
        create.method == null ? IndexMethod.HNSW : IndexMethod.fromName(create.method.getSimple());
    if (create.columns.size() != 1) {
      throw new QuiverException(
          ErrorCode.UNSUPPORTED,
          "index "
              + name
              + ": a vector index covers exactly one VECTOR column, not "
              + create.columns.size());
    }
    String column = ((SqlIdentifier) create.columns.get(0)).getSimple();
    Map<String, String> options = Options.index(method, options(create.options));
    Metric metric = Metric.fromOption(options.get("metric"));
    options.put("metric", metric.optionName());
    engine(context)
        .createIndex(
            new IndexDef(name, table, column, method, metric, options), create.ifNotExists);
  }

  /**
   * FLUSH TABLE: everything committed so far is written to the database's files (a checkpoint) and
   * the write-ahead log below it is dropped.
   */
  public void execute(SqlFlushTable flush, CalcitePrepare.Context context) {
    Engine engine = engine(context);
    engine.table(objectName(flush.name, "table"));
    engine.checkpoint();
  }

  /**
   * ALTER TABLE ... SET (key = value, ...) and RESET (key, ...): the table's options change in one
   * catalog change, which the engine checks whole before anything is applied.
   */
  public void execute(SqlAlterTableOptions alter, CalcitePrepare.Context context) {
    Set<String> reset = new LinkedHashSet<>();
    for (SqlNode node : alter.reset) {
      String option = ((SqlIdentifier) node).getSimple();
      if (!reset.add(option)) {
        throw new QuiverException(
            ErrorCode.INVALID_OPTION,
            "option " + option + " is given twice; give each option once");
      }
    }
    engine(context)
        .alterTable(objectName(alter.name, "table"), options(alter.set), reset, alter.ifExists);
  }

  /** DROP INDEX. */
  public void execute(SqlDropVectorIndex drop, CalcitePrepare.Context context) {
    engine(context).dropIndex(objectName(drop.name, "index"), drop.ifExists);
  }

  private static ColumnDef columnDef(String name, SqlDataTypeSpec spec) {
    boolean nullable = spec.getNullable() == null || spec.getNullable();
    if (spec.getTypeNameSpec() instanceof SqlVectorTypeNameSpec vector) {
      return ColumnDef.vector(name, vector.dimension(), nullable);
    }
    if (!(spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic)) {
      throw unsupportedType(name, spec.getTypeName().toString());
    }
    String typeName = basic.getTypeName().getSimple().toUpperCase(Locale.ROOT);
    SqlTypeName sqlType = SqlTypeName.get(typeName);
    if (sqlType == null) {
      throw unsupportedType(name, typeName);
    }
    int precision = basic.getPrecision();
    int scale = basic.getScale();
    return switch (sqlType) {
      case BOOLEAN -> ColumnDef.of(name, ColumnType.BOOLEAN, nullable);
      case INTEGER -> ColumnDef.of(name, ColumnType.INTEGER, nullable);
      case BIGINT -> ColumnDef.of(name, ColumnType.BIGINT, nullable);
      case REAL -> ColumnDef.of(name, ColumnType.REAL, nullable);
      case DOUBLE, FLOAT -> ColumnDef.of(name, ColumnType.DOUBLE, nullable);
      case DECIMAL ->
          precision < 0
              ? new ColumnDef(
                  name,
                  ColumnType.DECIMAL,
                  0,
                  DEFAULT_DECIMAL_PRECISION,
                  DEFAULT_DECIMAL_SCALE,
                  nullable)
              : new ColumnDef(name, ColumnType.DECIMAL, 0, precision, Math.max(scale, 0), nullable);
      case VARCHAR -> new ColumnDef(name, ColumnType.VARCHAR, 0, precision, 0, nullable);
      case DATE -> ColumnDef.of(name, ColumnType.DATE, nullable);
      case TIMESTAMP -> ColumnDef.of(name, ColumnType.TIMESTAMP, nullable);
      default -> throw unsupportedType(name, typeName);
    };
  }

  private static QuiverException unsupportedType(String column, String type) {
    return new QuiverException(
        ErrorCode.UNSUPPORTED,
        "column "
            + column
            + ": type "
            + type
            + " is not supported; use BOOLEAN, INTEGER, BIGINT, REAL, DOUBLE, DECIMAL, VARCHAR,"
            + " DATE, TIMESTAMP or VECTOR(n)");
  }

  private static int indexOf(List<ColumnDef> columns, String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, Object> options(SqlNodeList list) {
    Map<String, Object> options = new LinkedHashMap<>();
    if (list == null) {
      return options;
    }
    for (SqlNode node : list) {
      SqlOption option = (SqlOption) node;
      if (options.put(option.name(), option.javaValue()) != null) {
        throw new QuiverException(
            ErrorCode.INVALID_OPTION,
            "option " + option.name() + " is given twice; give each option once");
      }
    }
    return options;
  }

  /** The object name in schema {@code public}; other schemas are read-only or do not exist. */
  private static String objectName(SqlIdentifier id, String what) {
    if (id.names.size() == 1) {
      return id.getSimple();
    }
    if (id.names.size() == 2 && id.names.get(0).equalsIgnoreCase(QuiverSchema.NAME)) {
      return id.names.get(1);
    }
    throw new QuiverException(
        ErrorCode.UNSUPPORTED,
        what + " " + id + ": user objects live in schema " + QuiverSchema.NAME + " only");
  }

  /**
   * {@code SET name = value} and {@code RESET name}: a connection setting (see SessionSettings).
   */
  public void execute(SqlSetOption set, CalcitePrepare.Context context) {
    SqlNode value = set.getValue();
    Object v;
    if (value == null) {
      v = null;
    } else if (value instanceof SqlLiteral literal) {
      // Text without its quotes, a number as written: SET consistency_level = 'strong' works.
      v = literal.toValue();
    } else {
      v = value.toString();
    }
    schema(context).settings().set(Util.last(set.getName().names), v);
  }

  private static Engine engine(CalcitePrepare.Context context) {
    return schema(context).engine();
  }

  private static QuiverSchema schema(CalcitePrepare.Context context) {
    CalciteSchema schema = context.getRootSchema().getSubSchema(QuiverSchema.NAME, false);
    if (schema == null || !(schema.schema instanceof QuiverSchema quiver)) {
      throw new IllegalStateException("connection has no Quiver schema");
    }
    return quiver;
  }
}
