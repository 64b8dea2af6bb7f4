package dev.quiver.index.segment;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An error saying that a segment folder is damaged: a file's checksum does not match, a file is
 * missing or truncated, or the folder is not a well-formed segment.
 */
public class CorruptSegmentException extends IOException {
  private final Path directory;
  private final String file;

  /**
   * Creates the error for {@code file} (null when no single file is to blame) in segment folder
   * {@code directory}.
   */
  public CorruptSegmentException(Path directory, String file, String detail, Throwable cause) {
    super(
        "segment "
            + directory
            + (file == null ? "" : ": file " + file)
            + " is corrupt: "
            + detail
            + "; restore the segment folder from a backup",
        cause);
    this.directory = directory;
    this.file = file;
  }

  /** The segment folder. */
  public Path directory() {
    return directory;
  }

  /** The damaged file's name within the folder, or null when no single file is to blame. */
  public String file() {
    return file;
  }
}
