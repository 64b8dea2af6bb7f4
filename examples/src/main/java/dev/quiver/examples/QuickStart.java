package dev.quiver.examples;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The README's example as a program: create a table with a VECTOR column, upsert two rows, find the
 * nearest to a query vector. Uses nothing but JDBC.
 *
 * <p>Run with a URL argument, e.g. {@code jdbc:quiver:file:./quiver-data}; the default is an
 * in-memory database.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) throws SQLException {
    String url = args.length > 0 ? args[0] : "jdbc:quiver:mem:quickstart";
    System.out.println(nearestTitle(url, new float[] {1, 0, 0}));
  }

  /** Runs the example against a database and returns the title nearest to the query. */
  public static String nearestTitle(String url, float[] query) throws SQLException {
    try (Connection db = DriverManager.getConnection(url);
        Statement s = db.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS docs (id BIGINT PRIMARY KEY, title VARCHAR,"
              + " embedding VECTOR(3))");
      s.execute(
          "UPSERT INTO docs VALUES (1, 'cats', '[0.9, 0.1, 0]'), (2, 'dogs', '[0.1, 0.9, 0]')");
      try (PreparedStatement q =
          db.prepareStatement(
              "SELECT title, COSINE_DISTANCE(embedding, ?) AS d FROM docs ORDER BY d LIMIT ?")) {
        q.setObject(1, query);
        q.setInt(2, 1);
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      }
    }
  }
}
