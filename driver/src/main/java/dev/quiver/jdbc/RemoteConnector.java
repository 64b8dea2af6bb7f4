package dev.quiver.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.avatica.remote.Driver;

/**
 * Opens the Avatica connection behind a {@code jdbc:quiver:remote:url=http://HOST:PORT} URL:
 * protobuf serialization (what {@code quiver serve} speaks), the user and password as HTTP
 * credentials, TLS trust settings, and Quiver's session properties passed on to the server's
 * embedded connection. The password is not passed on: it only authenticates.
 */
final class RemoteConnector {
  private static final Driver AVATICA = new Driver();

  /** Connection properties the server's embedded connection takes. */
  private static final String[] SESSION_PROPERTIES = {
    "consistency_level", "bounded_staleness_ms", "sync", "user"
  };

  private RemoteConnector() {}

  static Backend.Remote connect(String serverUrl, Map<String, String> properties)
      throws SQLException {
    if (!serverUrl.startsWith("http://") && !serverUrl.startsWith("https://")) {
      throw new SQLException(
          "jdbc:quiver:remote: needs the server's address, e.g."
              + " jdbc:quiver:remote:url=http://127.0.0.1:8765 (https:// for a server with TLS);"
              + " got '"
              + serverUrl
              + "'",
          "08001");
    }
    Properties avatica = new Properties();
    avatica.setProperty("url", serverUrl);
    avatica.setProperty("serialization", "protobuf");
    for (String key : SESSION_PROPERTIES) {
      if (properties.get(key) != null) {
        avatica.setProperty(key, properties.get(key));
      }
    }
    String user = properties.get("user");
    if (user != null && !user.isEmpty()) {
      avatica.setProperty("avatica_user", user);
      avatica.setProperty("avatica_password", properties.getOrDefault("password", ""));
      avatica.setProperty(
          "authentication",
          properties.getOrDefault("authentication", "basic").toUpperCase(Locale.ROOT));
    }
    copy(properties, "truststore", avatica);
    copy(properties, "truststore_password", avatica);
    if (properties.get("hostname_verification") != null) {
      avatica.setProperty(
          "hostname_verification",
          properties.get("hostname_verification").toUpperCase(Locale.ROOT));
    }
    Connection connection;
    try {
      connection = AVATICA.connect("jdbc:avatica:remote:", avatica);
    } catch (SQLException | RuntimeException e) {
      throw RemoteErrors.translate(e, serverUrl);
    }
    return new Backend.Remote(connection, serverUrl);
  }

  /** Avatica's client reads TLS settings under the same names Quiver's URL uses. */
  private static void copy(Map<String, String> from, String key, Properties to) {
    if (from.get(key) != null) {
      to.setProperty(key, from.get(key));
    }
  }
}
