package dev.quiver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of how the {@code ./quiver} launcher chooses a JDK, run against fake JDKs (shell scripts
 * that print a version) so that nothing is built or started.
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherJdkDiscoveryTest {

  private static final Path LAUNCHER =
      Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
          .toAbsolutePath()
          .getParent()
          .resolve("quiver");

  @TempDir Path temp;

  private Path folder;

  @BeforeEach
  void makeFolderWithSpace() throws IOException {
    folder = Files.createDirectories(temp.resolve("my jdks"));
  }

  @Test
  void onlyJdk17AndAnEmptySearchListGiveAClearErrorAndExitOne() throws Exception {
    Path jdk17 = fakeJdk("jdk-17", "17.0.15", true);
    Result result =
        launch(
            Map.of("JAVA_HOME", jdk17.toString(), "QUIVER_JDK_SEARCH_PATH", ""),
            jdk17.resolve("bin"),
            "demo");
    assertEquals(1, result.exitCode(), result.toString());
    assertEquals("", result.stdout());
    assertTrue(result.stderr().contains("no JDK 21 or newer found"), result.stderr());
    assertTrue(result.stderr().contains("JAVA_HOME=" + jdk17 + ": Java 17"), result.stderr());
    String onPath = "java on PATH (" + jdk17.resolve("bin/java") + "): Java 17";
    assertTrue(result.stderr().contains(onPath), result.stderr());
    assertTrue(result.stderr().contains("no folders searched"), result.stderr());
    assertTrue(result.stderr().contains("install a JDK 21 or newer"), result.stderr());
    assertTrue(result.stderr().contains("JAVA_HOME=/path/to/jdk-21"), result.stderr());
    assertTrue(!result.stderr().contains("Building"), "must not try to build: " + result.stderr());
  }

  @Test
  void errorListsEverySearchedFolderWithWhatItHeld() throws Exception {
    Path java8 = fakeJdk("jdk1.8.0_402", "1.8.0_402", true);
    Result result =
        launch(
            Map.of("QUIVER_JDK_SEARCH_PATH", folder + "/*:/nonexistent/jdk*"),
            java8.resolve("bin"),
            "shell");
    assertEquals(1, result.exitCode(), result.toString());
    assertTrue(result.stderr().contains("JAVA_HOME: not set"), result.stderr());
    assertTrue(result.stderr().contains(folder + "/*: " + java8 + " (Java 8)"), result.stderr());
    assertTrue(result.stderr().contains("/nonexistent/jdk*: no JDK"), result.stderr());
  }

  @Test
  void searchPicksTheNewestJdkOf21OrLater() throws Exception {
    Path jdk17 = fakeJdk("jdk-17.0.15", "17.0.15", true);
    fakeJdk("jdk-21", "21", true);
    fakeJdk("jdk-21.0.9", "21.0.9", true);
    Path jdk25 = fakeJdk("temurin 25.0.3", "25.0.3", true);
    fakeJdk("jdk-25.0.1", "25.0.1", true);
    Result result =
        launch(
            Map.of("JAVA_HOME", jdk17.toString(), "QUIVER_JDK_SEARCH_PATH", folder + "/*"),
            jdk17.resolve("bin"),
            "jdk");
    assertEquals(0, result.exitCode(), result.toString());
    assertEquals(jdk25 + " (Java 25)", result.stdout().strip());
  }

  @Test
  void javaHomeOf21OrLaterWinsOverPathAndSearch() throws Exception {
    Path jdk21 = fakeJdk("jdk-21-ea", "21-ea", true);
    Path jdk25 = fakeJdk("jdk-25", "25", true);
    Result result =
        launch(
            Map.of("JAVA_HOME", jdk21.toString(), "QUIVER_JDK_SEARCH_PATH", folder + "/*"),
            jdk25.resolve("bin"),
            "jdk");
    assertEquals(0, result.exitCode(), result.toString());
    assertEquals(jdk21 + " (Java 21)", result.stdout().strip());
  }

  @Test
  void javaOnPathIsUsedWhenJavaHomeIsTooOld() throws Exception {
    Path jdk17 = fakeJdk("jdk-17", "17.0.15", true);
    Path jdk22 = fakeJdk("jdk-22", "22.0.2", true);
    Result result =
        launch(
            Map.of("JAVA_HOME", jdk17.toString(), "QUIVER_JDK_SEARCH_PATH", ""),
            jdk22.resolve("bin"),
            "jdk");
    assertEquals(0, result.exitCode(), result.toString());
    assertEquals(jdk22 + " (Java 22)", result.stdout().strip());
  }

  @Test
  void aRuntimeWithoutJavacIsPassedOver() throws Exception {
    Path jre25 = fakeJdk("jre-25", "25.0.3", false);
    Result result =
        launch(
            Map.of("JAVA_HOME", jre25.toString(), "QUIVER_JDK_SEARCH_PATH", ""),
            jre25.resolve("bin"),
            "jdk");
    assertEquals(1, result.exitCode(), result.toString());
    String rejection = "JAVA_HOME=" + jre25 + ": Java 25, but a runtime without javac";
    assertTrue(result.stderr().contains(rejection), result.stderr());
  }

  @Test
  void helpNeedsNoJdk() throws Exception {
    Path empty = Files.createDirectories(temp.resolve("empty bin"));
    Result result = launch(Map.of("QUIVER_JDK_SEARCH_PATH", ""), empty, "help");
    assertEquals(0, result.exitCode(), result.toString());
    assertTrue(result.stdout().startsWith("Usage: quiver"), result.stdout());
    assertTrue(result.stdout().contains("test [ARGS]"), result.stdout());
  }

  @Test
  void worksThroughASymlinkFromAnotherDirectory() throws Exception {
    Path jdk21 = fakeJdk("jdk-21", "21.0.9", true);
    Path links = Files.createDirectories(temp.resolve("link dir"));
    Path link = Files.createSymbolicLink(links.resolve("quiver"), LAUNCHER);
    Result result =
        run(
            List.of("bash", link.toString(), "jdk"),
            Map.of("JAVA_HOME", jdk21.toString(), "QUIVER_JDK_SEARCH_PATH", ""),
            jdk21.resolve("bin"));
    assertEquals(0, result.exitCode(), result.toString());
    assertEquals(jdk21 + " (Java 21)", result.stdout().strip());
  }

  /** Makes a folder whose bin/java answers -version like a real JDK of that version. */
  private Path fakeJdk(String name, String version, boolean withJavac) throws IOException {
    Path home = Files.createDirectories(folder.resolve(name));
    Path bin = Files.createDirectories(home.resolve("bin"));
    String vendor = version.startsWith("1.") ? "java" : "openjdk";
    executable(
        bin.resolve("java"),
        """
        #!/bin/sh
        echo '%s version "%s" 2025-04-15' >&2
        echo 'OpenJDK Runtime Environment (build %s)' >&2
        """
            .formatted(vendor, version, version));
    if (withJavac) {
      executable(bin.resolve("javac"), "#!/bin/sh\necho javac " + version + "\n");
    }
    return home;
  }

  private static void executable(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Result launch(Map<String, String> env, Path javaBin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    command.addAll(List.of(args));
    return run(command, env, javaBin);
  }

  private Result run(List<String> command, Map<String, String> env, Path javaBin) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", javaBin + ":/usr/bin:/bin");
    builder.environment().put("HOME", temp.toString());
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path stdout = temp.resolve("stdout.txt");
    Path stderr = temp.resolve("stderr.txt");
    builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("launcher did not finish within 60 s: " + command);
    }
    return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }

  private record Result(int exitCode, String stdout, String stderr) {}
}
