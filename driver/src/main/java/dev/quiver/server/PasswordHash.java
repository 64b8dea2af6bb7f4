package dev.quiver.server;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A password stored as PBKDF2-HMAC-SHA256 with a random 16-byte salt, written {@code
 * pbkdf2-sha256:ITERATIONS:SALT:HASH} (salt and hash in base64). The iteration count travels with
 * the hash, so raising the default later does not invalidate existing users.
 */
final class PasswordHash {
  /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
  static final int DEFAULT_ITERATIONS = 600_000;

  private static final String SCHEME = "pbkdf2-sha256";
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int iterations;
  private final byte[] salt;
  private final byte[] hash;

  private PasswordHash(int iterations, byte[] salt, byte[] hash) {
    this.iterations = iterations;
    this.salt = salt;
    this.hash = hash;
  }

  /** Hashes a new password with a fresh salt. */
  static PasswordHash create(char[] password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new PasswordHash(iterations, salt, derive(password, salt, iterations));
  }

  /** Whether {@code password} is the one hashed; compares in constant time. */
  boolean matches(char[] password) {
    return MessageDigest.isEqual(hash, derive(password, salt, iterations));
  }

  /** The text form stored in the users file. */
  String format() {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME
        + ":"
        + iterations
        + ":"
        + b64.encodeToString(salt)
        + ":"
        + b64.encodeToString(hash);
  }

  /**
   * Reads the text form.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static PasswordHash parse(String text) {
    String[] parts = text.split(":");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException(
          "password hash '" + text + "' is not of the form " + SCHEME + ":ITERATIONS:SALT:HASH");
    }
    int iterations;
    try {
      iterations = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("iteration count '" + parts[1] + "' is not a number");
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("iteration count " + iterations + " must be at least 1");
    }
    Base64.Decoder b64 = Base64.getDecoder();
    try {
      return new PasswordHash(iterations, b64.decode(parts[2]), b64.decode(parts[3]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("salt or hash is not base64: " + e.getMessage());
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      // Every Java SE runtime provides PBKDF2WithHmacSHA256.
      throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
    } finally {
      spec.clearPassword();
    }
  }
}
