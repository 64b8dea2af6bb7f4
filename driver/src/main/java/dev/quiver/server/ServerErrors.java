package dev.quiver.server;

/**
 * The SQLStates of the server's own errors (PostgreSQL's codes where one fits), listed in
 * docs/errors.md.
 */
final class ServerErrors {
  /** An option or argument with a value that cannot work (22023 invalid_parameter_value). */
  static final String INVALID_PARAMETER = "22023";

  /** A users file or keystore that cannot be read or is malformed (F0000 config_file_error). */
  static final String CONFIG_FILE = "F0000";

  /**
   * A server that would be reachable from the network without authentication and TLS (28000
   * invalid_authorization_specification).
   */
  static final String INSECURE_SETUP = "28000";

  /** A statement the user's role does not allow (42501 insufficient_privilege). */
  static final String INSUFFICIENT_PRIVILEGE = "42501";

  /** More remote connections than {@code --max-connections} (53300 too_many_connections). */
  static final String TOO_MANY_CONNECTIONS = "53300";

  /** A request body over {@code --max-request-mb} (54000 program_limit_exceeded). */
  static final String REQUEST_TOO_LARGE = "54000";

  /** A request arriving while the server shuts down (57P01 admin_shutdown). */
  static final String SHUTTING_DOWN = "57P01";

  /** A request that is not what an Avatica client sends (08P01 protocol_violation). */
  static final String PROTOCOL_VIOLATION = "08P01";

  /** The port cannot be opened (58030 io_error). */
  static final String IO_ERROR = "58030";

  private ServerErrors() {}
}
