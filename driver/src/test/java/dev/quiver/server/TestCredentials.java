package dev.quiver.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Users files and TLS keystores for server tests, made the way an operator makes them: users with
 * real PBKDF2 hashes (fewer iterations than {@code quiver users add} uses, so that tests do not
 * spend seconds hashing), keystores with the JDK's keytool.
 */
final class TestCredentials {
  static final int TEST_ITERATIONS = 1_000;

  private TestCredentials() {}

  /** Writes a users file; each user's password is {@code NAME-password}. */
  static Path usersFile(Path folder, boolean withDigest, Map<String, Role> users)
      throws IOException {
    List<UserAccount> accounts = new ArrayList<>();
    users.forEach(
        (name, role) ->
            accounts.add(
                UserAccount.create(
                    name, role, password(name).toCharArray(), withDigest, TEST_ITERATIONS)));
    Path file = folder.resolve("users");
    UsersFile.write(file, accounts);
    return file;
  }

  static String password(String user) {
    return user + "-password";
  }

  /** A server keystore (PKCS12, RSA key, certificate for localhost and 127.0.0.1). */
  static Path serverKeystore(Path folder, String password) throws IOException {
    Path keystore = folder.resolve("server.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "quiver",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        password);
    return keystore;
  }

  /** A truststore holding the server keystore's certificate, as a client would be given. */
  static Path truststore(Path folder, Path serverKeystore, String password) throws IOException {
    Path certificate = folder.resolve("server.crt");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "quiver",
        "-keystore",
        serverKeystore.toString(),
        "-storepass",
        password,
        "-file",
        certificate.toString());
    Path truststore = folder.resolve("trust.p12");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "quiver",
        "-file",
        certificate.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        password);
    return truststore;
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for keytool", e);
    }
  }
}
