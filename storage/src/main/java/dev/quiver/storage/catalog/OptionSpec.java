package dev.quiver.storage.catalog;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;

/**
 * One option a table or index accepts in its {@code WITH (...)} clause: its name, default, and the
 * check that turns a user's value into the normalized text stored in the catalog.
 */
record OptionSpec(
    String name, String defaultValue, Kind kind, double min, double max, Set<String> choices) {

  /** The shape of an option's values. */
  enum Kind {
    INTEGER,
    NUMBER,
    BOOLEAN,
    CHOICE,
    NAME
  }

  static OptionSpec integer(String name, long defaultValue, long min, long max) {
    return new OptionSpec(name, Long.toString(defaultValue), Kind.INTEGER, min, max, Set.of());
  }

  static OptionSpec number(String name, double defaultValue, double min, double max) {
    return new OptionSpec(name, Double.toString(defaultValue), Kind.NUMBER, min, max, Set.of());
  }

  static OptionSpec bool(String name, boolean defaultValue) {
    return new OptionSpec(name, Boolean.toString(defaultValue), Kind.BOOLEAN, 0, 0, Set.of());
  }

  static OptionSpec choice(String name, String defaultValue, Set<String> choices) {
    return new OptionSpec(name, defaultValue, Kind.CHOICE, 0, 0, choices);
  }

  static OptionSpec columnName(String name) {
    return new OptionSpec(name, null, Kind.NAME, 0, 0, Set.of());
  }

  /** Checks a user's value and returns it in the form stored in the catalog. */
  String normalize(String owner, Object value) {
    String text = String.valueOf(value).trim();
    switch (kind) {
      case INTEGER -> {
        long v;
        try {
          // Through BigDecimal, so that 2.5 or a BigInteger beyond long is rejected, not truncated.
          v =
              value instanceof Number
                  ? new BigDecimal(text).longValueExact()
                  : Long.parseLong(text);
        } catch (NumberFormatException | ArithmeticException e) {
          throw invalid(owner, text, "a whole number");
        }
        if (v < min || v > max) {
          throw invalid(owner, text, "a whole number from " + (long) min + " to " + (long) max);
        }
        return Long.toString(v);
      }
      case NUMBER -> {
        double v;
        try {
          v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw invalid(owner, text, "a number");
        }
        if (!(v >= min && v <= max)) {
          throw invalid(owner, text, "a number from " + min + " to " + max);
        }
        return Double.toString(v);
      }
      case BOOLEAN -> {
        String v = text.toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
          throw invalid(owner, text, "true or false");
        }
        return v;
      }
      case CHOICE -> {
        String v = text.toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) {
          throw invalid(
              owner, text, "one of " + String.join(", ", choices.stream().sorted().toList()));
        }
        return v;
      }
      case NAME -> {
        if (text.isEmpty()) {
          throw invalid(owner, text, "a column name");
        }
        return text;
      }
      default -> throw new AssertionError(kind);
    }
  }

  private QuiverException invalid(String owner, String value, String expected) {
    return new QuiverException(
        ErrorCode.INVALID_OPTION,
        owner + " option " + name + " = '" + value + "' is invalid: expected " + expected);
  }
}
