package dev.quiver.storage.catalog.store;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static dev.quiver.storage.catalog.store.CatalogFixtures.index;
import static dev.quiver.storage.catalog.store.CatalogFixtures.segment;
import static dev.quiver.storage.catalog.store.CatalogFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.catalog.ColumnDef;
import dev.quiver.storage.catalog.ColumnType;
import dev.quiver.storage.catalog.IndexDef;
import dev.quiver.storage.catalog.IndexMethod;
import dev.quiver.storage.catalog.Metric;
import dev.quiver.storage.catalog.Options;
import dev.quiver.storage.catalog.TableDef;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Tests of {@link CatalogCodec}: values round-trip, and damaged or unknown ones are reported. */
class CatalogCodecTest {
  private static final Path FILE = Path.of("/data/db/catalog.db");

  @Test
  void tableWithEveryColumnTypeRoundTrips() {
    List<ColumnDef> columns = new ArrayList<>();
    for (ColumnType type : ColumnType.values()) {
      columns.add(
          type == ColumnType.VECTOR
              ? ColumnDef.vector("c_vector", 384, false)
              : new ColumnDef("c_" + type.name().toLowerCase(), type, 0, 12, 3, true));
    }
    columns.add(ColumnDef.of("naïve 名前", ColumnType.VARCHAR, true));
    TableDef table =
        new TableDef(
            "docs",
            columns,
            2,
            Options.table(Map.of("cluster_by", "c_varchar", "auto_compaction", false)));

    assertEquals(table, CatalogCodec.decodeTable(CatalogCodec.encodeTable(table), FILE, "t"));
    TableDef keyless = new TableDef("logs", List.of(ColumnDef.vector("v", 3, true)), -1, Map.of());
    assertEquals(keyless, CatalogCodec.decodeTable(CatalogCodec.encodeTable(keyless), FILE, "t"));
  }

  @Test
  void indexRoundTrips() {
    for (IndexMethod method : IndexMethod.values()) {
      IndexDef index =
          new IndexDef(
              "i",
              "docs",
              "embedding",
              method,
              Metric.INNER_PRODUCT,
              Options.index(method, Map.of("metric", "ip")));
      assertEquals(index, CatalogCodec.decodeIndex(CatalogCodec.encodeIndex(index), FILE, "i"));
    }
    IndexDef fixture = index("docs_idx", "docs");
    assertEquals(fixture, CatalogCodec.decodeIndex(CatalogCodec.encodeIndex(fixture), FILE, "i"));
  }

  @Test
  void segmentInEveryStateRoundTripsWithAndWithoutIndexFields() {
    for (SegmentState state : SegmentState.values()) {
      SegmentMeta segment = segment(7, "docs", state);
      assertEquals(
          segment, CatalogCodec.decodeSegment(CatalogCodec.encodeSegment(segment), FILE, "s"));
    }
    SegmentMeta extremes =
        new SegmentMeta(
            Long.MAX_VALUE,
            "",
            SegmentState.FLUSHED,
            0,
            0,
            0,
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            0,
            0,
            "",
            null);
    assertEquals(
        extremes, CatalogCodec.decodeSegment(CatalogCodec.encodeSegment(extremes), FILE, "s"));
  }

  @Test
  void valueStartsWithItsFormatVersion() {
    assertEquals(CatalogCodec.VERSION, CatalogCodec.encodeTable(table("docs"))[0]);
    assertEquals(CatalogCodec.VERSION, CatalogCodec.encodeIndex(index("i", "docs"))[0]);
    assertEquals(
        CatalogCodec.VERSION, CatalogCodec.encodeSegment(segment(1, "d", SegmentState.GROWING))[0]);
  }

  @Test
  void unknownVersionFailsWithCorruptFileNamingFileAndEntry() {
    byte[] value = CatalogCodec.encodeSegment(segment(1, "docs", SegmentState.FLUSHED));
    value[0] = 9;

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> CatalogCodec.decodeSegment(withCrc(value), FILE, "segment 1"),
        FILE.toString(),
        "segment 1",
        "version 9",
        "reads version 1",
        "restore the database from a backup");
  }

  @Test
  void flippedBitFailsItsChecksum() {
    byte[] value = CatalogCodec.encodeTable(table("docs"));
    for (int i = 1; i < value.length; i++) {
      byte[] damaged = value.clone();
      damaged[i] ^= 0x10;
      assertFails(
          ErrorCode.CORRUPT_FILE,
          () -> CatalogCodec.decodeTable(damaged, FILE, "table 'docs'"),
          FILE.toString(),
          "table 'docs'");
    }
  }

  @Test
  void valueOfAnotherKindFails() {
    byte[] index = CatalogCodec.encodeIndex(index("i", "docs"));

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> CatalogCodec.decodeTable(index, FILE, "table 'i'"),
        "kind 'I', not 'T'");
  }

  @Test
  void unreadableContentWithAValidChecksumFails() {
    byte[] value = CatalogCodec.encodeSegment(segment(1, "docs", SegmentState.FLUSHED));
    byte[] trailing = Arrays.copyOf(value, value.length + 1);
    byte[] truncated = Arrays.copyOf(value, value.length - 5);
    byte[] badState = CatalogCodec.encodeSegment(segment(1, "docs", SegmentState.FLUSHED));
    int state = indexOf(badState, "FLUSHED");
    badState[state] = 'X';

    for (byte[] damaged : List.of(trailing, truncated, badState)) {
      assertFails(
          ErrorCode.CORRUPT_FILE,
          () -> CatalogCodec.decodeSegment(withCrc(damaged), FILE, "segment 1"),
          "segment 1 cannot be decoded");
    }
  }

  @Test
  void definitionTheCatalogRejectsFails() {
    TableDef table =
        new TableDef("t", List.of(ColumnDef.of("id", ColumnType.BIGINT, false)), 0, Map.of());
    byte[] value = CatalogCodec.encodeTable(table);
    int pk = value.length - 4 - 4 - 4;
    ByteBuffer.wrap(value).putInt(pk, 5);

    assertFails(
        ErrorCode.CORRUPT_FILE,
        () -> CatalogCodec.decodeTable(withCrc(value), FILE, "table 't'"),
        "table 't' cannot be decoded",
        "primary key position 5");
  }

  /** The value with its CRC recomputed, so only the content is wrong. */
  private static byte[] withCrc(byte[] value) {
    byte[] copy = value.clone();
    CRC32C crc = new CRC32C();
    crc.update(copy, 0, copy.length - 4);
    ByteBuffer.wrap(copy).putInt(copy.length - 4, (int) crc.getValue());
    return copy;
  }

  private static int indexOf(byte[] bytes, String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError(text);
  }
}
