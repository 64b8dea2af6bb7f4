package dev.quiver.server;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code quiver users add|remove|list --users FILE}: maintains a server's users file. Passwords are
 * read from the terminal (asked twice) or, when input is not a terminal, from the first line of
 * standard input; they are stored only as hashes.
 */
public final class UsersCommand {
  public static final String USAGE =
      """
        users add --users FILE --role readonly|readwrite|admin [--digest] NAME
                                       add or replace a server user; the password is read from
                                       the terminal or from the first line of standard input
        users remove --users FILE NAME remove a server user
        users list --users FILE        list the users and their roles
      """;

  private UsersCommand() {}

  /**
   * Runs a users subcommand.
   *
   * @param console the terminal to ask for passwords, or null to read {@code in}
   * @return 0 on success, 2 for bad usage
   */
  public static int run(
      List<String> args, InputStream in, Console console, PrintStream out, PrintStream err)
      throws SQLException, IOException {
    return run(args, in, console, out, err, PasswordHash.DEFAULT_ITERATIONS);
  }

  static int run(
      List<String> args,
      InputStream in,
      Console console,
      PrintStream out,
      PrintStream err,
      int iterations)
      throws SQLException, IOException {
    String action = args.isEmpty() ? "" : args.get(0);
    Path file = null;
    Role role = null;
    boolean digest = false;
    String name = null;
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--users" -> file = i + 1 < args.size() ? Path.of(args.get(++i)) : null;
        case "--role" -> {
          if (i + 1 >= args.size()) {
            return usage(err, "--role needs a value: " + Role.labels());
          }
          role = Role.parse(args.get(++i));
        }
        case "--digest" -> digest = true;
        default -> {
          if (arg.startsWith("-") || name != null) {
            return usage(err, "unexpected argument " + arg);
          }
          name = arg;
        }
      }
    }
    if (file == null) {
      return usage(err, "--users FILE is required");
    }
    switch (action) {
      case "list" -> {
        for (UserAccount user : UsersFile.read(file).values()) {
          out.println(
              user.name()
                  + " "
                  + user.role().label()
                  + (user.digestHa1() != null ? " (basic and digest)" : " (basic)"));
        }
        return 0;
      }
      case "add" -> {
        if (name == null || role == null) {
          return usage(err, "users add needs --role and a user NAME");
        }
        checkName(name);
        char[] password = readPassword(name, in, console);
        try {
          Map<String, UserAccount> users = UsersFile.readIfExists(file);
          boolean replaced =
              users.put(name, UserAccount.create(name, role, password, digest, iterations)) != null;
          UsersFile.write(file, users.values());
          out.println(
              (replaced ? "replaced" : "added")
                  + " user "
                  + name
                  + " ("
                  + role.label()
                  + ") in "
                  + file);
        } finally {
          Arrays.fill(password, '\0');
        }
        return 0;
      }
      case "remove" -> {
        if (name == null) {
          return usage(err, "users remove needs a user NAME");
        }
        Map<String, UserAccount> users = UsersFile.read(file);
        if (users.remove(name) == null) {
          throw new SQLException(
              "user " + name + " is not in " + file + "; see quiver users list --users " + file,
              ServerErrors.INVALID_PARAMETER);
        }
        UsersFile.write(file, users.values());
        out.println("removed user " + name + " from " + file);
        return 0;
      }
      default -> {
        return usage(err, "name an action: add, remove or list");
      }
    }
  }

  private static void checkName(String name) throws SQLException {
    if (!UsersFile.NAME.matcher(name).matches()) {
      throw new SQLException(
          "user name '" + name + "' " + UsersFile.nameRule(), ServerErrors.INVALID_PARAMETER);
    }
  }

  private static char[] readPassword(String name, InputStream in, Console console)
      throws IOException, SQLException {
    char[] password;
    if (console != null) {
      password = console.readPassword("Password for %s: ", name);
      char[] again = console.readPassword("Again: ");
      boolean same = password != null && Arrays.equals(password, again);
      if (again != null) {
        Arrays.fill(again, '\0');
      }
      if (!same) {
        throw new SQLException(
            "the passwords differ; nothing changed", ServerErrors.INVALID_PARAMETER);
      }
    } else {
      String line =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      password = line == null ? new char[0] : line.toCharArray();
    }
    if (password.length < 8) {
      throw new SQLException(
          "the password for " + name + " has " + password.length + " characters; use at least 8",
          ServerErrors.INVALID_PARAMETER);
    }
    return password;
  }

  private static int usage(PrintStream err, String problem) {
    err.println("quiver users: " + problem);
    err.print(USAGE);
    return 2;
  }
}
