package dev.quiver.cli;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code quiver demo} command: a tour of vector search through plain JDBC.
 *
 * <p>It (re)creates a table {@code docs}, loads a few hundred headlines in six categories with
 * their {@link HashingEmbedder} vectors through a {@link PreparedStatement} batch, then runs four
 * queries and prints each SQL statement, its parameters and its result as a table: a top-5 search
 * by {@code COSINE_DISTANCE}, the same search filtered by category, a search with pgvector's {@code
 * <=>} operator and {@code LIMIT ?}, and a {@code GROUP BY} count. It uses nothing but {@code
 * java.sql}, so it reads as an example of how an application talks to Quiver.
 */
public final class DemoCommand {

  /** The database the demo uses when given no URL: in memory, gone when the demo ends. */
  public static final String DEFAULT_URL = "jdbc:quiver:mem:demo";

  /** The length of the demo's vectors, and of its {@code VECTOR(n)} column. */
  public static final int DIMENSIONS = 64;

  static final String DROP_TABLE = "DROP TABLE IF EXISTS docs";
  static final String CREATE_TABLE =
      "CREATE TABLE docs (id BIGINT PRIMARY KEY, category VARCHAR,"
          + " title VARCHAR, embedding VECTOR("
          + DIMENSIONS
          + ") NOT NULL)";
  static final String INSERT =
      "INSERT INTO docs (id, category, title, embedding) VALUES (?, ?, ?, ?)";
  static final String NEAREST =
      "SELECT id, category, title, COSINE_DISTANCE(embedding, ?) AS d"
          + " FROM docs ORDER BY d LIMIT 5";
  static final String NEAREST_IN_CATEGORY =
      "SELECT id, category, title,"
          + " COSINE_DISTANCE(embedding, ?) AS d FROM docs WHERE category = ? ORDER BY d LIMIT 5";
  static final String NEAREST_PGVECTOR =
      "SELECT id, category, title, embedding <=> ? AS d" + " FROM docs ORDER BY d LIMIT ?";
  static final String COUNT_BY_CATEGORY =
      "SELECT category, COUNT(*) AS n FROM docs GROUP BY category ORDER BY category";

  static final String FREE_TEXT_QUERY = "chicken curry with rice";
  // Unfiltered, the nearest title to this query is a sports headline about ticket prices.
  static final String FILTERED_QUERY = "rising prices";
  static final String FILTER_CATEGORY = "finance";
  static final String PGVECTOR_QUERY = "black holes and the early universe";
  static final int PGVECTOR_LIMIT = 3;

  private static final int BATCH_SIZE = 100;

  private final PrintStream out;
  private final HashingEmbedder embedder = new HashingEmbedder(DIMENSIONS);

  /**
   * Creates the command.
   *
   * @param out where the statements and result tables are printed
   */
  public DemoCommand(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the demo against a database.
   *
   * @param url JDBC URL, for example {@value #DEFAULT_URL} or {@code jdbc:quiver:file:./demo-data}
   * @return the four result tables, in the order printed
   * @throws SQLException if the database refuses a statement
   */
  public List<TextTable> run(String url) throws SQLException {
    out.println("Quiver demo on " + url);
    out.println();
    try (Connection connection = DriverManager.getConnection(url)) {
      createTable(connection);
      load(connection, DemoDocument.loadAll());
      List<TextTable> tables = new ArrayList<>();
      tables.add(
          query(
              connection,
              "1. The 5 titles nearest to a free-text query, by cosine distance",
              NEAREST,
              vectorOf(FREE_TEXT_QUERY)));
      tables.add(
          query(
              connection,
              "2. The same kind of search, filtered to one category",
              NEAREST_IN_CATEGORY,
              vectorOf(FILTERED_QUERY),
              Param.of(FILTER_CATEGORY)));
      tables.add(
          query(
              connection,
              "3. pgvector's <=> operator (cosine distance) with LIMIT as a parameter",
              NEAREST_PGVECTOR,
              vectorOf(PGVECTOR_QUERY),
              Param.of(PGVECTOR_LIMIT)));
      tables.add(query(connection, "4. Ordinary SQL works too", COUNT_BY_CATEGORY));
      return tables;
    }
  }

  private void createTable(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      // A file database keeps the table of an earlier run; start from the same state every time.
      out.println(DROP_TABLE + ";");
      statement.execute(DROP_TABLE);
      out.println(CREATE_TABLE + ";");
      statement.execute(CREATE_TABLE);
    }
  }

  private void load(Connection connection, List<DemoDocument> documents) throws SQLException {
    out.println(INSERT + ";");
    long start = System.nanoTime();
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      int pending = 0;
      for (DemoDocument document : documents) {
        insert.setLong(1, document.id());
        insert.setString(2, document.category());
        insert.setString(3, document.title());
        insert.setObject(4, embedder.embed(document.title()));
        insert.addBatch();
        if (++pending == BATCH_SIZE) {
          insert.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        insert.executeBatch();
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    out.printf("  -- %d rows in batches of %d, %d ms%n", documents.size(), BATCH_SIZE, millis);
  }

  private TextTable query(Connection connection, String heading, String sql, Param... params)
      throws SQLException {
    out.println();
    out.println(heading);
    out.println(sql + ";");
    for (Param param : params) {
      out.println("  -- ? = " + param.shown());
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i].value());
      }
      try (ResultSet resultSet = statement.executeQuery()) {
        TextTable table = TextTable.read(resultSet);
        out.print(table.render());
        return table;
      }
    }
  }

  private Param vectorOf(String text) {
    return new Param(
        embedder.embed(text), "embedding of \"" + text + "\" (float[" + DIMENSIONS + "])");
  }

  /** A statement parameter with the text shown for it. */
  private record Param(Object value, String shown) {

    static Param of(Object value) {
      return new Param(value, value instanceof String ? "'" + value + "'" : String.valueOf(value));
    }
  }
}
