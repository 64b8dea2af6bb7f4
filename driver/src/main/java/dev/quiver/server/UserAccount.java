package dev.quiver.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One user of the server: a name, a role, the password's PBKDF2 hash (for basic authentication)
 * and, only when the user was added for digest authentication, the digest credential.
 *
 * <p>HTTP digest authentication needs {@code HA1 = MD5(name:realm:password)} on the server, which
 * is a password equivalent for this realm: whoever reads it can log in with digest. That is why it
 * is stored only on request ({@code quiver users add --digest}) and why basic authentication over
 * TLS, which needs only the slow salted hash, is the recommended setup.
 *
 * @param digestHa1 the hex HA1 for realm {@link #REALM}, or null
 */
record UserAccount(String name, Role role, PasswordHash password, String digestHa1) {
  /** The realm of HTTP authentication, part of every digest credential. */
  static final String REALM = "Quiver";

  /** A new account for {@code password}. */
  static UserAccount create(
      String name, Role role, char[] password, boolean withDigest, int iterations) {
    return new UserAccount(
        name,
        role,
        PasswordHash.create(password, iterations),
        withDigest ? digestHa1(name, password) : null);
  }

  /** {@code MD5(name:Quiver:password)} in hex, as RFC 7616 digest authentication computes it. */
  static String digestHa1(String name, char[] password) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      byte[] digest =
          md5.digest(
              (name + ":" + REALM + ":" + new String(password))
                  .getBytes(StandardCharsets.ISO_8859_1));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available in this JVM", e);
    }
  }
}
