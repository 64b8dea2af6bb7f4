package dev.quiver.sql.parser;

import org.apache.calcite.runtime.Resources;
import org.apache.calcite.runtime.Resources.BaseMessage;
import org.apache.calcite.runtime.Resources.ExInst;
import org.apache.calcite.sql.validate.SqlValidatorException;

/**
 * The messages of the errors that Quiver's grammar raises beyond JavaCC's syntax errors. Raised
 * through {@code SqlUtil.newContextException}, they reach the caller as a {@code SqlParseException}
 * that carries the offending position.
 */
public interface QuiverParserResource {
  /** The instance; without a properties bundle, each message is its {@link BaseMessage}. */
  QuiverParserResource RESOURCE = Resources.create(QuiverParserResource.class);

  @BaseMessage(
      "The primary key is declared more than once; declare it on one column or in one PRIMARY KEY"
          + " (...) clause")
  ExInst<SqlValidatorException> primaryKeyAlreadyDeclared();

  @BaseMessage("Column ''{0}'' declares NULL or NOT NULL more than once")
  ExInst<SqlValidatorException> nullabilityAlreadyDeclared(String column);

  @BaseMessage("CREATE OR REPLACE {0} is not supported; use DROP {0} IF EXISTS, then CREATE {0}")
  ExInst<SqlValidatorException> orReplaceNotSupported(String object);
}
