package dev.quiver.index.segment;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.IndexWriter;

/**
 * The names and encodings shared by {@link SegmentWriter}, {@link SegmentReader} and {@link
 * SegmentQueries}; {@link SegmentWriter}'s javadoc describes the layout as a whole.
 */
final class SegmentLayout {
  /** Lucene field holding each row's id as a numeric doc value. */
  static final String ROW_ID = "_rowid";

  /** Lucene field holding each row's insert timestamp as a numeric doc value. */
  static final String INSERT_TS = "_ts";

  /** Version of the layout, stored in the commit so that a later layout can still read this one. */
  static final int FORMAT_VERSION = 1;

  /**
   * Longest string value in UTF-8 bytes: Lucene's limit for both an indexed term and a sorted doc
   * value.
   */
  static final int MAX_STRING_BYTES = IndexWriter.MAX_TERM_LENGTH;

  static final String KEY_FORMAT = "quiver.format";
  static final String KEY_FIELD_COUNT = "quiver.fields";
  static final String KEY_FIELD_PREFIX = "quiver.field.";
  static final String KEY_KEY_FIELD = "quiver.key";
  static final String KEY_MIN_TS = "quiver.min_ts";
  static final String KEY_MAX_TS = "quiver.max_ts";
  static final String KEY_GRAPHS = "quiver.graphs";
  static final String KEY_IVF = "quiver.ivf";
  static final String KEY_QUANTIZATION_PREFIX = "quiver.quantization.";

  private SegmentLayout() {}

  static boolean isReserved(String name) {
    return name.equals(ROW_ID) || name.equals(INSERT_TS);
  }

  /**
   * The indexed term of a decimal: the same for every scale of one number ({@code 1.5} and {@code
   * 1.50}), so that SQL equality is term equality.
   */
  static String decimalTerm(BigDecimal value) {
    return value.stripTrailingZeros().toString();
  }

  /** The commit user data describing a segment of {@code schema}. */
  static Map<String, String> commitData(
      SegmentSchema schema, long minTs, long maxTs, WriteOptions options) {
    Map<String, String> data = new HashMap<>();
    data.put(KEY_FORMAT, Integer.toString(FORMAT_VERSION));
    data.put(KEY_FIELD_COUNT, Integer.toString(schema.size()));
    for (int i = 0; i < schema.size(); i++) {
      data.put(KEY_FIELD_PREFIX + i, describe(schema.field(i)));
    }
    data.put(KEY_KEY_FIELD, Integer.toString(schema.keyField()));
    data.put(KEY_MIN_TS, Long.toString(minTs));
    data.put(KEY_MAX_TS, Long.toString(maxTs));
    List<String> graphs = new ArrayList<>();
    for (int i = 0; i < schema.size(); i++) {
      SegmentField field = schema.field(i);
      if (field.kind() == SegmentField.Kind.VECTOR && options.hasGraph(field.name())) {
        graphs.add(Integer.toString(i));
        data.put(KEY_QUANTIZATION_PREFIX + i, options.hnsw(field.name()).quantization().name());
      }
    }
    data.put(KEY_GRAPHS, String.join(",", graphs));
    List<String> ivf = new ArrayList<>();
    for (int i = 0; i < schema.size(); i++) {
      if (options.ivfListsByField().containsKey(schema.field(i).name())) {
        ivf.add(Integer.toString(i));
      }
    }
    data.put(KEY_IVF, String.join(",", ivf));
    return data;
  }

  /** The positions of the vector fields with an IVF_FLAT index. */
  static Set<Integer> ivfFields(Map<String, String> data) {
    Set<Integer> result = new HashSet<>();
    String ivf = data.get(KEY_IVF);
    if (ivf != null) {
      for (String position : ivf.split(",")) {
        if (!position.isEmpty()) {
          result.add(Integer.parseInt(position));
        }
      }
    }
    return result;
  }

  /** The quantization of the graph of vector field {@code position} (NONE when not recorded). */
  static WriteOptions.Quantization quantization(Map<String, String> data, int position) {
    String name = data.get(KEY_QUANTIZATION_PREFIX + position);
    return name == null ? WriteOptions.Quantization.NONE : WriteOptions.Quantization.valueOf(name);
  }

  /**
   * The positions of the vector fields written with an HNSW graph. A segment written before this
   * was recorded built a graph for every vector field.
   */
  static Set<Integer> graphFields(Map<String, String> data, SegmentSchema schema) {
    String graphs = data.get(KEY_GRAPHS);
    Set<Integer> result = new HashSet<>();
    if (graphs == null) {
      for (int i = 0; i < schema.size(); i++) {
        if (schema.field(i).kind() == SegmentField.Kind.VECTOR) {
          result.add(i);
        }
      }
      return result;
    }
    for (String position : graphs.split(",")) {
      if (!position.isEmpty()) {
        result.add(Integer.parseInt(position));
      }
    }
    return result;
  }

  /**
   * One field as {@code KIND name} or {@code VECTOR dimension METRIC name}: the name comes last so
   * that it may contain any character.
   */
  private static String describe(SegmentField field) {
    return field.kind() == SegmentField.Kind.VECTOR
        ? "VECTOR " + field.dimension() + " " + field.metric() + " " + field.name()
        : field.kind() + " " + field.name();
  }

  /**
   * The schema recorded in a commit's user data.
   *
   * @throws IllegalArgumentException saying what is missing or malformed
   */
  static SegmentSchema schemaOf(Map<String, String> data) {
    int version = Integer.parseInt(required(data, KEY_FORMAT));
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "layout version " + version + " is not supported (expected " + FORMAT_VERSION + ")");
    }
    int count = Integer.parseInt(required(data, KEY_FIELD_COUNT));
    List<SegmentField> fields = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String description = required(data, KEY_FIELD_PREFIX + i);
      try {
        fields.add(parse(description));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            KEY_FIELD_PREFIX + i + " is malformed: '" + description + "'", e);
      }
    }
    return new SegmentSchema(fields, Integer.parseInt(required(data, KEY_KEY_FIELD)));
  }

  /**
   * A number from a commit's user data; throws IllegalArgumentException if missing or malformed.
   */
  static long longOf(Map<String, String> data, String key) {
    return Long.parseLong(required(data, key));
  }

  private static SegmentField parse(String description) {
    String[] parts = description.split(" ", 2);
    SegmentField.Kind kind = SegmentField.Kind.valueOf(parts[0]);
    if (kind != SegmentField.Kind.VECTOR) {
      return SegmentField.scalar(parts[1], kind);
    }
    String[] vector = parts[1].split(" ", 3);
    return SegmentField.vector(
        vector[2], Integer.parseInt(vector[0]), VectorMetric.valueOf(vector[1]));
  }

  private static String required(Map<String, String> data, String key) {
    String value = data.get(key);
    if (value == null) {
      throw new IllegalArgumentException("commit data has no " + key);
    }
    return value;
  }
}
