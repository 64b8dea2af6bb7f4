package dev.quiver.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.security.AbstractLoginService;
import org.eclipse.jetty.util.security.Credential;

/**
 * Jetty's view of the users file: it checks a basic-authentication password against the user's
 * PBKDF2 hash, or hands Jetty's digest authenticator the user's HA1, and gives each user the one
 * role the file names.
 */
final class QuiverLoginService extends AbstractLoginService {
  private final Map<String, UserAccount> users;
  private final boolean digest;

  QuiverLoginService(Map<String, UserAccount> users, boolean digest) {
    this.users = Map.copyOf(users);
    this.digest = digest;
    setName(UserAccount.REALM);
  }

  @Override
  protected UserPrincipal loadUserInfo(String username) {
    UserAccount account = users.get(username);
    if (account == null) {
      return null;
    }
    if (digest) {
      // Jetty's digest check takes an MD5 credential as HA1 = MD5(name:realm:password).
      return account.digestHa1() == null
          ? null
          : new UserPrincipal(username, Credential.getCredential("MD5:" + account.digestHa1()));
    }
    return new UserPrincipal(username, new Pbkdf2Credential(account));
  }

  @Override
  protected String[] loadRoleInfo(UserPrincipal user) {
    UserAccount account = users.get(user.getName());
    return account == null ? new String[0] : new String[] {account.role().label()};
  }

  /**
   * A user's PBKDF2 hash as a Jetty credential. Basic authentication sends the password with every
   * HTTP request, and checking a PBKDF2 hash takes a good part of a second by design; so a
   * successful check is remembered, keyed by the user and an HMAC of the password under a key made
   * when the server starts (the password itself is not kept).
   */
  static final class Pbkdf2Credential extends Credential {
    private static final int REMEMBERED_MAX = 1024;
    private static final byte[] PROCESS_KEY = new byte[32];
    private static final Map<String, Boolean> VERIFIED = new ConcurrentHashMap<>();

    static {
      new SecureRandom().nextBytes(PROCESS_KEY);
    }

    private final transient UserAccount account;

    Pbkdf2Credential(UserAccount account) {
      this.account = account;
    }

    @Override
    public boolean check(Object credentials) {
      String password =
          switch (credentials) {
            case String s -> s;
            case char[] chars -> new String(chars);
            case null, default -> null;
          };
      if (password == null) {
        return false;
      }
      String key = account.name() + ":" + account.password().format() + ":" + hmac(password);
      if (VERIFIED.containsKey(key)) {
        return true;
      }
      // Clients connecting at once with the same password wait for one hash computation.
      synchronized (account) {
        if (VERIFIED.containsKey(key)) {
          return true;
        }
        if (!account.password().matches(password.toCharArray())) {
          return false;
        }
        if (VERIFIED.size() >= REMEMBERED_MAX) {
          VERIFIED.clear();
        }
        VERIFIED.put(key, Boolean.TRUE);
        return true;
      }
    }

    private static String hmac(String password) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PROCESS_KEY, "HmacSHA256"));
        return Base64.getEncoder()
            .encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
      }
    }
  }
}
