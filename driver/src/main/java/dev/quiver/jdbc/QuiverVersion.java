package dev.quiver.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Quiver's version, as the build wrote it into {@code quiver-version.properties}. */
public final class QuiverVersion {
  private static final String VERSION = load();

  private QuiverVersion() {}

  /** The full version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return VERSION;
  }

  static int major() {
    return part(0);
  }

  static int minor() {
    return part(1);
  }

  private static int part(int index) {
    String[] parts = VERSION.split("[.-]");
    return index < parts.length && parts[index].matches("\\d+")
        ? Integer.parseInt(parts[index])
        : 0;
  }

  private static String load() {
    try (InputStream in = QuiverVersion.class.getResourceAsStream("quiver-version.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
