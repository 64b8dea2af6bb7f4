package dev.quiver.sql.ddl;

import dev.quiver.sql.parser.impl.QuiverSqlParserImpl;
import java.io.Reader;
import org.apache.calcite.server.DdlExecutor;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParserImplFactory;

/**
 * The parser factory named in every Quiver connection's {@code parserFactory} property: Quiver's
 * generated parser, and {@link QuiverDdlExecutor} for the DDL it parses.
 */
public final class QuiverParserFactory implements SqlParserImplFactory {
  public static final QuiverParserFactory INSTANCE = new QuiverParserFactory();

  private QuiverParserFactory() {}

  @Override
  public SqlAbstractParserImpl getParser(Reader stream) {
    return QuiverSqlParserImpl.FACTORY.getParser(stream);
  }

  @Override
  public DdlExecutor getDdlExecutor() {
    return QuiverDdlExecutor.INSTANCE;
  }
}
