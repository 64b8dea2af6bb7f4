package dev.quiver.storage;

/**
 * An error the user can cause or must know about, with its {@link ErrorCode}; the SQL layer turns
 * it into an {@code SQLException} with the code's SQLState and this message.
 */
public class QuiverException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public QuiverException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public QuiverException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public String sqlState() {
    return code.sqlState();
  }
}
