package dev.quiver.sql.prepare;

import com.google.common.collect.ImmutableList;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * A rewrite of an INSERT's VALUES rows so that every numeric literal has its column's type.
 *
 * <p>Calcite types the rows of {@code INSERT ... VALUES (0.5), (NULL)} by the target column (a
 * nullable DOUBLE) but keeps the literal 0.5 as DECIMAL, and its code generator then puts a
 * BigDecimal where a Double belongs (a ClassCastException at run time). Converting the literal to
 * the column type at plan time avoids that.
 */
final class ValuesLiterals extends RelHomogeneousShuttle {
  private ValuesLiterals() {}

  /** The plan with the VALUES literals of every {@link LogicalValues} in it retyped. */
  static RelNode retype(RelNode rel) {
    return rel.accept(new ValuesLiterals());
  }

  @Override
  public RelNode visit(RelNode other) {
    RelNode visited = super.visit(other);
    if (!(visited instanceof LogicalValues values)) {
      return visited;
    }
    RexBuilder rexBuilder = values.getCluster().getRexBuilder();
    List<RelDataType> fieldTypes =
        values.getRowType().getFieldList().stream().map(f -> f.getType()).toList();
    boolean changed = false;
    ImmutableList.Builder<ImmutableList<RexLiteral>> tuples = ImmutableList.builder();
    for (List<RexLiteral> tuple : values.getTuples()) {
      ImmutableList.Builder<RexLiteral> row = ImmutableList.builder();
      for (int i = 0; i < tuple.size(); i++) {
        RexLiteral literal = tuple.get(i);
        RelDataType target = fieldTypes.get(i);
        if (!literal.isNull()
            && SqlTypeUtil.isNumeric(literal.getType())
            && SqlTypeUtil.isNumeric(target)
            && literal.getType().getSqlTypeName() != target.getSqlTypeName()) {
          RelDataType notNull =
              values.getCluster().getTypeFactory().createTypeWithNullability(target, false);
          literal =
              (RexLiteral)
                  rexBuilder.makeLiteral(literal.getValueAs(BigDecimal.class), notNull, false);
          changed = true;
        }
        row.add(literal);
      }
      tuples.add(row.build());
    }
    if (!changed) {
      return values;
    }
    return LogicalValues.create(values.getCluster(), values.getRowType(), tuples.build());
  }
}
