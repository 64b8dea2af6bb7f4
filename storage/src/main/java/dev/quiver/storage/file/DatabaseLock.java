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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive hold of one process on a database folder: an OS file lock on {@code LOCK} in the
 * folder, whose text names the holder (process id, host, since when) so a second process can say
 * who has it. The OS drops the lock when the process dies, so a crash never leaves it stale.
 *
 * <p>Within one JVM the folders held are also kept in a registry that is checked before {@code
 * LOCK} is opened: on POSIX systems closing any descriptor of a file drops every lock the process
 * holds on it, so a refused second open in the same process must never open (and close) the file.
 */
public final class DatabaseLock {
  static final String FILE_NAME = "LOCK";

  /** The LOCK files this JVM holds, by real path, with the holder text written in each. */
  private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

  private final Path key;
  private final String holder;
  private final FileChannel channel;
  private final FileLock lock;

  private DatabaseLock(Path key, String holder, FileChannel channel, FileLock lock) {
    this.key = key;
    this.holder = holder;
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
    Path key = null;
    boolean acquired = false;
    try {
      Files.createDirectories(directory);
      Path real = directory.toRealPath().resolve(FILE_NAME);
      String holder = holderText();
      String current = HELD.putIfAbsent(real, holder);
      if (current != null) {
        throw new QuiverException(
            ErrorCode.DATABASE_LOCKED,
            "database folder "
                + directory
                + " is already open in this process ("
                + current
                + "); share that engine (Engines.file) or close it first");
      }
      key = real;
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
        throw new QuiverException(
            ErrorCode.DATABASE_LOCKED,
            "database folder "
                + directory
                + " is in use by another process ("
                + readHolder(channel)
                + "); close that process, connect to it through 'quiver serve', or open a copy");
      }
      byte[] text = holder.getBytes(StandardCharsets.UTF_8);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(text), 0);
      channel.force(true);
      acquired = true;
      return new DatabaseLock(key, holder, channel, lock);
    } catch (IOException e) {
      throw new QuiverException(
          ErrorCode.IO_ERROR,
          "cannot lock database folder " + directory + ": " + e.getMessage(),
          e);
    } finally {
      if (!acquired) {
        closeQuietly(channel);
        if (key != null) {
          HELD.remove(key);
        }
      }
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
    HELD.remove(key, holder);
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
