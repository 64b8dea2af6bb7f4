package dev.quiver.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The users file of {@code quiver serve --auth}: one user per line, {@code NAME ROLE HASH
 * [DIGEST]}, where HASH is a {@link PasswordHash} and DIGEST, present for users added with {@code
 * --digest}, is {@code digest-md5:Quiver:HA1}. Lines starting with {@code #} and blank lines are
 * ignored. Passwords themselves are never stored. {@code quiver users add} writes the file with
 * permissions {@code rw-------}.
 *
 * <pre>
 * # Quiver users: NAME ROLE PASSWORD-HASH [DIGEST-CREDENTIAL]
 * alice admin pbkdf2-sha256:600000:6xv2...:Qm9v...
 * bob readonly pbkdf2-sha256:600000:Zm9v...:YmFy... digest-md5:Quiver:3f1e...
 * </pre>
 */
public final class UsersFile {
  /** Names that need no quoting in an HTTP header or in this file. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

  private static final String DIGEST_PREFIX = "digest-md5:" + UserAccount.REALM + ":";
  private static final Pattern HEX_MD5 = Pattern.compile("[0-9a-f]{32}");
  private static final String HEADER =
      "# Quiver users: NAME ROLE PASSWORD-HASH [DIGEST-CREDENTIAL]";

  private UsersFile() {}

  /** Reads the users of a file, by name, in file order. */
  static Map<String, UserAccount> read(Path file) throws SQLException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SQLException(
          "users file "
              + file
              + " does not exist; create it with: quiver users add --users "
              + file
              + " --role admin NAME",
          ServerErrors.CONFIG_FILE);
    } catch (IOException e) {
      throw new SQLException(
          "users file " + file + " cannot be read: " + e, ServerErrors.CONFIG_FILE, e);
    }
    Map<String, UserAccount> users = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      UserAccount account = parseLine(file, i + 1, line);
      if (users.put(account.name(), account) != null) {
        throw malformed(file, i + 1, "user " + account.name() + " is listed twice");
      }
    }
    return users;
  }

  /** Reads a file that may not exist yet (for {@code quiver users add}). */
  static Map<String, UserAccount> readIfExists(Path file) throws SQLException {
    return Files.exists(file) ? read(file) : new LinkedHashMap<>();
  }

  private static UserAccount parseLine(Path file, int number, String line) throws SQLException {
    String[] fields = line.split("\\s+");
    if (fields.length < 3 || fields.length > 4) {
      throw malformed(file, number, "expected NAME ROLE PASSWORD-HASH [DIGEST-CREDENTIAL]");
    }
    if (!NAME.matcher(fields[0]).matches()) {
      throw malformed(file, number, "user name '" + fields[0] + "' " + nameRule());
    }
    Role role;
    try {
      role = Role.parse(fields[1]);
    } catch (SQLException e) {
      throw malformed(file, number, e.getMessage());
    }
    PasswordHash hash;
    try {
      hash = PasswordHash.parse(fields[2]);
    } catch (IllegalArgumentException e) {
      throw malformed(file, number, e.getMessage());
    }
    String ha1 = null;
    if (fields.length == 4) {
      if (!fields[3].startsWith(DIGEST_PREFIX)
          || !HEX_MD5.matcher(fields[3].substring(DIGEST_PREFIX.length())).matches()) {
        throw malformed(
            file,
            number,
            "digest credential '" + fields[3] + "' is not of the form " + DIGEST_PREFIX + "HA1");
      }
      ha1 = fields[3].substring(DIGEST_PREFIX.length());
    }
    return new UserAccount(fields[0], role, hash, ha1);
  }

  /**
   * Writes the users to the file, replacing it in one step (a reader sees the old or the new file,
   * never half of one) and readable by its owner only.
   */
  static void write(Path file, Collection<UserAccount> users) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    for (UserAccount user : users) {
      String line = user.name() + " " + user.role().label() + " " + user.password().format();
      if (user.digestHa1() != null) {
        line += " " + DIGEST_PREFIX + user.digestHa1();
      }
      lines.add(line);
    }
    Path absolute = file.toAbsolutePath();
    Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    try {
      Files.createFile(
          temporary,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the folder's permissions protect the file.
      Files.createFile(temporary);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another process is writing " + file + " (" + temporary + ")", e);
    }
    Files.write(temporary, lines, StandardCharsets.UTF_8);
    try {
      Files.move(
          temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String nameRule() {
    return "must be 1 to 64 letters, digits or _ . @ -";
  }

  private static SQLException malformed(Path file, int line, String problem) {
    return new SQLException(
        "users file " + file + ", line " + line + ": " + problem, ServerErrors.CONFIG_FILE);
  }
}
