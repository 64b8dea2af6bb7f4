package dev.quiver.sql.parser;

import dev.quiver.sql.type.QuiverTypeFactory;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.util.Litmus;

/**
 * The type name {@code VECTOR(n)} as written in SQL. The parser accepts any unsigned integer for
 * {@code n}; whether it is in range is for the statement that uses the type to decide.
 */
public final class SqlVectorTypeNameSpec extends SqlTypeNameSpec {
  private final int dimension;

  public SqlVectorTypeNameSpec(int dimension, SqlParserPos pos) {
    super(new SqlIdentifier("VECTOR", pos), pos);
    this.dimension = dimension;
  }

  /** The number of components, {@code n}. */
  public int dimension() {
    return dimension;
  }

  @Override
  public RelDataType deriveType(SqlValidator validator) {
    return QuiverTypeFactory.vectorType(validator.getTypeFactory(), dimension);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("VECTOR");
    final SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.FUN_CALL, "(", ")");
    writer.print(dimension);
    writer.endList(frame);
  }

  @Override
  public boolean equalsDeep(SqlTypeNameSpec spec, Litmus litmus) {
    if (!(spec instanceof SqlVectorTypeNameSpec that) || that.dimension != dimension) {
      return litmus.fail("{} != {}", this, spec);
    }
    return litmus.succeed();
  }

  @Override
  public String toString() {
    return "VECTOR(" + dimension + ")";
  }
}
