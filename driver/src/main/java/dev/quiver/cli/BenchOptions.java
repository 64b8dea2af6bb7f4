package dev.quiver.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A benchmark's {@code --name value} options, checked against the names it knows. */
final class BenchOptions {
  private final Map<String, String> values = new HashMap<>();

  /**
   * @throws IllegalArgumentException naming an unknown option, or one given without its value
   */
  BenchOptions(List<String> args, Set<String> known) {
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i);
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option " + name + "; known: " + known);
      }
      if (i + 1 == args.size()) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      values.put(name, args.get(++i));
    }
  }

  int integer(String name, int fallback) {
    String value = values.get(name);
    return value == null ? fallback : Integer.parseInt(value);
  }

  /** A folder option's path, or null when not given. */
  Path path(String name) {
    String value = values.get(name);
    return value == null ? null : Path.of(value);
  }
}
