package dev.quiver.storage.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The set of file operations through which Quiver's writers touch the disk: opening channels,
 * listing, deleting and renaming files, and forcing folders.
 *
 * <p>Writers take a layer instead of calling {@link Files} so that tests can substitute one that
 * counts forces, fails them on demand or simulates power loss by dropping what was never forced
 * (the test sources' {@code FaultInjectingFileLayer}). Everything a crash-safe writer relies on
 * must therefore go through it: a write outside the layer is invisible to the simulated crash.
 */
public interface FileLayer {
  /** The real file system. */
  FileLayer DEFAULT = new FileLayer() {};

  /** Opens a channel on a file, as {@link FileChannel#open(Path, OpenOption...)} does. */
  default FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, options);
  }

  /** Creates a folder and its missing parents; nothing happens if it exists. */
  default void createDirectories(Path directory) throws IOException {
    Files.createDirectories(directory);
  }

  /** The entries of a folder, in no particular order. */
  default List<Path> list(Path directory) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path entry : stream) {
        entries.add(entry);
      }
    }
    return entries;
  }

  /** Deletes a file; nothing happens if it does not exist. */
  default void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  /**
   * Renames a file atomically, replacing the target: after a crash either the old or the new name
   * exists, once the folder has been forced.
   */
  default void atomicMove(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The size of a file in bytes. */
  default long size(Path file) throws IOException {
    return Files.size(file);
  }

  /**
   * Forces a folder's entries to disk, so that files created, renamed or deleted in it stay so
   * after a power loss; forcing a file's channel persists its content but not its name.
   */
  default void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
