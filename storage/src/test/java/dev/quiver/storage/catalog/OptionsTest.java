package dev.quiver.storage.catalog;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.quiver.storage.ErrorCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tests of {@link Options}: table and index options checked, normalized and defaulted. */
class OptionsTest {

  @Test
  void tableOptionsDefaultWhenNotGiven() {
    Map<String, String> options = Options.table(Map.of());

    assertEquals("100000", options.get("segment_max_rows"));
    assertEquals("536870912", options.get("segment_max_bytes"));
    assertEquals("session", options.get("consistency_level"));
    assertEquals("5000", options.get("bounded_staleness_ms"));
    assertEquals("3600", options.get("time_travel_retention_s"));
    assertEquals("true", options.get("auto_compaction"));
    assertEquals("0.2", options.get("deleted_ratio_threshold"));
    assertEquals("10", options.get("compaction_min_segments"));
    assertEquals("16", options.get("partition_count"));
    assertFalse(options.containsKey("cluster_by"));
    assertFalse(options.containsKey("partition_key"));
  }

  @Test
  void tableOptionsAreNormalizedWithCaseInsensitiveKeys() {
    Map<String, String> options =
        Options.table(
            Map.of(
                "SEGMENT_MAX_ROWS", 5000,
                "Consistency_Level", "BOUNDED",
                "auto_compaction", false,
                "deleted_ratio_threshold", "0.5",
                "cluster_by", " published "));

    assertEquals("5000", options.get("segment_max_rows"));
    assertEquals("bounded", options.get("consistency_level"));
    assertEquals("false", options.get("auto_compaction"));
    assertEquals("0.5", options.get("deleted_ratio_threshold"));
    assertEquals("published", options.get("cluster_by"));
    assertFalse(options.containsKey("SEGMENT_MAX_ROWS"));
  }

  @Test
  void wholeNumbersArriveAsAnyIntegralType() {
    assertEquals("7", Options.table(Map.of("segment_max_rows", "7")).get("segment_max_rows"));
    assertEquals("7", Options.table(Map.of("segment_max_rows", 7L)).get("segment_max_rows"));
    assertEquals(
        "7",
        Options.table(Map.of("segment_max_rows", new BigDecimal("7"))).get("segment_max_rows"));
    assertEquals("7", Options.table(Map.of("segment_max_rows", 7.0)).get("segment_max_rows"));
  }

