package dev.quiver.sql.function;

import dev.quiver.sql.type.QuiverTypeFactory;
import dev.quiver.sql.type.VectorSqlType;
import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.vector.Vectors;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperandCountRange;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlOperandCountRanges;
import org.apache.calcite.sql.type.SqlOperandMetadata;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeTransforms;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * Quiver's SQL functions on vectors: the distances ({@code L2_DISTANCE}, {@code COSINE_DISTANCE},
 * {@code INNER_PRODUCT}, and {@code NEGATIVE_INNER_PRODUCT} behind pgvector's {@code <#>}), {@code
 * TO_VECTOR} and {@code VECTOR_DIMS}. Names match in any case.
 *
 * <p>Arguments may be VECTOR columns, {@code ARRAY[...]}, {@code '[...]'} text or parameters; a
 * parameter takes the type of the other argument, so {@code L2_DISTANCE(embedding, ?)} expects a
 * vector of the column's dimension.
 */
public final class VectorOperatorTable implements SqlOperatorTable {
  public static final VectorOperatorTable INSTANCE = new VectorOperatorTable();

  public static final SqlUserDefinedFunction L2_DISTANCE = distance("L2_DISTANCE", "l2Distance");
  public static final SqlUserDefinedFunction COSINE_DISTANCE =
      distance("COSINE_DISTANCE", "cosineDistance");
  public static final SqlUserDefinedFunction INNER_PRODUCT =
      distance("INNER_PRODUCT", "innerProduct");
  public static final SqlUserDefinedFunction NEGATIVE_INNER_PRODUCT =
      distance("NEGATIVE_INNER_PRODUCT", "negativeInnerProduct");
  public static final SqlUserDefinedFunction TO_VECTOR =
      function("TO_VECTOR", "toVector", 1, VectorOperatorTable::inferVectorFromLiteral);
  public static final SqlUserDefinedFunction VECTOR_DIMS =
      function("VECTOR_DIMS", "vectorDims", 1, ReturnTypes.INTEGER_NULLABLE);

  private static final Map<String, SqlUserDefinedFunction> BY_NAME =
      Map.of(
          "L2_DISTANCE", L2_DISTANCE,
          "COSINE_DISTANCE", COSINE_DISTANCE,
          "INNER_PRODUCT", INNER_PRODUCT,
          "NEGATIVE_INNER_PRODUCT", NEGATIVE_INNER_PRODUCT,
          "TO_VECTOR", TO_VECTOR,
          "VECTOR_DIMS", VECTOR_DIMS);

  private VectorOperatorTable() {}

  /**
   * Whether an operator is one of the distance functions, resolved or still unresolved (as the
   * parser leaves function calls and pgvector's operators).
   */
  public static boolean isDistance(SqlOperator operator) {
    SqlUserDefinedFunction f = BY_NAME.get(operator.getName().toUpperCase(Locale.ROOT));
    return f != null && f != TO_VECTOR && f != VECTOR_DIMS;
  }

  @Override
  public void lookupOperatorOverloads(
      SqlIdentifier opName,
      SqlFunctionCategory category,
      SqlSyntax syntax,
      List<SqlOperator> operatorList,
      SqlNameMatcher nameMatcher) {
    if (!opName.isSimple() || (syntax != SqlSyntax.FUNCTION && syntax != SqlSyntax.FUNCTION_ID)) {
      return;
    }
    SqlUserDefinedFunction f = BY_NAME.get(opName.getSimple().toUpperCase(Locale.ROOT));
    if (f != null) {
      operatorList.add(f);
    }
  }

  @Override
  public List<SqlOperator> getOperatorList() {
    return List.copyOf(BY_NAME.values());
  }

  private static SqlUserDefinedFunction distance(String name, String method) {
    return function(
        name, method, 2, ReturnTypes.cascade(ReturnTypes.DOUBLE, SqlTypeTransforms.TO_NULLABLE));
  }

