package dev.quiver.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link UserErrorsTest}'s tests through {@code quiver serve} and the thin driver. */
class RemoteUserErrorsTest extends UserErrorsTest {
  @RegisterExtension final RemoteServerExtension server = new RemoteServerExtension();

  @Override
  Connection connect() throws SQLException {
    return server.connect();
  }
}
