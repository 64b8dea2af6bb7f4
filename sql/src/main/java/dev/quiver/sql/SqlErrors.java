package dev.quiver.sql;

import dev.quiver.storage.QuiverException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;

/**
 * The translation of every failure inside the SQL layer into an {@link SQLException} with a
 * SQLState: engine errors keep their {@link dev.quiver.storage.ErrorCode}, parse errors are 42601,
 * validation errors get the state of their kind (unknown table 42P01, unknown column 42703, no such
 * function 42883, type mismatch 42804), bad numbers in values are 22P02 and 22003, and anything
 * unexpected is XX000.
 */
public final class SqlErrors {
  private SqlErrors() {}

  private record Rule(String fragment, String sqlState) {}

  // Matched against Calcite's validator messages, first match wins.
  private static final List<Rule> VALIDATION_RULES =
      List.of(
          new Rule("does not allow NULLs", "23502"),
          new Rule("is ambiguous", "42702"),
          new Rule("Column '", "42703"),
          new Rule("is not a temporal table", "0A000"),
          new Rule("Unknown target column", "42703"),
          new Rule("Table '", "42P01"),
          new Rule("Object '", "42P01"),
          new Rule("No match found for function signature", "42883"),
          new Rule("Cannot apply '", "42883"),
          new Rule("Cannot assign to target field", "42804"),
          new Rule("incompatible", "42804"),
          new Rule("Cannot infer", "42P18"),
          new Rule("Illegal use of dynamic parameter", "42P18"),
          new Rule("Number of INSERT target columns", "42601"),
          new Rule("not a group expression", "42803"),
          new Rule("Aggregate", "42803"));

  /** The SQLException a caller should see for a failure. */
  public static SQLException translate(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof QuiverException q) {
        return new SQLException(q.getMessage(), q.sqlState(), failure);
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SqlParseException p) {
        return new SQLException(parseMessage(p), "42601", failure);
      }
      if (t instanceof CalciteContextException c) {
        return new SQLException(validationMessage(c), validationState(c), failure);
      }
    }
    if (failure instanceof SQLException s && s.getSQLState() != null) {
      return s;
    }
    if (failure instanceof SQLFeatureNotSupportedException unsupported) {
      return new SQLException("not supported: " + unsupported.getMessage(), "0A000", failure);
    }
    if (failure instanceof SQLException s
        && s.getMessage() != null
        && s.getMessage().toLowerCase(java.util.Locale.ROOT).contains("closed")) {
      // Avatica reports a closed connection, statement or result set without a state.
      return new SQLException(s.getMessage(), "08003", failure);
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnsupportedOperationException u) {
        return new SQLException(
            "not supported: " + u.getMessage() + "; see docs/sql.md for what Quiver supports",
            "0A000",
            failure);
      }
      // Raised by Calcite's generated code while converting or computing values.
      if (t instanceof NumberFormatException n) {
        return new SQLException("invalid number: " + n.getMessage(), "22P02", failure);
      }
      if (t instanceof ArithmeticException a) {
        String message = String.valueOf(a.getMessage());
        String state = message.contains("by zero") ? "22012" : "22003";
        return new SQLException("arithmetic error: " + message, state, failure);
      }
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() != null ? root.getMessage() : root.toString();
    return new SQLException("internal error: " + message, "XX000", failure);
  }

  private static String parseMessage(SqlParseException p) {
    String message = p.getMessage();
    // Calcite appends every token it would have accepted; the first line says what matters.
    int cut = message.indexOf("\nWas expecting");
    if (cut > 0) {
      message = message.substring(0, cut).trim();
    }
    int expecting = message.indexOf(". Was expecting");
    if (expecting > 0) {
      message = message.substring(0, expecting + 1);
    }
    return "syntax error: " + message.replace('\n', ' ');
  }

  private static String validationMessage(CalciteContextException c) {
    String detail = c.getCause() != null ? c.getCause().getMessage() : c.getMessage();
    return detail + " (line " + c.getPosLine() + ", column " + c.getPosColumn() + ")";
  }

  private static String validationState(CalciteContextException c) {
    String detail = c.getCause() != null ? c.getCause().getMessage() : c.getMessage();
    if (detail != null) {
      for (Rule rule : VALIDATION_RULES) {
        if (detail.contains(rule.fragment())) {
          return rule.sqlState();
        }
      }
    }
    return "42000";
  }
}
