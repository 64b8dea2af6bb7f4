package dev.quiver.sql;

import dev.quiver.sql.ddl.QuiverParserFactory;
import dev.quiver.sql.parser.SqlCompactTable;
import java.sql.SQLException;
import java.util.Locale;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSetOption;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.util.Util;

/**
 * The access a SQL statement needs: reading (queries, EXPLAIN, a session's own SET), writing rows
 * (DML) or administering the database (everything else: DDL, FLUSH, and statements this class does
 * not know, so that a new kind of statement is refused to ordinary users until someone decides
 * otherwise).
 *
 * <p>Statements are classified by parsing them with the parser that connections use, so the
 * decision is made on the statement that will run, not on its first word.
 */
public enum StatementAccess {
  READ,
  WRITE,
  ADMIN;

  private static final SqlParser.Config PARSER =
      SqlParser.config().withParserFactory(QuiverParserFactory.INSTANCE);

  /** A statement's access and the name of its kind for messages, e.g. {@code CREATE INDEX}. */
  public record Classified(StatementAccess access, String kind) {}

  /**
   * Classifies one statement; a statement that does not parse is the syntax error (42601) that
   * running it would give.
   */
  public static Classified classify(String sql) throws SQLException {
    SqlNode node;
    try {
      node = SqlParser.create(sql, PARSER).parseStmt();
    } catch (SqlParseException e) {
      throw SqlErrors.translate(e);
    }
    return classify(node);
  }

  /** Whether a statement calls {@code sys.compact} anywhere. */
  private static boolean callsCompact(SqlNode node) {
    boolean[] found = new boolean[1];
    node.accept(
        new SqlBasicVisitor<Void>() {
          @Override
          public Void visit(SqlCall call) {
            if (call.getOperator() instanceof SqlUnresolvedFunction function
                && function.getSqlIdentifier() != null
                && SqlCompactTable.FUNCTION.equalsIgnoreCase(
                    Util.last(function.getSqlIdentifier().names))) {
              found[0] = true;
            }
            return super.visit(call);
          }
        });
    return found[0];
  }

  private static Classified classify(SqlNode node) {
    SqlKind kind = node.getKind();
    if (node instanceof SqlCompactTable || (kind.belongsTo(SqlKind.QUERY) && callsCompact(node))) {
      // A query on the function behind COMPACT TABLE administers the database like the statement.
      return new Classified(ADMIN, "COMPACT TABLE");
    }
    if (kind == SqlKind.EXPLAIN
        || kind == SqlKind.DESCRIBE_TABLE
        || kind == SqlKind.DESCRIBE_SCHEMA) {
      return new Classified(READ, kind == SqlKind.EXPLAIN ? "EXPLAIN" : "DESCRIBE");
    }
    if (kind.belongsTo(SqlKind.QUERY)) {
      return new Classified(READ, "SELECT");
    }
    if (node instanceof SqlSetOption set) {
      // SET x = v and ALTER SESSION SET change this connection only; ALTER SYSTEM SET would
      // change every session.
      boolean system = "SYSTEM".equalsIgnoreCase(set.getScope());
      return new Classified(system ? ADMIN : READ, system ? "ALTER SYSTEM" : "SET");
    }
    if (node instanceof SqlInsert insert) {
      return new Classified(WRITE, insert.isUpsert() ? "UPSERT" : "INSERT");
    }
    if (kind == SqlKind.UPDATE || kind == SqlKind.DELETE || kind == SqlKind.MERGE) {
      return new Classified(WRITE, kind.sql);
    }
    String name =
        node instanceof SqlCall call ? call.getOperator().getName() : kind.sql.replace('_', ' ');
    return new Classified(ADMIN, name.toUpperCase(Locale.ROOT));
  }
}
