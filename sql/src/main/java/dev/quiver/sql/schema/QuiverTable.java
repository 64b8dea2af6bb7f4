package dev.quiver.sql.schema;

import dev.quiver.sql.type.QuiverTypeFactory;
import dev.quiver.sql.type.VectorList;
import dev.quiver.storage.Engine;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Predicate;
import dev.quiver.storage.table.RowScan;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Table;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.Queryable;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalTableModify;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ModifiableTable;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Schemas;
import org.apache.calcite.schema.TemporalTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * One engine table as Calcite sees it: its row type, a scan with projection and filter pushed into
 * storage, and the target of INSERT, UPSERT, UPDATE and DELETE (see {@code QuiverTableModify}).
 *
 * <p>It holds the table's name, not its storage object, and resolves the name when a statement
 * runs. A prepared statement therefore reaches a table that was dropped and created again under the
 * same name, with the column positions it was planned with: prepare it again after such a change.
 *
 * <p>It is temporal to Calcite, so that {@code FOR SYSTEM_TIME AS OF} validates; planning turns
 * each read of it into a {@link QuiverTableAt}, which decides the snapshot.
 */
public final class QuiverTable extends AbstractTable
    implements ProjectableFilterableTable, ModifiableTable, TemporalTable {
  private final Engine engine;
  private final String name;
  private final SessionWrites writes;

  public QuiverTable(Engine engine, String name, SessionWrites writes) {
    this.engine = engine;
    this.name = name;
    this.writes = writes;
  }

  /** How the connection that sees this table writes. */
  public SessionWrites writes() {
    return writes;
  }

  public Engine engine() {
    return engine;
  }

  public String name() {
    return name;
  }

  /** The storage table, resolved now. */
  public Table storage() {
    return engine.table(name);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    TableDef def = storage().def();
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (ColumnDef column : def.columns()) {
      builder.add(column.name(), sqlType(typeFactory, column));
    }
    return builder.build();
  }

  /** The Calcite type of a column. */
  public static RelDataType sqlType(RelDataTypeFactory f, ColumnDef column) {
    RelDataType type =
        switch (column.type()) {
          case BOOLEAN -> f.createSqlType(SqlTypeName.BOOLEAN);
          case INTEGER -> f.createSqlType(SqlTypeName.INTEGER);
          case BIGINT -> f.createSqlType(SqlTypeName.BIGINT);
          case REAL -> f.createSqlType(SqlTypeName.REAL);
          case DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
          case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, column.precision(), column.scale());
          // Unbounded to Calcite, which would silently truncate a longer value on INSERT; the
          // engine checks VARCHAR(n) and rejects it, as PostgreSQL does.
          case VARCHAR -> f.createSqlType(SqlTypeName.VARCHAR);
          case DATE -> f.createSqlType(SqlTypeName.DATE);
          // Millisecond precision: what the engine stores.
          case TIMESTAMP -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
          case VECTOR -> QuiverTypeFactory.vectorType(f, column.dimension());
        };
    return f.createTypeWithNullability(type, column.nullable());
  }

  /**
   * The row versions are the system time: each carries the timestamps of the writes that made and
   * ended it, not as columns but as the engine's visibility. Calcite only asks whether the table is
   * temporal; these names are never resolved.
   */
  @Override
  public String getSysStartFieldName() {
    return "$insert_ts";
  }

  @Override
  public String getSysEndFieldName() {
    return "$delete_ts";
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
    return scan(root, filters, projects, () -> writes.snapshots().current(root, ReadPlan.of(name)));
  }

  /**
   * Scans the rows at the snapshot {@code snapshot} gives when reading starts, not when the plan is
   * built: an UPDATE in a JDBC batch reads after the batch's earlier rows were committed.
   */
  Enumerable<Object[]> scan(
      DataContext root, List<RexNode> filters, int[] projects, Supplier<Snapshot> snapshot) {
    Table table = storage();
    TableDef def = table.def();
    Predicate predicate = FilterTranslator.translateAndRemove(filters, def, root);
    int[] columns = projects != null ? projects : allColumns(def.columns().size());
    return rows(table, predicate, columns, snapshot);
  }

  /**
   * The table's rows at a snapshot of its consistency level, for callers that query a collection.
   */
  @Override
  public <T> Queryable<T> asQueryable(
      QueryProvider queryProvider, SchemaPlus schema, String tableName) {
    Table table = storage();
    @SuppressWarnings("unchecked")
    Queryable<T> rows =
        (Queryable<T>)
            rows(
                    table,
                    Predicate.ALWAYS,
                    allColumns(table.def().columns().size()),
                    () -> writes.snapshots().current(null, ReadPlan.of(name)))
                .asQueryable();
    return rows;
  }

  @Override
  public Type getElementType() {
    return Object[].class;
  }

  @Override
  public Expression getExpression(SchemaPlus schema, String tableName, Class clazz) {
    return Schemas.tableExpression(schema, getElementType(), tableName, clazz);
  }

  private static Enumerable<Object[]> rows(
      Table table, Predicate predicate, int[] columns, Supplier<Snapshot> snapshot) {
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return new ScanEnumerator(table.scan(snapshot.get(), predicate), columns);
      }
    };
  }

  /** A whole row as Calcite's generated code expects it: vectors as {@link VectorList}. */
  public static Object[] toCalciteRow(Object[] stored) {
    Object[] out = stored.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof float[] vector) {
        out[i] = new VectorList(vector);
      }
    }
    return out;
  }

  /** A row as Calcite's generated code expects it: projected, vectors as {@link VectorList}. */
  public static Object[] toCalciteRow(Object[] stored, int[] columns) {
    Object[] out = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      Object v = stored[columns[i]];
      out[i] = v instanceof float[] vector ? new VectorList(vector) : v;
    }
    return out;
  }

  private static int[] allColumns(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return all;
  }

  /**
   * A scan's rows, projected as Calcite expects them. Closing it (Calcite does when a statement
   * stops reading early, at LIMIT) releases the segments the scan pinned.
   */
  private static final class ScanEnumerator implements Enumerator<Object[]> {
    private final RowScan rows;
    private final int[] columns;
    private Object[] current;

    ScanEnumerator(RowScan rows, int[] columns) {
      this.rows = rows;
      this.columns = columns;
    }

    @Override
    public Object[] current() {
      return current;
    }

    @Override
    public boolean moveNext() {
      if (!rows.hasNext()) {
        return false;
      }
      current = toCalciteRow(rows.next(), columns);
      return true;
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException("a scan is read once");
    }

    @Override
    public void close() {
      rows.close();
    }
  }

  @Override
  public Collection<?> getModifiableCollection() {
    // Writes go through QuiverTableModify into the engine, never through a Java collection.
    return null;
  }

  @Override
  public TableModify toModificationRel(
      RelOptCluster cluster,
      RelOptTable table,
      Prepare.CatalogReader catalogReader,
      RelNode child,
      TableModify.Operation operation,
      List<String> updateColumnList,
      List<RexNode> sourceExpressionList,
      boolean flattened) {
    return LogicalTableModify.create(
        table, catalogReader, child, operation, updateColumnList, sourceExpressionList, flattened);
  }

  @Override
  public <C> C unwrap(Class<C> aClass) {
    if (aClass.isInstance(this)) {
      return aClass.cast(this);
    }
    return super.unwrap(aClass);
  }
}
