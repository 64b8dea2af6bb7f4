package dev.quiver.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JdbcBatchTest}'s tests through {@code quiver serve} (over a file database, so durable) and
 * the thin driver: a remote batch is one request, committed by the server as one batch.
 */
class RemoteJdbcBatchTest extends JdbcBatchTest {
  @RegisterExtension final RemoteServerExtension server = new RemoteServerExtension();

  @Override
  Connection connect() throws SQLException {
    return server.connect();
  }

  @Override
  Connection connectDurable() throws SQLException {
    return server.connect();
  }
}
