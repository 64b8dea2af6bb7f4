package dev.quiver.sql.prepare;

import dev.quiver.sql.function.VectorOperatorTable;
import dev.quiver.sql.type.VectorSqlType;
import java.util.List;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalciteSqlValidator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.validate.SqlValidatorTable;

/**
 * Calcite's validator, plus rewrites before validation: a string literal written where a VECTOR
 * value goes ({@code INSERT ... VALUES ('[0.1, 0.2]')}, {@code UPDATE ... SET v = '[...]'}, an
 * argument of a distance function) becomes {@code TO_VECTOR('[...]')}, as PostgreSQL casts an
 * unknown literal to its target's type; and parameters inside ORDER BY get their types.
 */
final class QuiverValidator extends CalciteSqlValidator {
  QuiverValidator(
      SqlOperatorTable operatorTable,
      CalciteCatalogReader catalogReader,
      JavaTypeFactory typeFactory,
      Config config) {
    super(operatorTable, catalogReader, typeFactory, config);
  }

  @Override
  protected SqlNode performUnconditionalRewrites(SqlNode node, boolean underFrom) {
    if (node instanceof SqlInsert insert) {
      rewriteInsert(insert);
    } else if (node instanceof SqlUpdate update) {
      rewriteUpdate(update);
    } else if (node instanceof SqlBasicCall call
        && VectorOperatorTable.isDistance(call.getOperator())) {
      // A literal argument becomes a typed vector, so a dimension mismatch with the column is
      // reported when the statement is prepared rather than when its first row is read.
      for (int i = 0; i < call.operandCount(); i++) {
        if (call.operand(i) instanceof SqlCharStringLiteral) {
          call.setOperand(i, toVector(call.operand(i)));
        }
      }
    }
    return super.performUnconditionalRewrites(node, underFrom);
  }

  /**
   * Infers the types of parameters inside ORDER BY expressions before validating them. Calcite
   * infers them only for expressions that identifier expansion rewrote, so {@code ORDER BY
   * COSINE_DISTANCE(embedding, ?)} would otherwise reach conversion with an untyped parameter.
   */
  @Override
  public void validateOrderList(SqlSelect select) {
    SqlNodeList orderList = select.getOrderList();
    if (orderList != null) {
      for (SqlNode item : orderList) {
        SqlNode expression = item;
        while (expression instanceof SqlCall wrapper
            && (wrapper.getKind() == SqlKind.DESCENDING
                || wrapper.getKind() == SqlKind.NULLS_FIRST
                || wrapper.getKind() == SqlKind.NULLS_LAST)) {
          expression = wrapper.operand(0);
        }
        if (expression instanceof SqlCall) {
          inferUnknownTypes(unknownType, getOrderScope(select), expression);
        }
      }
    }
    super.validateOrderList(select);
  }

  private void rewriteInsert(SqlInsert insert) {
    RelDataType rowType = targetRowType(insert.getTargetTable());
    if (rowType == null || !(insert.getSource() instanceof SqlCall source)) {
      return;
    }
    if (source.getKind() != SqlKind.VALUES) {
      return;
    }
    SqlNodeList targetColumns = insert.getTargetColumnList();
    for (SqlNode rowNode : source.getOperandList()) {
      if (!(rowNode instanceof SqlBasicCall row) || row.getKind() != SqlKind.ROW) {
        continue;
      }
      for (int i = 0; i < row.operandCount(); i++) {
        RelDataType target = columnType(rowType, targetColumns, i);
        if (target instanceof VectorSqlType && row.operand(i) instanceof SqlCharStringLiteral) {
          row.setOperand(i, toVector(row.operand(i)));
        }
      }
    }
  }

  private void rewriteUpdate(SqlUpdate update) {
    RelDataType rowType = targetRowType(update.getTargetTable());
    SqlNodeList sources = update.getSourceExpressionList();
    if (rowType == null || sources == null) {
      return;
    }
    SqlNodeList targets = update.getTargetColumnList();
    for (int i = 0; i < sources.size(); i++) {
      RelDataType target = columnType(rowType, targets, i);
      if (target instanceof VectorSqlType && sources.get(i) instanceof SqlCharStringLiteral) {
        sources.set(i, toVector(sources.get(i)));
      }
    }
  }

  private static SqlNode toVector(SqlNode literal) {
    return VectorOperatorTable.TO_VECTOR.createCall(literal.getParserPosition(), literal);
  }

  private RelDataType targetRowType(SqlNode target) {
    if (!(target instanceof SqlIdentifier id)) {
      return null;
    }
    SqlValidatorTable table = getCatalogReader().getTable(id.names);
    return table == null ? null : table.getRowType();
  }

  /** The type of the i-th assigned column: from the column list, or the table's i-th column. */
  private RelDataType columnType(RelDataType rowType, SqlNodeList columns, int i) {
    if (columns == null) {
      List<RelDataTypeField> fields = rowType.getFieldList();
      return i < fields.size() ? fields.get(i).getType() : null;
    }
    if (i >= columns.size() || !(columns.get(i) instanceof SqlIdentifier column)) {
      return null;
    }
    RelDataTypeField field = getCatalogReader().nameMatcher().field(rowType, column.getSimple());
    return field == null ? null : field.getType();
  }
}
