package dev.quiver.storage.catalog;

import static dev.quiver.storage.QuiverAssertions.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.storage.ErrorCode;
import org.junit.jupiter.api.Test;

/** Tests of {@link IndexMethod#fromName}. */
class IndexMethodTest {

  @Test
  void methodNamesParseInAnyCase() {
    assertEquals(IndexMethod.HNSW, IndexMethod.fromName("hnsw"));
    assertEquals(IndexMethod.IVF_FLAT, IndexMethod.fromName(" Ivf_Flat "));
    assertEquals(IndexMethod.FLAT, IndexMethod.fromName("FLAT"));
  }

  @Test
  void unknownMethodFailsListingTheKnownOnes() {
    assertFails(
        ErrorCode.INVALID_DEFINITION,
        () -> IndexMethod.fromName("ivfflat"),
        "'ivfflat'",
        "HNSW, IVF_FLAT, FLAT");
    assertFails(ErrorCode.INVALID_DEFINITION, () -> IndexMethod.fromName(""), "''");
  }
}
