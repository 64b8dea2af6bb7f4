package dev.quiver.sql.parser;

import java.util.List;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The parse tree of {@code COMPACT TABLE name [MINOR | MAJOR | FULL] [WAIT]}. It returns a row
 * (compaction_id, state), which Calcite's DDL path cannot: so it is the query {@code SELECT * FROM
 * TABLE(sys.compact('name', 'type', wait))}, whose table function asks the engine for the
 * compaction when the statement runs (each time a prepared one runs), not when it is prepared.
 */
public final class SqlCompactTable extends SqlSelect {
  /** The table function that runs a compaction, in schema {@code sys}. */
  public static final String FUNCTION = "compact";

  /** The table's name as written. */
  public final SqlIdentifier name;

  /** MINOR, MAJOR or FULL; null when the statement names none. */
  public final String type;

  /** Whether the statement waits for the compaction to finish. */
  public final boolean await;

  public SqlCompactTable(SqlParserPos pos, SqlIdentifier name, String type, boolean await) {
    super(
        pos,
        null,
        SqlNodeList.of(SqlIdentifier.star(pos)),
        SqlStdOperatorTable.COLLECTION_TABLE.createCall(pos, call(pos, name, type, await)),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
    this.name = name;
    this.type = type;
    this.await = await;
  }

  private static SqlNode call(SqlParserPos pos, SqlIdentifier name, String type, boolean await) {
    SqlUnresolvedFunction function =
        new SqlUnresolvedFunction(
            new SqlIdentifier(List.of("sys", FUNCTION), pos),
            null,
            null,
            null,
            null,
            SqlFunctionCategory.USER_DEFINED_TABLE_FUNCTION);
    return function.createCall(
        pos,
        SqlLiteral.createCharString(name.names.get(name.names.size() - 1), pos),
        type == null ? SqlLiteral.createNull(pos) : SqlLiteral.createCharString(type, pos),
        SqlLiteral.createBoolean(await, pos));
  }
}
