package dev.quiver.sql;

import dev.quiver.sql.ddl.QuiverParserFactory;
import dev.quiver.sql.prepare.CalciteBridge;
import dev.quiver.sql.schema.QuiverSchema;
import dev.quiver.sql.schema.SessionWrites;
import dev.quiver.sql.schema.SystemSchema;
import dev.quiver.sql.type.VectorList;
import dev.quiver.sql.type.VectorValues;
import dev.quiver.storage.Engines;
import dev.quiver.storage.Session;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.schema.SchemaPlus;

/**
 * One SQL session on a Quiver database: a Calcite connection whose schemas {@code public} and
 * {@code sys} read the engine, and the engine handle it keeps open. This is the SQL layer's face
 * towards the JDBC driver, which wraps {@link #connection()} for users.
 */
public final class QuiverSqlSession implements AutoCloseable {
  private static final CalciteBridge CALCITE = new CalciteBridge();

  private final Engines.Handle engine;
  private final Session session;
  private final Connection connection;
  private final SessionWrites writes;

  private QuiverSqlSession(
      Engines.Handle engine, Session session, Connection connection, SessionWrites writes) {
    this.engine = engine;
    this.session = session;
    this.connection = connection;
    this.writes = writes;
  }

  /**
   * Runs a PreparedStatement batch of INSERT or UPSERT as one engine batch: the executions inside
   * {@code batch} collect their rows, which commit together when it returns (one timestamp, one
   * fsync); if anything fails, nothing collected is applied. Other kinds of statement in it commit
   * as they run.
   */
  public <T> T inOneBatch(BatchAction<T> batch) throws SQLException {
    writes.beginBatch();
    T result;
    try {
      result = batch.run();
    } catch (SQLException | RuntimeException | Error e) {
      writes.abortBatch();
      throw e;
    }
    try {
      writes.finishBatch();
    } catch (RuntimeException e) {
      throw SqlErrors.translate(e);
    }
    return result;
  }

  /** The body of a JDBC batch. */
  @FunctionalInterface
  public interface BatchAction<T> {
    T run() throws SQLException;
  }

  /**
   * A session on an in-memory database; an empty name gives a private one.
   *
   * @param properties connection properties by lower-case name (see docs/sql.md)
   */
  public static QuiverSqlSession memory(String name, Map<String, String> properties)
      throws SQLException {
    return open(() -> Engines.memory(name), properties);
  }

  /** A session on the database in a folder, created if missing. */
  public static QuiverSqlSession file(Path directory, Map<String, String> properties)
      throws SQLException {
    return open(() -> Engines.file(directory), properties);
  }

  private static QuiverSqlSession open(
      java.util.function.Supplier<Engines.Handle> opener, Map<String, String> properties)
      throws SQLException {
    Engines.Handle handle;
    try {
      handle = opener.get();
    } catch (RuntimeException e) {
      throw SqlErrors.translate(e);
    }
    Session session = null;
    try {
      session = handle.engine().openSession(properties.get("user"));
      SessionWrites writes = new SessionWrites(handle.engine(), session, properties);
      Connection connection = CALCITE.open(calciteProperties());
      SchemaPlus root = connection.unwrap(CalciteConnection.class).getRootSchema();
      SchemaPlus schema = root.add(QuiverSchema.NAME, new QuiverSchema(handle.engine(), writes));
      // The catalog changes under the connection (other connections create tables): never cache.
      schema.setCacheEnabled(false);
      root.add(SystemSchema.NAME, new SystemSchema(handle.engine(), session))
          .setCacheEnabled(false);
      connection.setSchema(QuiverSchema.NAME);
      return new QuiverSqlSession(handle, session, connection, writes);
    } catch (SQLException | RuntimeException e) {
      if (session != null) {
        session.close();
      }
      handle.close();
      throw SqlErrors.translate(e);
    }
  }

  private static Properties calciteProperties() {
    Properties p = new CalciteProperties();
    // Keys are Calcite's upper-case property names: Calcite parses the connection's properties
    // again for each setting it reads, several times per execution, upper-casing every key.
    p.setProperty(
        CalciteConnectionProperty.PARSER_FACTORY.name(),
        QuiverParserFactory.class.getName() + "#INSTANCE");
    // PostgreSQL's identifier rules: unquoted names fold to lower case.
    p.setProperty(CalciteConnectionProperty.UNQUOTED_CASING.name(), "TO_LOWER");
    p.setProperty(CalciteConnectionProperty.QUOTED_CASING.name(), "UNCHANGED");
    p.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.name(), "false");
    return p;
  }

  /**
   * Connection properties that remember their names: Calcite asks for them (through {@code
   * stringPropertyNames}, which copies them into a new set each time) on every execution, to read
   * the time zone, locale and other settings.
   */
  private static final class CalciteProperties extends Properties {
    private transient volatile Set<String> names;

    @Override
    public Set<String> stringPropertyNames() {
      Set<String> known = names;
      if (known == null) {
        known = Set.copyOf(super.stringPropertyNames());
        names = known;
      }
      return known;
    }

    @Override
    public synchronized Object put(Object key, Object value) {
      names = null;
      return super.put(key, value);
    }

    @Override
    public synchronized void putAll(Map<?, ?> values) {
      names = null;
      super.putAll(values);
    }

    @Override
    public synchronized Object remove(Object key) {
      names = null;
      return super.remove(key);
    }

    @Override
    public synchronized void clear() {
      names = null;
      super.clear();
    }
  }

  /** The Calcite connection; the driver wraps it. */
  public Connection connection() {
    return connection;
  }

  /** Closes the connection and releases the engine (closing it if this was the last user). */
  @Override
  public void close() throws SQLException {
    try {
      connection.close();
    } finally {
      try {
        session.close();
        engine.close();
      } catch (RuntimeException e) {
        throw SqlErrors.translate(e);
      }
    }
  }

  /** The translation of a failure into an SQLException with SQLState; see {@link SqlErrors}. */
  public static SQLException translate(Throwable failure) {
    return SqlErrors.translate(failure);
  }

  /**
   * A vector parameter value in the form Calcite's generated code takes ({@code List<Float>}), from
   * a {@code float[]}, {@code double[]}, list, {@link java.sql.Array} or {@code '[...]'} text;
   * arrays from the caller are copied, so later changes to them do not reach stored rows.
   */
  public static Object vectorParameter(Object value, String what) throws SQLException {
    try {
      float[] v = VectorValues.toFloatArray(value, what);
      if (v == null) {
        return null;
      }
      return new VectorList(value instanceof float[] ? v.clone() : v);
    } catch (RuntimeException e) {
      throw SqlErrors.translate(e);
    }
  }

  /** A VECTOR column value as {@code float[]}, from whatever Calcite or Avatica hands out. */
  public static float[] vectorResult(Object value) throws SQLException {
    try {
      return VectorValues.toFloatArray(value, "result");
    } catch (RuntimeException e) {
      throw SqlErrors.translate(e);
    }
  }

  /** The text form of a vector, {@code [1, 0.5]}. */
  public static String formatVector(float[] vector) {
    return VectorValues.format(vector);
  }
}
