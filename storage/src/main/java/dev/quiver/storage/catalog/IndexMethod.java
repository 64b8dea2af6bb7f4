package dev.quiver.storage.catalog;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A kind of vector index, as named after {@code USING} in CREATE INDEX. */
public enum IndexMethod {
  HNSW,
  IVF_FLAT,
  FLAT;

  /** Parses a method name in any case. */
  public static IndexMethod fromName(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new QuiverException(
          ErrorCode.INVALID_DEFINITION,
          "unknown index method '"
              + name
              + "'; use one of "
              + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
  }
}
