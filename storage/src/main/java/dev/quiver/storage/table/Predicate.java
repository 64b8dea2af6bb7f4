package dev.quiver.storage.table;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A filter on a table's scalar columns, pushed down from SQL's WHERE clause into scans and vector
 * searches. Evaluation follows SQL's three-valued logic: {@link #evaluate} returns null for UNKNOWN
 * (a comparison with NULL), and a row passes only when the result is TRUE.
 *
 * <p>Comparison values are in the engine's representation of the column's type (see {@link
 * dev.quiver.storage.catalog.ColumnType}); numbers of different classes compare by value.
 */
public sealed interface Predicate {
  /** A predicate every row passes. */
  Predicate ALWAYS = new And(List.of());

  /** TRUE, FALSE, or null for UNKNOWN. */
  Boolean evaluate(Object[] row);

  /** Whether the row passes, i.e. the predicate is TRUE for it. */
  default boolean test(Object[] row) {
    return Boolean.TRUE.equals(evaluate(row));
  }

  /** The predicate as text with column names, for EXPLAIN and error messages. */
  String describe(List<String> columnNames);

  /**
   * A condition storage cannot express, evaluated by the caller's function on the row: the part of
   * a WHERE clause that SQL computes (an expression, a function call) while the rest is pushed.
   *
   * @param columns the columns the function reads; the others may be null in the row it gets
   * @param function TRUE, FALSE or null (UNKNOWN) for a row
   * @param description the condition as SQL text, for EXPLAIN
   */
  record Custom(int[] columns, Function<Object[], Boolean> function, String description)
      implements Predicate {
    @Override
    public Boolean evaluate(Object[] row) {
      return function.apply(row);
    }

    @Override
    public String describe(List<String> names) {
      return description;
    }
  }

  /** A comparison operator. */
  enum Op {
    EQ("="),
    NE("<>"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    boolean holds(int comparison) {
      return switch (this) {
        case EQ -> comparison == 0;
        case NE -> comparison != 0;
        case LT -> comparison < 0;
        case LE -> comparison <= 0;
        case GT -> comparison > 0;
        case GE -> comparison >= 0;
      };
    }
  }

  /** {@code column op value}. */
  record Compare(int column, Op op, Object value) implements Predicate {
    @Override
    public Boolean evaluate(Object[] row) {
      Object v = row[column];
      if (v == null || value == null) {
        return null;
      }
      return op.holds(Values.compare(v, value));
    }

    @Override
    public String describe(List<String> names) {
      return names.get(column) + " " + op.symbol + " " + Values.literal(value);
    }
  }

  /** {@code column IN (v1, v2, ...)}. */
  record In(int column, List<Object> values) implements Predicate {
    @Override
    public Boolean evaluate(Object[] row) {
      Object v = row[column];
      if (v == null) {
        return null;
      }
      boolean sawNull = false;
      for (Object candidate : values) {
        if (candidate == null) {
          sawNull = true;
        } else if (Values.compare(v, candidate) == 0) {
          return true;
        }
      }
      return sawNull ? null : false;
    }

    @Override
    public String describe(List<String> names) {
      return names.get(column)
          + " IN ("
          + values.stream().map(Values::literal).collect(Collectors.joining(", "))
          + ")";
    }
  }

  /** {@code column IS NULL}. */
  record IsNull(int column) implements Predicate {
    @Override
    public Boolean evaluate(Object[] row) {
      return row[column] == null;
    }

    @Override
    public String describe(List<String> names) {
      return names.get(column) + " IS NULL";
    }
  }

  /** {@code column LIKE pattern} with SQL's {@code %} and {@code _} wildcards and no escape. */
  record Like(int column, String pattern, Pattern regex) implements Predicate {
    public Like(int column, String pattern) {
      this(column, pattern, toRegex(pattern));
    }

    private static Pattern toRegex(String like) {
      StringBuilder sb = new StringBuilder();
      // By code point: quoting the two halves of a surrogate pair apart would never match it.
      for (int i = 0; i < like.length(); ) {
        int c = like.codePointAt(i);
        i += Character.charCount(c);
        switch (c) {
          case '%' -> sb.append(".*");
          case '_' -> sb.append('.');
          default -> sb.append(Pattern.quote(Character.toString(c)));
        }
      }
      return Pattern.compile(sb.toString(), Pattern.DOTALL);
    }

    @Override
    public Boolean evaluate(Object[] row) {
      Object v = row[column];
      return v == null ? null : regex.matcher(v.toString()).matches();
    }

    @Override
    public String describe(List<String> names) {
      return names.get(column) + " LIKE " + Values.literal(pattern);
    }
  }

  /** Conjunction; TRUE when empty. */
  record And(List<Predicate> operands) implements Predicate {
    public And {
      operands = List.copyOf(operands);
    }

    @Override
    public Boolean evaluate(Object[] row) {
      boolean unknown = false;
      for (Predicate p : operands) {
        Boolean r = p.evaluate(row);
        if (r == null) {
          unknown = true;
        } else if (!r) {
          return false;
        }
      }
      return unknown ? null : true;
    }

    @Override
    public String describe(List<String> names) {
      if (operands.isEmpty()) {
        return "TRUE";
      }
      return operands.stream()
          .map(p -> "(" + p.describe(names) + ")")
          .collect(Collectors.joining(" AND "));
    }
  }

  /** Disjunction; FALSE when empty. */
  record Or(List<Predicate> operands) implements Predicate {
    public Or {
      operands = List.copyOf(operands);
    }

    @Override
    public Boolean evaluate(Object[] row) {
      boolean unknown = false;
      for (Predicate p : operands) {
        Boolean r = p.evaluate(row);
        if (r == null) {
          unknown = true;
        } else if (r) {
          return true;
        }
      }
      return unknown ? null : false;
    }

    @Override
    public String describe(List<String> names) {
      return operands.stream()
          .map(p -> "(" + p.describe(names) + ")")
          .collect(Collectors.joining(" OR "));
    }
  }

  /** Negation; NOT UNKNOWN is UNKNOWN. */
  record Not(Predicate operand) implements Predicate {
    @Override
    public Boolean evaluate(Object[] row) {
      Boolean r = operand.evaluate(row);
      return r == null ? null : !r;
    }

    @Override
    public String describe(List<String> names) {
      return "NOT (" + operand.describe(names) + ")";
    }
  }
}
