package dev.quiver.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Debian packages the harness's peers and data sets come from: checked with {@code dpkg -s},
 * installed with {@code apt-get install -y} when missing (directly as root, else through {@code
 * sudo -n}). A package that cannot be installed is reported, and its peer or data set skipped.
 */
final class Debian {
  private Debian() {}

  /**
   * Whether the package is installed, installing it first if needed; why not goes to {@code
   * problems}.
   */
  static boolean ensure(String pkg, List<String> problems) {
    if (installed(pkg)) {
      return true;
    }
    System.err.println(pkg + " is missing: installing it with apt-get");
    boolean root = "root".equals(System.getProperty("user.name"));
    List<String> install = new ArrayList<>(root ? List.of() : List.of("sudo", "-n"));
    install.addAll(List.of("apt-get", "install", "-y", "-q", pkg));
    if (run(install, false) != 0) {
      // A fresh machine may have no package lists yet.
      List<String> update = new ArrayList<>(root ? List.of() : List.of("sudo", "-n"));
      update.addAll(List.of("apt-get", "update", "-q"));
      run(update, false);
      run(install, false);
    }
    if (installed(pkg)) {
      return true;
    }
    problems.add(
        pkg
            + " is not installed and `"
            + String.join(" ", install)
            + "` failed"
            + (root ? "" : " (not root, and sudo -n was refused)"));
    return false;
  }

  /** The installed version of a package, or "not installed". */
  static String version(String pkg) {
    try {
      Process p =
          new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", pkg)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String version = new String(p.getInputStream().readAllBytes()).strip();
      return p.waitFor() == 0 && !version.isEmpty() ? version : "not installed";
    } catch (IOException e) {
      return "not installed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "not installed";
    }
  }

  static boolean installed(String pkg) {
    return run(List.of("dpkg", "-s", pkg), true) == 0;
  }

  /** Runs a command; apt-get's output goes to our stderr (the progress of a long run). */
  private static int run(List<String> command, boolean quiet) {
    ProcessBuilder.Redirect output =
        quiet
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.appendTo(new java.io.File("/dev/stderr"));
    try {
      Process p = new ProcessBuilder(command).redirectOutput(output).redirectError(output).start();
      return p.waitFor();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
