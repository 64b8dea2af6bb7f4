package dev.quiver.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;

/**
 * One Avatica request sent over a plain HTTP socket in two halves, so that a test holds a request
 * running on the server (Jetty has handed it to the handler, which waits for the rest of the body)
 * for as long as it likes, without depending on how fast a statement runs.
 */
final class SlowRequest implements AutoCloseable {
  private final Socket socket;
  private final byte[] body;

  /** Sends the headers and the first half of the body. */
  SlowRequest(String serverUrl, Service.Request request) throws IOException {
    URI uri = URI.create(serverUrl);
    body = new ProtobufTranslationImpl().serializeRequest(request);
    socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(60_000);
    OutputStream out = socket.getOutputStream();
    String headers =
        "POST / HTTP/1.1\r\nHost: "
            + uri.getHost()
            + ":"
            + uri.getPort()
            + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    out.write(headers.getBytes(StandardCharsets.US_ASCII));
    out.write(body, 0, body.length / 2);
    out.flush();
  }

  /** Sends the rest of the body and reads the server's answer. */
  Service.Response finish() throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(body, body.length / 2, body.length - body.length / 2);
    out.flush();
    InputStream in = socket.getInputStream();
    String status = line(in);
    if (!status.startsWith("HTTP/1.1 200")) {
      throw new IOException("the server answered " + status);
    }
    int length = -1;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(header.substring(header.indexOf(':') + 1).trim());
      }
    }
    if (length < 0) {
      throw new IOException("the answer has no Content-Length");
    }
    return new ProtobufTranslationImpl().parseResponse(in.readNBytes(length));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the connection closed mid-answer");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
