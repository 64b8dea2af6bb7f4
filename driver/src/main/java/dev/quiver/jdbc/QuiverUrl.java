package dev.quiver.jdbc;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A parsed {@code jdbc:quiver:} URL: where the database is and the connection properties given
 * after it as {@code ;key=value} (SPEC section 2).
 */
record QuiverUrl(Kind kind, String location, Map<String, String> properties) {
  static final String PREFIX = "jdbc:quiver:";

  /** Where a database lives. */
  enum Kind {
    /** {@code mem:} (private) or {@code mem:NAME} (shared in this JVM). */
    MEMORY,
    /** {@code file:PATH}. */
    FILE,
    /** {@code remote:url=http://HOST:PORT}. */
    REMOTE
  }

  /** The connection properties Quiver understands, each with its accepted values. */
  static final Map<String, String> KNOWN_PROPERTIES =
      Map.ofEntries(
          Map.entry("consistency_level", "STRONG, BOUNDED, SESSION or EVENTUALLY"),
          Map.entry("bounded_staleness_ms", "a whole number of milliseconds, 0 or more"),
          Map.entry("consistency_timeout_ms", "a whole number of milliseconds, 0 or more"),
          Map.entry("sync", "commit or none"),
          Map.entry("user", "a user name (remote: the server's users file)"),
          Map.entry("password", "a password"),
          Map.entry(
              "url", "the server address of a remote: URL, http://HOST:PORT or https://HOST:PORT"),
          Map.entry("authentication", "remote: basic (default) or digest, as the server's --auth"),
          Map.entry(
              "truststore", "remote over https: a keystore file holding the server's certificate"),
          Map.entry("truststore_password", "remote over https: the truststore's password"),
          Map.entry("hostname_verification", "remote over https: strict (default) or none"));

  private static final Set<String> LEVELS = Set.of("strong", "bounded", "session", "eventually");

  /** Parses a URL; null if it is not a Quiver URL. */
  static QuiverUrl parse(String url, Properties info) throws SQLException {
    if (url == null || !url.startsWith(PREFIX)) {
      return null;
    }
    String[] parts = url.substring(PREFIX.length()).split(";");
    String target = parts[0];
    Map<String, String> properties = new LinkedHashMap<>();
    if (info != null) {
      for (String key : info.stringPropertyNames()) {
        String k = key.toLowerCase(Locale.ROOT);
        // Tools add properties of their own; only ours are read, and only ours are checked.
        if (KNOWN_PROPERTIES.containsKey(k)) {
          properties.put(k, info.getProperty(key));
        }
      }
    }
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].isBlank()) {
        continue;
      }
      int eq = parts[i].indexOf('=');
      if (eq <= 0) {
        throw new SQLException(
            "connection property '" + parts[i] + "' in " + url + " is not of the form key=value",
            "08001");
      }
      String key = parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (!KNOWN_PROPERTIES.containsKey(key)) {
        throw new SQLException(
            "unknown connection property '"
                + key
                + "' in "
                + url
                + "; known properties: "
                + String.join(", ", new java.util.TreeSet<>(KNOWN_PROPERTIES.keySet())),
            "08001");
      }
      properties.put(key, parts[i].substring(eq + 1).trim());
    }
    check(properties);
    if (target.startsWith("mem:")) {
      return new QuiverUrl(Kind.MEMORY, target.substring(4), properties);
    }
    if (target.startsWith("file:") && target.length() > 5) {
      return new QuiverUrl(Kind.FILE, target.substring(5), properties);
    }
    if (target.startsWith("remote:")) {
      String rest = target.substring(7);
      if (rest.startsWith("url=")) {
        properties.put("url", rest.substring(4));
      }
      return new QuiverUrl(Kind.REMOTE, properties.getOrDefault("url", ""), properties);
    }
    throw new SQLException(
        "unknown Quiver URL "
            + url
            + "; use jdbc:quiver:mem:, jdbc:quiver:mem:NAME, jdbc:quiver:file:PATH or"
            + " jdbc:quiver:remote:url=http://HOST:PORT",
        "08001");
  }

  private static void check(Map<String, String> properties) throws SQLException {
    String level = properties.get("consistency_level");
    if (level != null && !LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
      throw invalid("consistency_level", level);
    }
    for (String key : new String[] {"bounded_staleness_ms", "consistency_timeout_ms"}) {
      String millis = properties.get(key);
      if (millis != null) {
        try {
          long value = Long.parseLong(millis);
          if (value < 0 || value > Integer.MAX_VALUE) {
            throw invalid(key, millis);
          }
        } catch (NumberFormatException e) {
          throw invalid(key, millis);
        }
      }
    }
    checkChoice(properties, "sync", "commit", "none");
    checkChoice(properties, "authentication", "basic", "digest");
    checkChoice(properties, "hostname_verification", "strict", "none");
  }

  private static void checkChoice(Map<String, String> properties, String key, String... choices)
      throws SQLException {
    String value = properties.get(key);
    if (value != null && !Set.of(choices).contains(value.toLowerCase(Locale.ROOT))) {
      throw invalid(key, value);
    }
  }

  private static SQLException invalid(String key, String value) {
    return new SQLException(
        "connection property "
            + key
            + " = '"
            + value
            + "' is invalid; expected "
            + KNOWN_PROPERTIES.get(key),
        "08001");
  }
}
