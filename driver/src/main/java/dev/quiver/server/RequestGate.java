package dev.quiver.server;

import dev.quiver.jdbc.RemoteErrors;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.metrics.noop.NoopMetricsSystem;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.server.AvaticaProtobufHandler;
import org.eclipse.jetty.server.Request;

/**
 * Avatica's protobuf handler with the server's gate in front: it refuses request bodies over the
 * size limit and requests arriving during shutdown (each with an Avatica error the client turns
 * into an SQLException with a SQLState), tells {@link MetaGuard} who the authenticated user is, and
 * counts the requests running so that shutdown can wait for them.
 */
final class RequestGate extends AvaticaProtobufHandler {
  private final long maxRequestBytes;
  private final AtomicInteger running = new AtomicInteger();
  private volatile boolean draining;

  RequestGate(Service service, long maxRequestBytes) {
    super(service, NoopMetricsSystem.getInstance(), null);
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void handle(
      String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    running.incrementAndGet();
    try {
      if (draining) {
        refuse(
            baseRequest,
            response,
            "the server is shutting down and takes no new statements; reconnect when it is back",
            ServerErrors.SHUTTING_DOWN);
        return;
      }
      long length = request.getContentLengthLong();
      if (length < 0 && "POST".equals(request.getMethod())) {
        refuse(
            baseRequest,
            response,
            "the request has no Content-Length; the server needs it to enforce its request size"
                + " limit (Avatica clients always send it)",
            ServerErrors.PROTOCOL_VIOLATION);
        return;
      }
      if (length > maxRequestBytes) {
        refuse(
            baseRequest,
            response,
            "the request has "
                + length
                + " bytes, more than the server's limit of "
                + maxRequestBytes
                + " bytes (quiver serve --max-request-mb); send fewer rows per batch or raise"
                + " the limit",
            ServerErrors.REQUEST_TOO_LARGE);
        return;
      }
      MetaGuard.REQUEST_USER.set(request.getRemoteUser());
      try {
        super.handle(target, baseRequest, request, response);
      } finally {
        MetaGuard.REQUEST_USER.remove();
      }
    } finally {
      running.decrementAndGet();
    }
  }

  /** From now on, refuses new requests. */
  void drain() {
    draining = true;
  }

  /** The number of requests being handled. */
  int running() {
    return running.get();
  }

  private static void refuse(
      Request baseRequest, HttpServletResponse response, String message, String sqlState)
      throws IOException {
    Service.ErrorResponse error =
        new Service.ErrorResponse(
            List.of(new RemoteErrors.ServerError(message, sqlState).toString()),
            message,
            0,
            sqlState,
            AvaticaSeverity.ERROR,
            null);
    // Avatica's client reads an error response only from a 500.
    response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
    response.setContentType("application/octet-stream");
    // The unread body is not worth keeping the connection for.
    response.setHeader("Connection", "close");
    response.getOutputStream().write(new ProtobufTranslationImpl().serializeResponse(error));
    baseRequest.setHandled(true);
  }
}
