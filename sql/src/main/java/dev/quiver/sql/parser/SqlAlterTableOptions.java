package dev.quiver.sql.parser;

import java.util.List;
import org.apache.calcite.sql.SqlDdl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.Litmus;

/**
 * The parse tree of {@code ALTER TABLE [IF EXISTS] name SET (key = value, ...)} and {@code ALTER
 * TABLE [IF EXISTS] name RESET (key, ...)}, PostgreSQL's statements for a table's options: exactly
 * one of {@link #set} and {@link #reset} is non-empty. Whether the options exist and their values
 * fit is for the engine to check, so its messages can list the valid ones.
 */
public final class SqlAlterTableOptions extends SqlDdl {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("ALTER TABLE", SqlKind.ALTER_TABLE);

  /** Whether IF EXISTS was given: a missing table is then no error. */
  public final boolean ifExists;

  /** The table's name, possibly qualified by a schema. */
  public final SqlIdentifier name;

  /** The options SET gives values, each a {@link SqlOption}; empty for RESET. */
  public final SqlNodeList set;

  /**
   * The options RESET returns to their defaults, as simple {@link SqlIdentifier}s; empty for SET.
   */
  public final SqlNodeList reset;

  public SqlAlterTableOptions(
      SqlParserPos pos, boolean ifExists, SqlIdentifier name, SqlNodeList set, SqlNodeList reset) {
    super(OPERATOR, pos);
    this.ifExists = ifExists;
    this.name = name;
    this.set = set;
    this.reset = reset;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(name, set, reset);
  }

  @Override
  public boolean equalsDeep(SqlNode node, Litmus litmus) {
    if (!(node instanceof SqlAlterTableOptions that) || that.ifExists != ifExists) {
      return litmus.fail("{} != {}", this, node);
    }
    return super.equalsDeep(node, litmus);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("ALTER TABLE");
    if (ifExists) {
      writer.keyword("IF EXISTS");
    }
    name.unparse(writer, 0, 0);
    writer.keyword(set.isEmpty() ? "RESET" : "SET");
    final SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode option : set.isEmpty() ? reset : set) {
      writer.sep(",");
      option.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }
}
