package dev.quiver.sql.parser;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * One {@code key = value} entry of a {@code WITH (...)} clause, as in {@code metric = cosine} or
 * {@code m = 16}. The value is a numeric, character string or boolean literal, or a simple
 * identifier.
 */
public final class SqlOption extends SqlCall {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("OPTION", SqlKind.OTHER) {
        @Override
        public SqlCall createCall(
            SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
          return new SqlOption(
              pos,
              (SqlIdentifier) Objects.requireNonNull(operands[0], "key"),
              Objects.requireNonNull(operands[1], "value"));
        }
      };

  /** The option's name. */
  public final SqlIdentifier key;

  /** The option's value as parsed: a {@link SqlLiteral} or a simple {@link SqlIdentifier}. */
  public final SqlNode value;

  public SqlOption(SqlParserPos pos, SqlIdentifier key, SqlNode value) {
    super(pos);
    this.key = key;
    this.value = value;
  }

  /** The key as a plain string, after the parser's identifier case folding. */
  public String name() {
    return key.getSimple();
  }

  /**
   * The value as Java sees it: a {@link String} for a character string or an identifier (its name),
   * a {@link Boolean} for TRUE or FALSE, and for a number a {@link Long} when it is an integer that
   * fits, otherwise a {@link BigDecimal}.
   */
  public Object javaValue() {
    if (value instanceof SqlIdentifier identifier) {
      return identifier.getSimple();
    }
    if (value instanceof SqlCharStringLiteral string) {
      return string.getValueAs(String.class);
    }
    if (value instanceof SqlNumericLiteral number) {
      final BigDecimal decimal = number.getValueAs(BigDecimal.class);
      if (number.isInteger()) {
        try {
          return decimal.longValueExact();
        } catch (ArithmeticException tooLarge) {
          return decimal;
        }
      }
      return decimal;
    }
    if (value instanceof SqlLiteral literal && literal.getTypeName() == SqlTypeName.BOOLEAN) {
      return literal.booleanValue();
    }
    throw new IllegalStateException("Unsupported option value: " + value);
  }

  /** Writes {@code WITH (key = value, ...)}, or nothing when {@code options} is empty. */
  static void unparseWith(SqlWriter writer, SqlNodeList options) {
    if (options.isEmpty()) {
      return;
    }
    writer.keyword("WITH");
    final SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode option : options) {
      writer.sep(",");
      option.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(key, value);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    key.unparse(writer, 0, 0);
    writer.keyword("=");
    value.unparse(writer, 0, 0);
  }
}
