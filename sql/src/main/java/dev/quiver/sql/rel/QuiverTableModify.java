package dev.quiver.sql.rel;

import dev.quiver.sql.schema.QuiverTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.ParameterExpression;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.util.BuiltInMethod;

/**
 * INSERT, UPSERT, UPDATE or DELETE on a Quiver table: the generated code collects the input rows
 * and hands them to {@link DmlExecutor}, which applies them to the engine as one batch.
 */
public final class QuiverTableModify extends TableModify implements EnumerableRel {
  private final boolean upsert;

  public QuiverTableModify(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelOptTable table,
      Prepare.CatalogReader catalogReader,
      RelNode input,
      Operation operation,
      List<String> updateColumnList,
      List<RexNode> sourceExpressionList,
      boolean flattened,
      boolean upsert) {
    super(
        cluster,
        traits,
        table,
        catalogReader,
        input,
        operation,
        updateColumnList,
        sourceExpressionList,
        flattened);
    this.upsert = upsert;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new QuiverTableModify(
        getCluster(),
        traitSet,
        getTable(),
        getCatalogReader(),
        sole(inputs),
        getOperation(),
        getUpdateColumnList(),
        getSourceExpressionList(),
        isFlattened(),
        upsert);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).itemIf("upsert", true, upsert);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    BlockBuilder builder = new BlockBuilder();
    Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
    Expression inputRows = builder.append("input", input.block);

    // Whatever row format the input has, hand the executor Object[] rows.
    PhysType inputType = input.physType;
    ParameterExpression row = Expressions.parameter(inputType.getJavaRowType(), "row");
    List<Expression> fields = new ArrayList<>();
    for (int i = 0; i < inputType.getRowType().getFieldCount(); i++) {
      fields.add(Expressions.box(inputType.fieldReference(row, i)));
    }
    Expression rows =
        builder.append(
            "rows",
            Expressions.call(
                inputRows,
                BuiltInMethod.SELECT.method,
                Expressions.lambda(Expressions.newArrayInit(Object.class, fields), row)));

    QuiverTable quiverTable = getTable().unwrap(QuiverTable.class);
    Expression call =
        Expressions.call(
            DmlExecutor.class,
            "execute",
            implementor.stash(quiverTable, QuiverTable.class),
            Expressions.constant(kind()),
            Expressions.constant(updateColumnPositions()),
            rows);
    builder.add(Expressions.return_(null, call));
    PhysType physType =
        PhysTypeImpl.of(
            implementor.getTypeFactory(), getRowType(), pref.prefer(JavaRowFormat.SCALAR));
    return implementor.result(physType, builder.toBlock());
  }

  private DmlExecutor.Kind kind() {
    return switch (getOperation()) {
      case INSERT -> upsert ? DmlExecutor.Kind.UPSERT : DmlExecutor.Kind.INSERT;
      case UPDATE -> DmlExecutor.Kind.UPDATE;
      case DELETE -> DmlExecutor.Kind.DELETE;
      default -> throw new UnsupportedOperationException("MERGE is not supported");
    };
  }

  private int[] updateColumnPositions() {
    List<String> columns = getUpdateColumnList();
    if (columns == null) {
      return new int[0];
    }
    List<String> names = getTable().getRowType().getFieldNames();
    return columns.stream().mapToInt(names::indexOf).toArray();
  }
}
