package dev.quiver.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SqlFeaturesTest}'s tests through {@code quiver serve} and the thin driver. */
class RemoteSqlFeaturesTest extends SqlFeaturesTest {
  @RegisterExtension final RemoteServerExtension server = new RemoteServerExtension();

  @Override
  Connection connect() throws SQLException {
    return server.connect();
  }
}
