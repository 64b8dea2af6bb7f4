package dev.quiver.index.segment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random rows and vectors for segment tests, from a seed each test prints. */
final class TestRows {
  private TestRows() {}

  /** A seed from {@code -Dtests.seed} or the clock, printed so that a failure can be replayed. */
  static long seed(String test) {
    String fixed = System.getProperty("tests.seed");
    long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    System.out.println(test + " seed=" + seed + " (rerun with -Dtests.seed=" + seed + ")");
    return seed;
  }

  static float[] gaussian(Random random, int dimension) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /**
   * Rows with ids {@code 1000+i}, timestamps {@code 10+i}, and one vector column of {@code
   * dimension} at position 1 after a LONG key at position 0; every {@code nullEvery}-th vector is
   * null (0 for none).
   */
  static List<SegmentRow> vectorRows(Random random, int count, int dimension, int nullEvery) {
    List<SegmentRow> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      float[] v =
          nullEvery > 0 && i % nullEvery == nullEvery - 1 ? null : gaussian(random, dimension);
      rows.add(new SegmentRow(1000 + i, 10 + i, new Object[] {(long) i, v}));
    }
    return rows;
  }

  /**
   * Writes {@code values} as a segment in {@code dir}, row i with row id i and insert timestamp
   * {@code firstTs + i}, and opens it.
   */
  static SegmentReader writeAndOpen(Path dir, SegmentSchema schema, Object[][] values, long firstTs)
      throws IOException {
    List<SegmentRow> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(new SegmentRow(i, firstTs + i, values[i]));
    }
    SegmentWriter.write(dir, schema, rows.iterator(), WriteOptions.defaults());
    return SegmentReader.open(dir, schema);
  }

  static SegmentSchema vectorSchema(int dimension, VectorMetric metric) {
    return SegmentSchema.of(
        0,
        SegmentField.scalar("id", SegmentField.Kind.LONG),
        SegmentField.vector("v", dimension, metric));
  }
}