  private static SqlUserDefinedFunction function(
      String name, String method, int arity, SqlReturnTypeInference returnType) {
    return new SqlUserDefinedFunction(
        new SqlIdentifier(name, SqlParserPos.ZERO),
        SqlKind.OTHER_FUNCTION,
        returnType,
        VectorOperatorTable::inferOperands,
        new VectorOperands(name, arity),
        ScalarFunctionImpl.create(VectorFunctions.class, method));
  }

  /** TO_VECTOR of a literal has the literal's dimension, so assignment checks can use it. */
  private static RelDataType inferVectorFromLiteral(SqlOperatorBinding binding) {
    RelDataTypeFactory factory = binding.getTypeFactory();
    int dimension = 0;
    if (binding.isOperandLiteral(0, false)) {
      String text = binding.getOperandLiteralValue(0, String.class);
      if (text != null) {
        dimension = Vectors.parse(text, "vector literal").length;
      }
    }
    RelDataType vector = QuiverTypeFactory.vectorType(factory, dimension);
    return factory.createTypeWithNullability(vector, binding.getOperandType(0).isNullable());
  }

  /** A parameter takes the other operand's vector type, or an unknown-dimension vector. */
  private static void inferOperands(
      SqlCallBinding binding, RelDataType returnType, RelDataType[] operandTypes) {
    RelDataTypeFactory factory = binding.getTypeFactory();
    RelDataType known = null;
    for (int i = 0; i < binding.getOperandCount(); i++) {
      RelDataType t = binding.getValidator().deriveType(binding.getScope(), binding.operand(i));
      if (t instanceof VectorSqlType) {
        known = t;
      }
    }
    for (int i = 0; i < operandTypes.length; i++) {
      operandTypes[i] =
          factory.createTypeWithNullability(
              known != null ? known : QuiverTypeFactory.vectorType(factory, 0), true);
    }
  }

  /** Checks that each operand can be a vector and that known dimensions agree. */
  private record VectorOperands(String name, int arity) implements SqlOperandMetadata {
    @Override
    public boolean checkOperandTypes(SqlCallBinding binding, boolean throwOnFailure) {
      int dimension = 0;
      for (int i = 0; i < binding.getOperandCount(); i++) {
        RelDataType type = binding.getOperandType(i);
        boolean ok =
            SqlTypeUtil.isArray(type)
                || SqlTypeUtil.isCharacter(type)
                || type.getSqlTypeName() == SqlTypeName.NULL
                || type.getSqlTypeName() == SqlTypeName.UNKNOWN;
        if (!ok) {
          if (throwOnFailure) {
            throw binding.newValidationSignatureError();
          }
          return false;
        }
        if (type instanceof VectorSqlType v && v.dimension() > 0) {
          if (dimension > 0 && dimension != v.dimension()) {
            throw new QuiverException(
                ErrorCode.VECTOR_DIMENSION_MISMATCH,
                name
                    + ": arguments have different dimensions, VECTOR("
                    + dimension
                    + ") and VECTOR("
                    + v.dimension()
                    + ")");
          }
          dimension = v.dimension();
        }
      }
      return true;
    }

    @Override
    public SqlOperandCountRange getOperandCountRange() {
      return SqlOperandCountRanges.of(arity);
    }

    @Override
    public String getAllowedSignatures(SqlOperator op, String opName) {
      return arity == 1 ? opName + "(<VECTOR>)" : opName + "(<VECTOR>, <VECTOR>)";
    }

    @Override
    public List<RelDataType> paramTypes(RelDataTypeFactory typeFactory) {
      return Collections.nCopies(
          arity,
          typeFactory.createTypeWithNullability(
              QuiverTypeFactory.vectorType(typeFactory, 0), true));
    }

    @Override
    public List<String> paramNames() {
      return arity == 1 ? List.of("v") : List.of("a", "b");
    }
  }
}
