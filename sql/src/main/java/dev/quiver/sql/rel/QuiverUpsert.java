package dev.quiver.sql.rel;

import java.util.List;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalTableModify;

/**
 * A logical {@code UPSERT INTO}: an insert that replaces rows with the same primary key. Calcite
 * converts UPSERT as a plain INSERT; this node keeps the difference until {@link
 * QuiverTableModifyRule} turns it into a {@link QuiverTableModify}.
 */
public final class QuiverUpsert extends TableModify {
  private QuiverUpsert(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelOptTable table,
      Prepare.CatalogReader catalogReader,
      RelNode input,
      boolean flattened) {
    super(cluster, traits, table, catalogReader, input, Operation.INSERT, null, null, flattened);
  }

  /** The upsert counterpart of a logical insert. */
  public static QuiverUpsert of(LogicalTableModify insert) {
    return new QuiverUpsert(
        insert.getCluster(),
        insert.getTraitSet().replace(Convention.NONE),
        insert.getTable(),
        insert.getCatalogReader(),
        insert.getInput(),
        insert.isFlattened());
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new QuiverUpsert(
        getCluster(), traitSet, getTable(), getCatalogReader(), sole(inputs), isFlattened());
  }
}
