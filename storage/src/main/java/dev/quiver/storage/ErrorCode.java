package dev.quiver.storage;

/**
 * The catalog of every error Quiver reports, each with the SQLState a JDBC caller sees.
 *
 * <p>States follow PostgreSQL's assignments where one exists, so tools that branch on them (retry
 * on 40001, report 23505 as a duplicate) behave as they do with pgvector. docs/errors.md lists each
 * code with an example statement that raises it.
 */
public enum ErrorCode {
  /** A vector value has a different number of components than its column declares. */
  VECTOR_DIMENSION_MISMATCH("22000"),
  /** A vector value contains NaN or an infinity. */
  VECTOR_NOT_FINITE("22000"),
  /** A vector literal that does not parse, e.g. {@code '[1, 2'}. */
  MALFORMED_VECTOR("22P02"),
  /** A value that does not fit its column, e.g. text into an INTEGER column. */
  INVALID_VALUE("22023"),
  /** Text longer than its VARCHAR(n) column allows. */
  VALUE_TOO_LONG("22001"),
  /** A number outside its column's range, e.g. 3000000000 into INTEGER. */
  NUMERIC_OUT_OF_RANGE("22003"),
  /** NULL into a NOT NULL column or the primary key. */
  NOT_NULL_VIOLATION("23502"),
  /** INSERT of a primary key that already exists. */
  DUPLICATE_KEY("23505"),
  /**
   * An UPDATE or DELETE whose row was changed by another statement after this one read it: retry
   * the statement (PostgreSQL's serialization_failure).
   */
  SERIALIZATION_FAILURE("40001"),
  /** A table option or index option that is unknown or out of range. */
  INVALID_OPTION("22023"),
  /** A table name that is not in the catalog. */
  TABLE_NOT_FOUND("42P01"),
  /** A column name that the table does not have. */
  COLUMN_NOT_FOUND("42703"),
  /** CREATE TABLE or CREATE INDEX of a name that exists. */
  DUPLICATE_OBJECT("42P07"),
  /** An index name that is not in the catalog. */
  INDEX_NOT_FOUND("42704"),
  /** A column or table definition that cannot be created, e.g. VECTOR(0). */
  INVALID_DEFINITION("42611"),
  /**
   * A query waited {@code consistency_timeout_ms} for the engine to apply the writes its
   * consistency level requires (PostgreSQL's query_canceled, as for a statement timeout).
   */
  CONSISTENCY_TIMEOUT("57014"),
  /**
   * A {@code FOR SYSTEM_TIME AS OF} instant older than the table keeps its history for ({@code
   * time_travel_retention_s}; PostgreSQL's snapshot_too_old).
   */
  SNAPSHOT_TOO_OLD("72000"),
  /** A statement or feature Quiver does not support (yet). */
  UNSUPPORTED("0A000"),
  /** The database folder is held by another process. */
  DATABASE_LOCKED("55006"),
  /** A file could not be read or written. */
  IO_ERROR("58030"),
  /** A file failed its checksum or format check. */
  CORRUPT_FILE("XX001"),
  /** A check of the engine's own state failed: a bug, reported rather than hidden. */
  INTERNAL_ERROR("XX000"),
  /** The engine was closed while the statement ran. */
  ENGINE_CLOSED("08003");

  private final String sqlState;

  ErrorCode(String sqlState) {
    this.sqlState = sqlState;
  }

  /** The five-character SQLState reported to JDBC callers. */
  public String sqlState() {
    return sqlState;
  }
}
