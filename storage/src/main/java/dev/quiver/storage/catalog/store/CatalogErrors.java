package dev.quiver.storage.catalog.store;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.io.IOException;
import java.nio.file.Path;

/** The errors the catalog store reports about its files, worded alike for every file. */
final class CatalogErrors {
  private CatalogErrors() {}

  /** A file that fails a checksum or format check: it must never be read as data. */
  static QuiverException corrupt(Path file, String why) {
    return corrupt(file, why, null);
  }

  /** As {@link #corrupt(Path, String)}, keeping the error that revealed the damage. */
  static QuiverException corrupt(Path file, String why, Throwable cause) {
    return new QuiverException(
        ErrorCode.CORRUPT_FILE,
        "catalog file " + file + " is damaged: " + why + "; restore the database from a backup",
        cause);
  }

  /** A file that could not be read or written. */
  static QuiverException io(Path file, String doing, IOException e) {
    return new QuiverException(
        ErrorCode.IO_ERROR, "cannot " + doing + " catalog file " + file + ": " + e, e);
  }
}
