package dev.quiver.sql.parser;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
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
 * The parse tree of {@code CREATE TABLE [IF NOT EXISTS] name (column, ..., [PRIMARY KEY (...)])
 * [WITH (key = value, ...)]}.
 *
 * <p>The primary key is kept apart from the columns whether it was declared on a column or as a
 * table constraint, so the two spellings give equal trees.
 */
public final class SqlCreateQuiverTable extends SqlCreate {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("CREATE TABLE", SqlKind.CREATE_TABLE);

  /** The table's name, possibly qualified by a schema. */
  public final SqlIdentifier name;

  /**
   * The columns, each a {@link org.apache.calcite.sql.ddl.SqlColumnDeclaration} whose data type's
   * nullable flag is false exactly when the column was declared NOT NULL.
   */
  public final SqlNodeList columns;

  /** The key columns as simple {@link SqlIdentifier}s; empty when the table declares no key. */
  public final SqlNodeList primaryKey;

  /** The {@code WITH} options, each a {@link SqlOption}; empty when there is no WITH clause. */
  public final SqlNodeList options;

  public SqlCreateQuiverTable(
      SqlParserPos pos,
      boolean ifNotExists,
      SqlIdentifier name,
      SqlNodeList columns,
      SqlNodeList primaryKey,
      SqlNodeList options) {
    super(OPERATOR, pos, false, ifNotExists);
    this.name = name;
    this.columns = columns;
    this.primaryKey = primaryKey;
    this.options = options;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(name, columns, primaryKey, options);
  }

  @Override
  public boolean equalsDeep(SqlNode node, Litmus litmus) {
    if (!(node instanceof SqlCreateQuiverTable that) || that.ifNotExists != ifNotExists) {
      return litmus.fail("{} != {}", this, node);
    }
    return super.equalsDeep(node, litmus);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE TABLE");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    final SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode column : columns) {
      writer.sep(",");
      column.unparse(writer, 0, 0);
    }
    if (!primaryKey.isEmpty()) {
      writer.sep(",");
      writer.keyword("PRIMARY KEY");
      final SqlWriter.Frame keyFrame = writer.startList("(", ")");
      for (SqlNode key : primaryKey) {
        writer.sep(",");
        key.unparse(writer, 0, 0);
      }
      writer.endList(keyFrame);
    }
    writer.endList(frame);
    SqlOption.unparseWith(writer, options);
  }
}
