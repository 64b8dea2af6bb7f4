package dev.quiver.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The flat JSON objects of {@code results.jsonl}: one line per measurement, fields whose values are
 * strings, numbers or null. Written by the Java harness and by peers.py, read back by the report.
 */
final class Json {
  private Json() {}

  /** One object from its fields in order; numbers are written as given, strings quoted. */
  static String write(Map<String, ?> fields) {
    StringBuilder out = new StringBuilder("{");
    for (var field : fields.entrySet()) {
      if (out.length() > 1) {
        out.append(", ");
      }
      out.append(quote(field.getKey())).append(": ");
      Object value = field.getValue();
      if (value == null) {
        out.append("null");
      } else if (value instanceof Double d) {
        out.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d) : "null");
      } else if (value instanceof Number || value instanceof Boolean) {
        out.append(value);
      } else {
        out.append(quote(value.toString()));
      }
    }
    return out.append('}').toString();
  }

  /** A builder-style start: {@code Json.fields("dataset", name, "system", s)}. */
  static Map<String, Object> fields(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Reads one flat object: strings as String, numbers as Double, null and booleans as such. */
  static Map<String, Object> read(String line) {
    Map<String, Object> map = new LinkedHashMap<>();
    int[] at = {skip(line, 0)};
    expect(line, at, '{');
    while (true) {
      at[0] = skip(line, at[0]);
      if (line.charAt(at[0]) == '}') {
        return map;
      }
      String key = string(line, at);
      at[0] = skip(line, at[0]);
      expect(line, at, ':');
      at[0] = skip(line, at[0]);
      map.put(key, value(line, at));
      at[0] = skip(line, at[0]);
      if (line.charAt(at[0]) == ',') {
        at[0]++;
      }
    }
  }

  private static Object value(String line, int[] at) {
    char c = line.charAt(at[0]);
    if (c == '"') {
      return string(line, at);
    }
    int end = at[0];
    while (end < line.length() && ",} ".indexOf(line.charAt(end)) < 0) {
      end++;
    }
    String word = line.substring(at[0], end);
    at[0] = end;
    return switch (word) {
      case "null", "NaN", "Infinity", "-Infinity" -> null;
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> Double.parseDouble(word);
    };
  }

  private static String string(String line, int[] at) {
    expect(line, at, '"');
    StringBuilder s = new StringBuilder();
    while (true) {
      char c = line.charAt(at[0]++);
      if (c == '"') {
        return s.toString();
      }
      if (c == '\\') {
        char e = line.charAt(at[0]++);
        switch (e) {
          case 'n' -> s.append('\n');
          case 't' -> s.append('\t');
          case 'u' -> {
            s.append((char) Integer.parseInt(line.substring(at[0], at[0] + 4), 16));
            at[0] += 4;
          }
          default -> s.append(e);
        }
      } else {
        s.append(c);
      }
    }
  }

  private static void expect(String line, int[] at, char c) {
    if (line.charAt(at[0]) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + at[0] + " in " + line);
    }
    at[0]++;
  }

  private static int skip(String line, int i) {
    while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
      i++;
    }
    return i;
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.append('"').toString();
  }
}
