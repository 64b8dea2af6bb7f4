package dev.quiver.sql.schema;

import dev.quiver.storage.Engine;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * The schema {@code public}: the engine's tables as Calcite tables. It reads the engine's catalog
 * on every lookup, so every connection and remote client sees the same tables, including those
 * another connection has just created.
 */
public final class QuiverSchema extends AbstractSchema {
  /** The name of the schema holding user tables. */
  public static final String NAME = "public";

  private final Engine engine;
  private final SessionWrites writes;

  /** The schema of one connection, whose statements write as {@code writes} says. */
  public QuiverSchema(Engine engine, SessionWrites writes) {
    this.engine = engine;
    this.writes = writes;
  }

  public Engine engine() {
    return engine;
  }

  /** The connection's settings. */
  public SessionSettings settings() {
    return writes.settings();
  }

  @Override
  protected Map<String, Table> getTableMap() {
    Map<String, Table> tables = new LinkedHashMap<>();
    for (String name : engine.tableNames()) {
      tables.put(name, new QuiverTable(engine, name, writes));
    }
    return tables;
  }

  @Override
  public boolean isMutable() {
    return false;
  }
}
