package dev.quiver.index.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quiver.index.segment.SegmentField.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SegmentReader#open(Path)}: the schema comes from the segment's commit data. */
class SegmentOpenWithRecordedSchemaTest {
  @TempDir Path tmp;

  private static final SegmentSchema ALL_KINDS =
      SegmentSchema.of(
          6,
          SegmentField.scalar("flag", Kind.BOOLEAN),
          SegmentField.scalar("i", Kind.INT),
          SegmentField.scalar("l", Kind.LONG),
          SegmentField.scalar("f", Kind.FLOAT),
          SegmentField.scalar("d", Kind.DOUBLE),
          SegmentField.scalar("price", Kind.DECIMAL),
          SegmentField.scalar("a name with spaces ü", Kind.STRING),
          SegmentField.vector("l2", 3, VectorMetric.L2),
          SegmentField.vector("cos v", 5, VectorMetric.COSINE),
          SegmentField.vector("ip", 1, VectorMetric.INNER_PRODUCT));

  private static final Object[] ALL_KINDS_ROW = {
    true,
    -7,
    Long.MAX_VALUE,
    1.5f,
    -2.25,
    new BigDecimal("10.50"),
    "key ü",
    new float[] {1, 2, 3},
    new float[] {0, 0, 0, 0, 1},
    new float[] {-4}
  };

  @Test
  void openWithoutASchemaReadsTheSchemaTheSegmentWasWrittenWith() throws IOException {
    Path dir = tmp.resolve("all");
    SegmentWriter.write(
        dir,
        ALL_KINDS,
        List.of(new SegmentRow(7, 8, ALL_KINDS_ROW)).iterator(),
        WriteOptions.defaults());
    try (SegmentReader reader = SegmentReader.open(dir)) {
      assertEquals(ALL_KINDS, reader.schema());
      Object[] row = reader.row(0);
      assertEquals(ALL_KINDS_ROW.length, row.length);
      for (int i = 0; i < row.length; i++) {
        if (row[i] instanceof float[] v) {
          assertArrayEquals((float[]) ALL_KINDS_ROW[i], v, "column " + i);
        } else {
          assertEquals(ALL_KINDS_ROW[i], row[i], "column " + i);
        }
      }
      // The key column is the recorded one, and its filter was loaded.
      assertEquals(0, reader.findKey("key ü"));
      assertEquals(-1, reader.findKey("other"));
      reader.checkIntegrity();
    }
  }

  @Test
  void schemasThatDifferOnlyInKeyOrVectorAttributesAreToldApart() throws IOException {
    SegmentField a = SegmentField.scalar("a", Kind.INT);
    SegmentField b = SegmentField.scalar("b", Kind.LONG);
    List<SegmentSchema> schemas =
        List.of(
            SegmentSchema.of(-1, a, b),
            SegmentSchema.of(0, a, b),
            SegmentSchema.of(1, a, b),
            SegmentSchema.of(-1, b, a),
            SegmentSchema.of(-1, a, SegmentField.vector("b", 2, VectorMetric.L2)),
            SegmentSchema.of(-1, a, SegmentField.vector("b", 2, VectorMetric.COSINE)),
            SegmentSchema.of(-1, a, SegmentField.vector("b", 3, VectorMetric.COSINE)));
    for (int s = 0; s < schemas.size(); s++) {
      SegmentSchema schema = schemas.get(s);
      Object[] values = new Object[2];
      for (int i = 0; i < 2; i++) {
        SegmentField field = schema.field(i);
        values[i] =
            switch (field.kind()) {
              case INT -> 1;
              case LONG -> 2L;
              default -> {
                float[] v = new float[field.dimension()];
                v[0] = 1;
                yield v;
              }
            };
      }
      Path dir = tmp.resolve("seg" + s);
      SegmentWriter.write(
          dir, schema, List.of(new SegmentRow(0, 0, values)).iterator(), WriteOptions.defaults());
      assertEquals(schema.hasKey(), Files.exists(dir.resolve(KeyFilter.FILE_NAME)));
      try (SegmentReader reader = SegmentReader.open(dir)) {
        assertEquals(schema, reader.schema(), "schema " + s);
        for (int other = 0; other < schemas.size(); other++) {
          if (other != s) {
            assertNotEquals(schemas.get(other), reader.schema(), "schema " + s + " vs " + other);
          }
        }
      }
    }
  }

  @Test
  void openWithoutASchemaOfAMissingFolderFailsWithoutCreatingIt() {
    Path dir = tmp.resolve("absent");
    assertThrows(NoSuchFileException.class, () -> SegmentReader.open(dir));
    assertFalse(Files.exists(dir));
  }
}
