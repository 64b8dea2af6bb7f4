package dev.quiver.sql.parser;

import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The names of the distance functions that pgvector's operators {@code <->}, {@code <=>} and {@code
 * <#>} stand for, and the parse-time operators that produce calls to them.
 *
 * <p>The parser turns {@code a <-> b} into a call of an unresolved function named {@link
 * #L2_DISTANCE}, so the validator resolves the operator and the function form {@code L2_DISTANCE(a,
 * b)} through one lookup and planner rules see a single shape.
 */
public final class VectorOperators {
  /** The function that {@code a <-> b} calls: Euclidean distance. */
  public static final String L2_DISTANCE = "L2_DISTANCE";

  /** The function that {@code a <=> b} calls: one minus the cosine similarity. */
  public static final String COSINE_DISTANCE = "COSINE_DISTANCE";

  /** The function that {@code a <#> b} calls: the dot product negated. */
  public static final String NEGATIVE_INNER_PRODUCT = "NEGATIVE_INNER_PRODUCT";

  /**
   * The precedence of the three operators, as in PostgreSQL: looser than {@code +} and {@code -}
   * (40), tighter than comparisons (30) and LIKE, IN and BETWEEN (32).
   */
  public static final int PRECEDENCE = 36;

  /** The infix operator the parser builds {@code <->} with. */
  public static final SqlBinaryOperator L2_DISTANCE_INFIX = new DistanceInfix("<->", L2_DISTANCE);

  /** The infix operator the parser builds {@code <=>} with. */
  public static final SqlBinaryOperator COSINE_DISTANCE_INFIX =
      new DistanceInfix("<=>", COSINE_DISTANCE);

  /** The infix operator the parser builds {@code <#>} with. */
  public static final SqlBinaryOperator NEGATIVE_INNER_PRODUCT_INFIX =
      new DistanceInfix("<#>", NEGATIVE_INNER_PRODUCT);

  private VectorOperators() {}

  /** Returns a call of the unresolved function {@code name} on {@code left} and {@code right}. */
  public static SqlCall call(String name, SqlParserPos pos, SqlNode left, SqlNode right) {
    return new SqlUnresolvedFunction(
            new SqlIdentifier(name, SqlParserPos.ZERO),
            null,
            null,
            null,
            null,
            SqlFunctionCategory.USER_DEFINED_FUNCTION)
        .createCall(pos, left, right);
  }

  /**
   * An infix operator that exists only while the parser's precedence climbing runs: it gives the
   * operator its place among the others, then creates the function call in its stead.
   */
  private static final class DistanceInfix extends SqlBinaryOperator {
    private final String function;

    DistanceInfix(String symbol, String function) {
      super(symbol, SqlKind.OTHER, PRECEDENCE, true, null, null, null);
      this.function = function;
    }

    @Override
    public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
      return call(function, pos, operands[0], operands[1]);
    }
  }
}
