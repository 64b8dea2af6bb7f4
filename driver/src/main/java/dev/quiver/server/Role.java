package dev.quiver.server;

import dev.quiver.sql.StatementAccess;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a server user may do: {@code readonly} reads (SELECT, EXPLAIN, metadata, SET for its own
 * session), {@code readwrite} also changes rows (INSERT, UPSERT, UPDATE, DELETE), {@code admin}
 * also changes the database (DDL, FLUSH, and every other statement).
 */
public enum Role {
  READONLY,
  READWRITE,
  ADMIN;

  /** Whether this role may run statements needing {@code access}. */
  public boolean allows(StatementAccess access) {
    return switch (this) {
      case READONLY -> access == StatementAccess.READ;
      case READWRITE -> access != StatementAccess.ADMIN;
      case ADMIN -> true;
    };
  }

  /** The role's name as the users file and messages write it, e.g. {@code readonly}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The least role that allows {@code access}. */
  static Role leastFor(StatementAccess access) {
    return switch (access) {
      case READ -> READONLY;
      case WRITE -> READWRITE;
      case ADMIN -> ADMIN;
    };
  }

  /** The role named {@code text} (any case). */
  public static Role parse(String text) throws SQLException {
    for (Role role : values()) {
      if (role.label().equalsIgnoreCase(text)) {
        return role;
      }
    }
    throw new SQLException(
        "unknown role '" + text + "'; use one of " + labels(), ServerErrors.INVALID_PARAMETER);
  }

  /** All role names, comma-separated. */
  static String labels() {
    return Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", "));
  }
}
