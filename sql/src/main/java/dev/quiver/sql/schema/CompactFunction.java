package dev.quiver.sql.schema;

import dev.quiver.storage.CompactionType;
import dev.quiver.storage.Engine;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.catalog.store.CompactionMeta;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.TableFunction;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.schema.impl.TableFunctionImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code sys.compact(table, type, wait)}, what {@code COMPACT TABLE} runs: asks the engine for a
 * compaction and returns one row (compaction_id, state), after the job finished when {@code wait}.
 * The function itself only describes the row: Calcite calls it while validating. The compaction
 * starts when the row is read, that is when the statement runs.
 */
public final class CompactFunction {
  /** The function as schema {@code sys} registers it. */
  public static final TableFunction INSTANCE =
      TableFunctionImpl.create(CompactFunction.class, "compact");

  /** How long {@code WAIT} waits at most: a day, a bound no compaction should reach. */
  private static final long WAIT_MILLIS = 24L * 3600 * 1000;

  private CompactFunction() {}

  /** The statement's result, computed when scanned. */
  public static ScannableTable compact(String table, String type, boolean await) {
    return new Result(table, type, await);
  }

  private static final class Result extends AbstractTable implements ScannableTable {
    private final String table;
    private final String type;
    private final boolean await;

    Result(String table, String type, boolean await) {
      this.table = table;
      this.type = type;
      this.await = await;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return typeFactory
          .builder()
          .add("compaction_id", SqlTypeName.BIGINT)
          .add("state", SqlTypeName.VARCHAR)
          .build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      Engine engine = engine(root);
      CompactionMeta job = engine.compact(table, type(type));
      if (await) {
        job = engine.awaitCompaction(job.id(), WAIT_MILLIS);
        if (job.state().equals("FAILED") || job.state().equals("CANCELLED")) {
          throw new QuiverException(
              ErrorCode.INTERNAL_ERROR,
              "compaction "
                  + job.id()
                  + " of table "
                  + table
                  + " "
                  + job.state().toLowerCase(Locale.ROOT)
                  + ": "
                  + job.error()
                  + "; the table is as it was before the plans that did not finish (see"
                  + " sys.compactions)");
        }
      }
      return Linq4j.asEnumerable(List.<Object[]>of(new Object[] {job.id(), job.state()}));
    }
  }

  /** MAJOR unless the statement names a type: reclaiming deleted rows is what users ask for. */
  private static CompactionType type(String type) {
    return type == null ? CompactionType.MAJOR : CompactionType.valueOf(type);
  }

  private static Engine engine(DataContext root) {
    SchemaPlus sys = root.getRootSchema().subSchemas().get(SystemSchema.NAME);
    SystemSchema schema = sys == null ? null : sys.unwrap(SystemSchema.class);
    if (schema == null) {
      throw new QuiverException(
          ErrorCode.INTERNAL_ERROR, "schema sys is missing from this connection");
    }
    return schema.engine();
  }
}
