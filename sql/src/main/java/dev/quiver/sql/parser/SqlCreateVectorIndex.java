package dev.quiver.sql.parser;

import java.util.Arrays;
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
 * The parse tree of {@code CREATE INDEX [IF NOT EXISTS] name ON table [USING method] (column, ...)
 * [WITH (key = value, ...)]}.
 *
 * <p>The parser takes any identifier as the method and any options; which methods (HNSW, IVF_FLAT,
 * FLAT) and options exist is for the DDL executor to check, so its messages can name the
 * alternatives.
 */
public final class SqlCreateVectorIndex extends SqlCreate {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("CREATE INDEX", SqlKind.CREATE_INDEX);

  /** The index's name. */
  public final SqlIdentifier name;

  /** The indexed table, possibly qualified by a schema. */
  public final SqlIdentifier table;

  /** The index method named after USING, or null when the statement has no USING. */
  public final SqlIdentifier method;

  /** The indexed columns as simple {@link SqlIdentifier}s. */
  public final SqlNodeList columns;

  /** The {@code WITH} options, each a {@link SqlOption}; empty when there is no WITH clause. */
  public final SqlNodeList options;

  public SqlCreateVectorIndex(
      SqlParserPos pos,
      boolean ifNotExists,
      SqlIdentifier name,
      SqlIdentifier table,
      SqlIdentifier method,
      SqlNodeList columns,
      SqlNodeList options) {
    super(OPERATOR, pos, false, ifNotExists);
    this.name = name;
    this.table = table;
    this.method = method;
    this.columns = columns;
    this.options = options;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    // Arrays.asList, not List.of: the method may be null.
    return Arrays.asList(name, table, method, columns, options);
  }

  @Override
  public boolean equalsDeep(SqlNode node, Litmus litmus) {
    if (!(node instanceof SqlCreateVectorIndex that) || that.ifNotExists != ifNotExists) {
      return litmus.fail("{} != {}", this, node);
    }
    return super.equalsDeep(node, litmus);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE INDEX");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    writer.keyword("ON");
    table.unparse(writer, 0, 0);
    if (method != null) {
      writer.keyword("USING");
      method.unparse(writer, 0, 0);
    }
    final SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode column : columns) {
      writer.sep(",");
      column.unparse(writer, 0, 0);
    }
    writer.endList(frame);
    SqlOption.unparseWith(writer, options);
  }
}
