package dev.quiver.storage.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A table on its own timeline, with helpers to write rows and read them back as text. */
final class TableFixture {
  final Timeline timeline = new Timeline(0);
  final Table table;

  private TableFixture(TableDef def) {
    this.table = new Table(def, timeline);
  }

  /** {@code docs (id BIGINT PRIMARY KEY, title VARCHAR, embedding VECTOR(3) NOT NULL)}. */
  static TableFixture docs() {
    return new TableFixture(
        new TableDef(
            "docs",
            List.of(
                ColumnDef.of("id", ColumnType.BIGINT, false),
                ColumnDef.of("title", ColumnType.VARCHAR, true),
                ColumnDef.vector("embedding", 3, false)),
            0,
            Options.table(Map.of())));
  }

  /** {@code notes (body VARCHAR, score INTEGER, embedding VECTOR(2))}, without a primary key. */
  static TableFixture notes() {
    return new TableFixture(
        new TableDef(
            "notes",
            List.of(
                ColumnDef.of("body", ColumnType.VARCHAR, true),
                ColumnDef.of("score", ColumnType.INTEGER, true),
                ColumnDef.vector("embedding", 2, true)),
            -1,
            Options.table(Map.of())));
  }

  static TableFixture of(TableDef def) {
    return new TableFixture(def);
  }

  static Object[] row(Object... values) {
    return values;
  }

  static float[] vec(float... components) {
    return components;
  }

  WriteResult insert(Object[]... rows) {
    WriteBatch batch = new WriteBatch();
    Arrays.stream(rows).forEach(batch::insert);
    return table.apply(batch);
  }

  Snapshot snapshot() {
    return timeline.snapshot();
  }

  /** The rows visible now, in scan order, as text. */
  String contents() {
    return contents(snapshot());
  }

  /** The rows visible at a snapshot, in scan order, as text. */
  String contents(Snapshot snapshot) {
    List<Object[]> rows = new ArrayList<>();
    for (Iterator<Object[]> it = table.scan(snapshot, Predicate.ALWAYS); it.hasNext(); ) {
      rows.add(it.next());
    }
    return text(rows);
  }

  static String text(List<Object[]> rows) {
    return Arrays.deepToString(rows.toArray());
  }

  void assertContents(Object[]... expected) {
    assertEquals(text(List.of(expected)), contents());
  }
}