  @Test
  void unknownTableOptionFailsListingTheKnownOnes() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("segment_max_row", 10)),
        "unknown table option 'segment_max_row'",
        "segment_max_rows",
        "consistency_level",
        "cluster_by");
  }

  @Test
  void tableChangesNormalizeValuesAndNames() {
    OptionChanges changes =
        Options.tableChanges(
            "docs",
            Map.of("Consistency_Level", "STRONG", "segment_max_rows", new BigDecimal("7")),
            List.of("AUTO_COMPACTION"));

    assertEquals(Map.of("consistency_level", "strong", "segment_max_rows", "7"), changes.set());
    assertEquals(Set.of("auto_compaction"), changes.reset());
  }

  @Test
  void tableChangesRefuseUnknownFixedDoubledAndMissingOptions() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.tableChanges("docs", Map.of(), List.of("segment_max_row")),
        "unknown table option 'segment_max_row'",
        "segment_max_rows");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.tableChanges("docs", Map.of("segment_max_rows", -1), List.of()),
        "segment_max_rows = '-1'");
    assertFails(
        ErrorCode.UNSUPPORTED,
        () -> Options.tableChanges("docs", Map.of("PARTITION_KEY", "tenant"), List.of()),
        "table docs: option partition_key cannot be changed after the table is created");
    assertFails(
        ErrorCode.UNSUPPORTED,
        () -> Options.tableChanges("docs", Map.of(), List.of("partition_count")),
        "option partition_count cannot be changed");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.tableChanges("docs", Map.of("m", 1), List.of("m")),
        "unknown table option 'm'");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.tableChanges("docs", Map.of("cluster_by", "a"), List.of("cluster_by")),
        "option cluster_by is both set and reset");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.tableChanges("docs", Map.of(), List.of()),
        "ALTER TABLE docs names no option; known options: segment_max_rows");
  }

  @Test
  void outOfRangeValuesFailNamingOptionValueAndRange() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("segment_max_rows", 0)),
        "segment_max_rows = '0'",
        "from 1 to 2147483647");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("deleted_ratio_threshold", 1.5)),
        "deleted_ratio_threshold = '1.5'",
        "from 0.01 to 1.0");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("partition_count", 5000)),
        "partition_count = '5000'");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () ->
            Options.table(
                Map.of("full_compaction_interval_s", new BigInteger("18446744073709551616"))),
        "'18446744073709551616'");
  }

  @Test
  void valuesOfTheWrongKindFail() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("segment_max_rows", "many")),
        "'many'",
        "whole number");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("auto_compaction", "yes")),
        "'yes'",
        "true or false");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("auto_compaction", 1)),
        "'1'",
        "true or false");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("deleted_ratio_threshold", "high")),
        "'high'",
        "a number");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("deleted_ratio_threshold", "NaN")),
        "'NaN'");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.table(Map.of("consistency_level", "linearizable")),
        "'linearizable'",
        "one of bounded, eventually, session, strong");
    assertFails(
        ErrorCode.INVALID_OPTION, () -> Options.table(Map.of("cluster_by", " ")), "a column name");
  }

  @Test
  void fractionalValueForWholeNumberOptionFailsWhateverItsClass() {
    for (Object value : new Object[] {"2.5", 2.5, 2.5f, new BigDecimal("2.5")}) {
      assertFails(
          ErrorCode.INVALID_OPTION,
          () -> Options.index(IndexMethod.HNSW, Map.of("m", value)),
          "index HNSW option m = '2.5'",
          "whole number");
    }
  }

  @Test
  void hnswOptionsDefaultAndNormalize() {
    assertEquals(
        Map.of(
            "metric",
            "l2",
            "m",
            "16",
            "ef_construction",
            "100",
            "ef_search",
            "100",
            "quantization",
            "none"),
        Options.index(IndexMethod.HNSW, Map.of()));
    Map<String, String> given =
        Options.index(
            IndexMethod.HNSW, Map.of("METRIC", "Cosine", "m", 32, "quantization", "INT8"));
    assertEquals("cosine", given.get("metric"));
    assertEquals("32", given.get("m"));
    assertEquals("int8", given.get("quantization"));
  }

  @Test
  void ivfFlatAndFlatOptionsDefault() {
    assertEquals(
        Map.of("metric", "l2", "nlist", "1024", "nprobe", "16"),
        Options.index(IndexMethod.IVF_FLAT, Map.of()));
    assertEquals(Map.of("metric", "ip"), Options.index(IndexMethod.FLAT, Map.of("metric", "ip")));
  }

  @Test
  void optionOfAnotherIndexMethodIsUnknown() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.index(IndexMethod.HNSW, Map.of("nlist", 10)),
        "unknown index HNSW option 'nlist'",
        "metric, m, ef_construction, ef_search, quantization");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.index(IndexMethod.FLAT, Map.of("m", 16)),
        "unknown index FLAT option 'm'",
        "known options: metric");
  }

  @Test
  void indexOptionOutOfRangeOrUnknownChoiceFails() {
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.index(IndexMethod.HNSW, Map.of("m", 1)),
        "m = '1'",
        "2 to 512");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.index(IndexMethod.IVF_FLAT, Map.of("nlist", 0)),
        "nlist = '0'",
        "1 to 65536");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.index(IndexMethod.HNSW, Map.of("quantization", "int2")),
        "'int2'",
        "binary, int4, int8, none");
    assertFails(
        ErrorCode.INVALID_OPTION,
        () -> Options.index(IndexMethod.FLAT, Map.of("metric", "hamming")),
        "metric = 'hamming'");
  }
}
