package dev.quiver.sql.parser;

import java.util.List;
import org.apache.calcite.sql.SqlDdl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The parse tree of {@code FLUSH TABLE name}: make everything written to the table durable in its
 * files now rather than at the next automatic checkpoint. A DDL statement to Calcite, so that it
 * reaches the DDL executor.
 */
public final class SqlFlushTable extends SqlDdl {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("FLUSH TABLE", SqlKind.OTHER_DDL);

  /** The table's name. */
  public final SqlIdentifier name;

  public SqlFlushTable(SqlParserPos pos, SqlIdentifier name) {
    super(OPERATOR, pos);
    this.name = name;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(name);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("FLUSH TABLE");
    name.unparse(writer, leftPrec, rightPrec);
  }
}
