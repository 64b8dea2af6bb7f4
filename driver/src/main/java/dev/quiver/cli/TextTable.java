package dev.quiver.cli;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A query result turned into text cells, printable as a small aligned table in the style of sqlline
 * and psql.
 *
 * @param columns column labels, as the driver reports them
 * @param rows cell texts, one list per row, in result order
 * @param rightAligned per column, whether it holds numbers (aligned right when rendered)
 */
public record TextTable(List<String> columns, List<List<String>> rows, List<Boolean> rightAligned) {

  private static final int VECTOR_VALUES_SHOWN = 3;

  /** Reads every remaining row of a result set. */
  public static TextTable read(ResultSet resultSet) throws SQLException {
    ResultSetMetaData meta = resultSet.getMetaData();
    int count = meta.getColumnCount();
    List<String> columns = new ArrayList<>(count);
    List<Boolean> numeric = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      columns.add(meta.getColumnLabel(i));
      numeric.add(isNumeric(meta.getColumnType(i)));
    }
    List<List<String>> rows = new ArrayList<>();
    while (resultSet.next()) {
      List<String> row = new ArrayList<>(count);
      for (int i = 1; i <= count; i++) {
        row.add(format(resultSet.getObject(i)));
      }
      rows.add(List.copyOf(row));
    }
    return new TextTable(List.copyOf(columns), List.copyOf(rows), List.copyOf(numeric));
  }

  /** Returns the cells of one column, top to bottom. */
  public List<String> column(String label) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).equalsIgnoreCase(label)) {
        int column = i;
        return rows.stream().map(row -> row.get(column)).toList();
      }
    }
    throw new IllegalArgumentException("no column " + label + " in " + columns);
  }

  /** Returns the table as lines of text, ending with a row count line and a line break. */
  public String render() {
    int[] widths = new int[columns.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = columns.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    appendRule(text, widths);
    appendRow(text, widths, columns, false);
    appendRule(text, widths);
    for (List<String> row : rows) {
      appendRow(text, widths, row, true);
    }
    appendRule(text, widths);
    text.append('(').append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
    return text.toString();
  }

  private void appendRule(StringBuilder text, int[] widths) {
    for (int width : widths) {
      text.append('+').append("-".repeat(width + 2));
    }
    text.append("+\n");
  }

  private void appendRow(StringBuilder text, int[] widths, List<String> cells, boolean align) {
    for (int i = 0; i < widths.length; i++) {
      String cell = cells.get(i);
      String padding = " ".repeat(widths[i] - cell.length());
      text.append("| ");
      if (align && rightAligned.get(i)) {
        text.append(padding).append(cell);
      } else {
        text.append(cell).append(padding);
      }
      text.append(' ');
    }
    text.append("|\n");
  }

  private static boolean isNumeric(int sqlType) {
    return switch (sqlType) {
      case Types.TINYINT,
          Types.SMALLINT,
          Types.INTEGER,
          Types.BIGINT,
          Types.REAL,
          Types.FLOAT,
          Types.DOUBLE,
          Types.DECIMAL,
          Types.NUMERIC ->
          true;
      default -> false;
    };
  }

  private static String format(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof Double || value instanceof Float) {
      return String.format(Locale.ROOT, "%.4f", ((Number) value).doubleValue());
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof float[] vector) {
      return formatVector(vector);
    }
    return value.toString();
  }

  private static String formatVector(float[] vector) {
    StringBuilder text = new StringBuilder("[");
    int shown = Math.min(vector.length, VECTOR_VALUES_SHOWN);
    for (int i = 0; i < shown; i++) {
      text.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", vector[i]));
    }
    if (vector.length > shown) {
      text.append(", ... ").append(vector.length - shown).append(" more");
    }
    return text.append(']').toString();
  }
}
