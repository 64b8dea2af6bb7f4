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
  private final boolean durableWrites;

  /**
   * The schema of one connection.
   *
   * @param durableWrites whether writes wait until they are on disk ({@code sync=commit}, the
   *     default) or return once applied ({@code sync=none})
   */
  public QuiverSchema(Engine engine, boolean durableWrites) {
    this.engine = engine;
    this.durableWrites = durableWrites;
  }

  public Engine engine() {
    return engine;
  }

  @Override
  protected Map<String, Table> getTableMap() {
    Map<String, Table> tables = new LinkedHashMap<>();
    for (String name : engine.tableNames()) {
      tables.put(name, new QuiverTable(engine, name, durableWrites));
    }
    return tables;
  }

  @Override
  public boolean isMutable() {
    return false;
  }
}
