package dev.quiver.storage.file;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The exclusive hold of one process on a database folder: an OS file lock on {@code LOCK} in the
 * folder, whose text names the holder (process id, host, since when) so a second process can say
 * who has it. The OS drops the lock when the process dies, so a crash never leaves it stale.
 */
public final class DatabaseLock {
  static final String FILE_NAME = "LOCK";

  private final FileChannel channel;
  private final FileLock lock;

  private DatabaseLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates the folder if needed and locks it.
   *
   * @throws QuiverException DATABASE_LOCKED naming the holder, or IO_ERROR
   */
  public static DatabaseLock acquire(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      Files.createDirectories(directory);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = readHolder(channel);
        channel.close();
        throw new QuiverException(
            ErrorCode.DATABASE_LOCKED,
            "database folder "
                + directory
                + " is in use by another process ("
                + holder
                + "); close that process, connect to it through 'quiver serve', or open a copy");
      }
      byte[] text = holderText().getBytes(StandardCharsets.UTF_8);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(text), 0);
      channel.force(true);
      return new DatabaseLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new QuiverException(
          ErrorCode.IO_ERROR, "cannot lock database folder " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Releases the folder. */
  public void release() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel below releases the lock in any case.
    }
    closeQuietly(channel);
  }

  private static String holderText() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "pid "
        + ProcessHandle.current().pid()
        + " on "
        + host
        + " since "
        + Instant.now()
        + " ("
        + ManagementFactory.getRuntimeMXBean().getName()
        + ")";
  }

  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(512);
    int n = channel.read(buffer, 0);
    if (n <= 0) {
      return "holder unknown";
    }
    return new String(buffer.array(), 0, n, StandardCharsets.UTF_8).trim();
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing more can be released.
      }
    }
  }
}
