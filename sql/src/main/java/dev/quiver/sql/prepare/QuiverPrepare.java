package dev.quiver.sql.prepare;

import dev.quiver.sql.function.VectorOperatorTable;
import dev.quiver.sql.rel.QuiverTableModifyRule;
import dev.quiver.sql.rel.QuiverUpsert;
import dev.quiver.sql.rel.TableReadRewriter;
import dev.quiver.sql.rel.VectorTopKRewriter;
import java.lang.reflect.Type;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCostFactory;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.logical.LogicalTableModify;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.SqlRexConvertletTable;
import org.apache.calcite.sql2rel.SqlToRelConverter;

/**
 * Calcite's statement preparation with Quiver's pieces plugged in: the vector functions, a
 * validator that reads {@code '[...]'} text as vectors where a VECTOR column expects one, UPSERT
 * kept apart from INSERT, and the planner rule that sends writes to the engine.
 */
public final class QuiverPrepare extends CalcitePrepareImpl {
  @Override
  protected RelOptPlanner createPlanner(
      CalcitePrepare.Context prepareContext,
      org.apache.calcite.plan.Context externalContext,
      RelOptCostFactory costFactory) {
    RelOptPlanner planner = super.createPlanner(prepareContext, externalContext, costFactory);
    // Calcite's own rule writes into a Java collection; Quiver tables take writes as batches.
    planner.removeRule(EnumerableRules.ENUMERABLE_TABLE_MODIFICATION_RULE);
    planner.addRule(QuiverTableModifyRule.INSTANCE);
    return planner;
  }

  @Override
  protected CalcitePreparingStmt getPreparingStmt(
      CalcitePrepare.Context context,
      Type elementType,
      CalciteCatalogReader catalogReader,
      RelOptPlanner planner) {
    JavaTypeFactory typeFactory = context.getTypeFactory();
    EnumerableRel.Prefer prefer =
        elementType == Object[].class ? EnumerableRel.Prefer.ARRAY : EnumerableRel.Prefer.CUSTOM;
    RelOptCluster cluster = createCluster(planner, new RexBuilder(typeFactory));
    return new PreparingStmt(
        this,
        context,
        catalogReader,
        typeFactory,
        context.getRootSchema(),
        prefer,
        cluster,
        createConvertletTable());
  }

  /** One statement's preparation, with Quiver's validator and SQL-to-relational converter. */
  private static final class PreparingStmt extends CalcitePreparingStmt {
    private final RelOptCluster cluster;
    private final CalcitePrepare.Context context;

    PreparingStmt(
        CalcitePrepareImpl prepare,
        CalcitePrepare.Context context,
        CalciteCatalogReader catalogReader,
        RelDataTypeFactory typeFactory,
        CalciteSchema schema,
        EnumerableRel.Prefer prefer,
        RelOptCluster cluster,
        SqlRexConvertletTable convertletTable) {
      super(
          prepare,
          context,
          catalogReader,
          typeFactory,
          schema,
          prefer,
          cluster,
          EnumerableConvention.INSTANCE,
          convertletTable);
      this.cluster = cluster;
      this.context = context;
    }

    @Override
    protected SqlValidator createSqlValidator(
        Prepare.CatalogReader catalogReader, UnaryOperator<SqlValidator.Config> configTransform) {
      CalciteConnectionConfig config = context.config();
      SqlValidator.Config validatorConfig =
          configTransform.apply(
              SqlValidator.Config.DEFAULT
                  .withLenientOperatorLookup(config.lenientOperatorLookup())
                  .withConformance(config.conformance())
                  .withDefaultNullCollation(config.defaultNullCollation())
                  .withIdentifierExpansion(true));
      return new QuiverValidator(
          SqlOperatorTables.chain(
              VectorOperatorTable.INSTANCE, SqlStdOperatorTable.instance(), catalogReader),
          (CalciteCatalogReader) catalogReader,
          context.getTypeFactory(),
          validatorConfig);
    }

    @Override
    protected RelRoot optimize(
        RelRoot root,
        List<Materialization> materializations,
        List<CalciteSchema.LatticeEntry> lattices) {
      // Every table read gets the statement's snapshot choice (and FOR SYSTEM_TIME AS OF its
      // instant); then top-k vector queries become one engine search, before Calcite's planner
      // sees them.
      RelNode reads = TableReadRewriter.rewrite(root.rel, root.kind.belongsTo(SqlKind.DML));
      return super.optimize(
          root.withRel(VectorTopKRewriter.rewrite(reads)), materializations, lattices);
    }

    @Override
    protected SqlToRelConverter getSqlToRelConverter(
        SqlValidator validator,
        Prepare.CatalogReader catalogReader,
        SqlToRelConverter.Config config) {
      return new SqlToRelConverter(
          this,
          validator,
          catalogReader,
          cluster,
          convertletTable,
          config.withHintStrategyTable(VectorTopKRewriter.HINTS)) {
        @Override
        protected RelNode convertInsert(SqlInsert call) {
          RelNode rel = ValuesLiterals.retype(super.convertInsert(call));
          if (call.isUpsert() && rel instanceof LogicalTableModify insert) {
            return QuiverUpsert.of(insert);
          }
          return rel;
        }
      };
    }
  }
}
