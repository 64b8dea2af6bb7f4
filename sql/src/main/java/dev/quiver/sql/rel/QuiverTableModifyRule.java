package dev.quiver.sql.rel;

import dev.quiver.sql.schema.QuiverTable;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.TableModify;

/**
 * The rule that turns a logical modification of a Quiver table into a {@link QuiverTableModify}.
 */
public final class QuiverTableModifyRule extends ConverterRule {
  public static final QuiverTableModifyRule INSTANCE =
      Config.INSTANCE
          .withConversion(
              TableModify.class,
              Convention.NONE,
              EnumerableConvention.INSTANCE,
              "QuiverTableModifyRule")
          .withRuleFactory(QuiverTableModifyRule::new)
          .toRule(QuiverTableModifyRule.class);

  private QuiverTableModifyRule(Config config) {
    super(config);
  }

  @Override
  public RelNode convert(RelNode rel) {
    TableModify modify = (TableModify) rel;
    if (modify.getTable().unwrap(QuiverTable.class) == null) {
      return null;
    }
    RelTraitSet traits = modify.getTraitSet().replace(EnumerableConvention.INSTANCE);
    return new QuiverTableModify(
        modify.getCluster(),
        traits,
        modify.getTable(),
        modify.getCatalogReader(),
        convert(modify.getInput(), traits),
        modify.getOperation(),
        modify.getUpdateColumnList(),
        modify.getSourceExpressionList(),
        modify.isFlattened(),
        modify instanceof QuiverUpsert);
  }
}
