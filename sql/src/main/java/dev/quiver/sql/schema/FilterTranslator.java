package dev.quiver.sql.schema;

import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Predicate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.DataContext;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.NlsString;

/**
 * The translation of Calcite filter expressions on a table's columns into storage {@link
 * Predicate}s: comparisons with literals or parameters, IN and ranges (Calcite's SEARCH), LIKE, IS
 * [NOT] NULL, AND, OR and NOT. What it cannot translate stays with Calcite, which applies it after
 * the scan. A pushed comparison must give the result Calcite would: values are compared in the
 * column's representation (floating-point columns as doubles).
 */
public final class FilterTranslator {
  private FilterTranslator() {}

  /**
   * Translates the filters it can, removing them from the (mutable) list Calcite passed to the
   * scan, and returns their conjunction.
   */
  public static Predicate translateAndRemove(
      List<RexNode> filters, TableDef def, DataContext root) {
    List<Predicate> pushed = new ArrayList<>();
    RexBuilder rexBuilder = new RexBuilder(root.getTypeFactory());
    for (Iterator<RexNode> it = filters.iterator(); it.hasNext(); ) {
      Optional<Predicate> p = translate(it.next(), def, root, rexBuilder);
      if (p.isPresent()) {
        pushed.add(p.get());
        it.remove();
      }
    }
    return pushed.size() == 1 ? pushed.get(0) : new Predicate.And(pushed);
  }

  static Optional<Predicate> translate(
      RexNode node, TableDef def, DataContext root, RexBuilder rexBuilder) {
    if (!(node instanceof RexCall call)) {
      return Optional.empty();
    }
    SqlKind kind = call.getKind();
    switch (kind) {
      case AND, OR -> {
        List<Predicate> operands = new ArrayList<>();
        for (RexNode operand : call.getOperands()) {
          Optional<Predicate> p = translate(operand, def, root, rexBuilder);
          if (p.isEmpty()) {
            return Optional.empty();
          }
          operands.add(p.get());
        }
        return Optional.of(
            kind == SqlKind.AND ? new Predicate.And(operands) : new Predicate.Or(operands));
      }
      case NOT -> {
        return translate(call.getOperands().get(0), def, root, rexBuilder).map(Predicate.Not::new);
      }
      case SEARCH -> {
        return translate(RexUtil.expandSearch(rexBuilder, null, call), def, root, rexBuilder);
      }
      case IS_NULL, IS_NOT_NULL -> {
        int column = column(call.getOperands().get(0), def);
        if (column < 0) {
          return Optional.empty();
        }
        Predicate isNull = new Predicate.IsNull(column);
        return Optional.of(kind == SqlKind.IS_NULL ? isNull : new Predicate.Not(isNull));
      }
      case LIKE -> {
        if (call.getOperands().size() != 2) {
          return Optional.empty();
        }
        int column = column(call.getOperands().get(0), def);
        Object pattern = value(call.getOperands().get(1), ColumnType.VARCHAR, root);
        if (column < 0 || !(pattern instanceof String text) || !isText(def, column)) {
          return Optional.empty();
        }
        return Optional.of(new Predicate.Like(column, text));
      }
      case EQUALS,
          NOT_EQUALS,
          LESS_THAN,
          LESS_THAN_OR_EQUAL,
          GREATER_THAN,
          GREATER_THAN_OR_EQUAL -> {
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        boolean flipped = false;
        if (column(left, def) < 0) {
          RexNode tmp = left;
          left = right;
          right = tmp;
          flipped = true;
        }
        int column = column(left, def);
        if (column < 0 || def.column(column).type() == ColumnType.VECTOR) {
          return Optional.empty();
        }
        Object value = value(right, def.column(column).type(), root);
        if (value == null) {
          return Optional.empty();
        }
        return Optional.of(new Predicate.Compare(column, op(kind, flipped), value));
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  private static boolean isText(TableDef def, int column) {
    return def.column(column).type() == ColumnType.VARCHAR;
  }

  private static Predicate.Op op(SqlKind kind, boolean flipped) {
    return switch (kind) {
      case EQUALS -> Predicate.Op.EQ;
      case NOT_EQUALS -> Predicate.Op.NE;
      case LESS_THAN -> flipped ? Predicate.Op.GT : Predicate.Op.LT;
      case LESS_THAN_OR_EQUAL -> flipped ? Predicate.Op.GE : Predicate.Op.LE;
      case GREATER_THAN -> flipped ? Predicate.Op.LT : Predicate.Op.GT;
      case GREATER_THAN_OR_EQUAL -> flipped ? Predicate.Op.LE : Predicate.Op.GE;
      default -> throw new AssertionError(kind);
    };
  }

  /** The column an expression reads directly, or -1. */
  private static int column(RexNode node, TableDef def) {
    if (node instanceof RexInputRef ref && ref.getIndex() < def.columns().size()) {
      return ref.getIndex();
    }
    return -1;
  }

  /**
   * A literal's or parameter's value in the engine's representation for the column type, or null
   * when it is not a constant this translator understands (the filter then stays with Calcite).
   */
  private static Object value(RexNode node, ColumnType type, DataContext root) {
    Object v;
    if (node instanceof RexLiteral literal) {
      if (literal.isNull()) {
        return null;
      }
      v =
          switch (type) {
            case VARCHAR -> literal.getValueAs(String.class);
            case BOOLEAN -> literal.getValueAs(Boolean.class);
            case DATE -> literal.getValueAs(Integer.class);
            case TIMESTAMP -> literal.getValueAs(Long.class);
            // As a double, the column's own domain: exact for REAL literals, and NaN or an
            // infinity have no decimal form.
            case REAL, DOUBLE -> literal.getValueAs(Double.class);
            default -> literal.getValueAs(BigDecimal.class);
          };
    } else if (node instanceof RexDynamicParam param) {
      v = root.get("?" + param.getIndex());
    } else {
      return null;
    }
    if (v instanceof NlsString nls) {
      v = nls.getValue();
    }
    return compatible(v, type) ? v : null;
  }

  private static boolean compatible(Object v, ColumnType type) {
    return switch (type) {
      case VARCHAR -> v instanceof String;
      case BOOLEAN -> v instanceof Boolean;
      case DATE, TIMESTAMP, INTEGER, BIGINT, REAL, DOUBLE, DECIMAL -> v instanceof Number;
      case VECTOR -> false;
    };
  }
}
