package dev.quiver.storage.wal;

import dev.quiver.storage.ErrorCode;
import dev.quiver.storage.QuiverException;
import dev.quiver.storage.file.FileLayer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The write-ahead log: a folder of append-only files holding every committed write batch, as an
 * opaque payload with its commit timestamp, until a checkpoint covers it.
 *
 * <p>Files are named {@code wal-<sequence>.log}, the sequence a 20-digit zero-padded number that
 * grows by one per file. Every number is big-endian, every checksum a CRC-32C:
 *
 * <pre>
 * file header, 24 bytes
 *   0   8 bytes  magic "QVRWAL01" (ASCII)
 *   8   int      format version, 1
 *   12  long     the file's sequence, equal to the one in its name
 *   20  int      CRC-32C of bytes 0 to 19
 * records, from byte 24 to the end of the file, each 16 + n bytes
 *   +0  int      payload length n, 0 or more
 *   +4  int      CRC-32C of bytes +8 to +16+n: the timestamp, then the payload
 *   +8  long     timestamp, greater than the previous record's, in this file or the one before
 *   +16 n bytes  payload
 * </pre>
 *
 * <p>There is no footer: a file ends where its last record ends, and a writer appends to the last
 * file until it holds {@code rollBytes}, then starts the next. A file is created under a temporary
 * name ({@code .tmp}), its header forced to disk, then renamed and the folder forced, so a file
 * with the log's name always has a whole header; leftover temporary files are deleted at open.
 * Before the next file is created the full one is forced, also with {@link Sync#NONE}, so after a
 * power loss only the last file can end in a torn record.
 *
 * <p>Recovery ({@link #replay}) therefore reads a damaged record at the end of the last file, with
 * no valid record after it, as the torn tail of an interrupted write: it truncates the file there
 * and logs a warning. Any other damage (a bad header, a missing file, a damaged record with valid
 * data after it or in an earlier file, a timestamp that does not increase) is CORRUPT_FILE naming
 * the file and byte offset; nothing is ever skipped silently.
 *
 * <p>Durability is by group commit: {@link #append} writes a record to the operating system and
 * returns a token, {@link #awaitDurable} blocks until a force covers it. The first waiter that
 * finds its record not yet forced leads: it forces the file outside the lock, for every record
 * written so far, while later waiters queue on a condition, and wakes them when it is done. So one
 * force serves every batch that arrived during the previous one. A failed force poisons the log:
 * the kernel may already have dropped the dirty pages, so a retry that succeeds proves nothing
 * (PostgreSQL's "fsyncgate"), and every later call fails with IO_ERROR until the engine reopens and
 * recovers from what is on disk. A file channel closes itself when a thread is interrupted in it,
 * so calls clear the interrupt flag while they work and restore it after; an interrupt that arrives
 * during a write or force still closes the channel and poisons the log.
 */
public final class WriteAheadLog implements AutoCloseable {
  /** The durability promise of {@link #awaitDurable}. */
  public enum Sync {
    /** {@link #awaitDurable} returns once a force covers the record; commits share forces. */
    COMMIT,
    /**
     * Records are handed to the operating system at append and forced only when a file is full and
     * at close: a process crash loses nothing, a power loss can lose the latest records.
     */
    NONE
  }

  /** The receiver of replayed records. */
  @FunctionalInterface
  public interface RecordConsumer {
    /**
     * Takes one record.
     *
     * @param payload a new array the consumer may keep
     */
    void accept(long timestamp, byte[] payload);
  }

  /**
   * One log file as {@code sys.wal} shows it.
   *
   * @param firstTimestamp the first record's timestamp, -1 if the file holds none
   * @param lastTimestamp the last record's timestamp, -1 if the file holds none
   */
  public record FileInfo(String name, long firstTimestamp, long lastTimestamp, long sizeBytes) {}

  /** The size at which the log starts a new file unless told otherwise. */
  public static final long DEFAULT_ROLL_BYTES = 64L << 20;

  static final int HEADER_BYTES = 24;
  static final int RECORD_HEADER_BYTES = 16;
  static final int VERSION = 1;
  private static final byte[] MAGIC = "QVRWAL01".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern FILE_NAME = Pattern.compile("wal-(\\d{20})\\.log");
  private static final Pattern TEMPORARY_NAME = Pattern.compile("wal-\\d{20}\\.log\\.tmp");
  private static final int READ_BUFFER_BYTES = 1 << 20;

  /**
   * The largest write buffer kept between appends; a bigger record is written through it in pieces
   * rather than growing it, so one huge batch does not pin its size in memory.
   */
  private static final int MAX_WRITE_BUFFER_BYTES = 4 << 20;

  private static final Logger LOG = Logger.getLogger(WriteAheadLog.class.getName());

  private final Path directory;
  private final Sync sync;
  private final FileLayer files;
  private final long rollBytes;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition forceFinished = lock.newCondition();

  // Everything below is guarded by lock.
  /** The log's files, oldest first; the last is the one appended to. */
  private final List<LogFile> logFiles = new ArrayList<>();

  private final CRC32C crc = new CRC32C();
  private final ByteBuffer timestampBytes = ByteBuffer.allocate(Long.BYTES);
  private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(64 << 10);
  private boolean recovered;
  private FileChannel channel;
  private long lastTimestamp = -1;

  /** How many records this instance appended; a record's token is its number. */
  private long appended;

  /** How many of the appended records a force covered; written under lock, read without. */
  private volatile long durable;

  private boolean forcing;
  private volatile QuiverException poison;
  private boolean closed;

  /** One file of the log and what it holds. */
  private static final class LogFile {
    final long sequence;
    final Path path;
    long firstTimestamp = -1;
    long lastTimestamp = -1;
    long size;

    LogFile(long sequence, Path path, long size) {
      this.sequence = sequence;
      this.path = path;
      this.size = size;
    }

    void add(long timestamp, long end) {
      if (firstTimestamp < 0) {
        firstTimestamp = timestamp;
      }
      lastTimestamp = timestamp;
      size = end;
    }
  }

  private WriteAheadLog(Path directory, Sync sync, FileLayer files, long rollBytes) {
    this.directory = directory;
    this.sync = sync;
    this.files = files;
    this.rollBytes = rollBytes;
  }

  /** Opens the log in a folder with {@link #DEFAULT_ROLL_BYTES}; see the full overload. */
  public static WriteAheadLog open(Path directory, Sync sync) {
    return open(directory, sync, FileLayer.DEFAULT, DEFAULT_ROLL_BYTES);
  }

  /**
   * Opens the log in a folder, creating the folder and a first file if needed, and checks that the
   * files form an unbroken sequence with valid headers. Records are read by {@link #replay}, which
   * should come next; an append without it recovers the files first without delivering anything.
   *
   * @param rollBytes the size at which a file is full; a record larger than it gets a file alone
   * @throws QuiverException CORRUPT_FILE for a bad header or a missing file, IO_ERROR
   */
  public static WriteAheadLog open(Path directory, Sync sync, FileLayer files, long rollBytes) {
    Objects.requireNonNull(sync, "sync");
    if (rollBytes <= HEADER_BYTES) {
      throw new IllegalArgumentException(
          "rollBytes must exceed the " + HEADER_BYTES + "-byte file header: " + rollBytes);
    }
    WriteAheadLog log = new WriteAheadLog(directory, sync, files, rollBytes);
    try {
      log.openFiles();
    } catch (IOException e) {
      throw new QuiverException(
          ErrorCode.IO_ERROR,
          "cannot open the write-ahead log in " + directory + ": " + e.getMessage(),
          e);
    }
    return log;
  }

  private void openFiles() throws IOException {
    files.createDirectories(directory);
    Path parent = directory.toAbsolutePath().getParent();
    if (parent != null) {
      // The folder itself must survive a power loss, not only the files in it.
      files.forceDirectory(parent);
    }
    TreeMap<Long, Path> found = new TreeMap<>();
    for (Path entry : files.list(directory)) {
      String name = entry.getFileName().toString();
      Matcher matcher = FILE_NAME.matcher(name);
      if (matcher.matches()) {
        found.put(Long.parseLong(matcher.group(1)), entry);
      } else if (TEMPORARY_NAME.matcher(name).matches()) {
        // A file that was being created when the process stopped: it never held a record.
        files.delete(entry);
      }
    }
    long expected = found.isEmpty() ? 1 : found.firstKey();
    for (var entry : found.entrySet()) {
      if (entry.getKey() != expected) {
        throw new QuiverException(
            ErrorCode.CORRUPT_FILE,
            "write-ahead log file "
                + directory.resolve(fileName(expected))
                + " is missing, but "
                + entry.getValue().getFileName()
                + " follows it, so the records it held are lost; restore the database from a"
                + " backup");
      }
      logFiles.add(new LogFile(expected, entry.getValue(), checkHeader(entry.getValue())));
      expected++;
    }
    if (logFiles.isEmpty()) {
      LogFile first = new LogFile(1, directory.resolve(fileName(1)), HEADER_BYTES);
      createFile(first);
      logFiles.add(first);
    }
  }

  /** Checks a file's header and returns the file's size. */
  private long checkHeader(Path path) throws IOException {
    try (FileChannel in = files.open(path, StandardOpenOption.READ)) {
      long size = in.size();
      if (size < HEADER_BYTES) {
        throw corrupt(
            path,
            0,
            "the file is " + size + " bytes, shorter than its " + HEADER_BYTES + "-byte header");
      }
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      while (header.hasRemaining()) {
        if (in.read(header, header.position()) < 0) {
          throw corrupt(path, header.position(), "the file ended inside its header");
        }
      }
      byte[] magic = Arrays.copyOf(header.array(), MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw corrupt(path, 0, "not a Quiver write-ahead log file (bad magic)");
      }
      CRC32C check = new CRC32C();
      check.update(header.array(), 0, HEADER_BYTES - Integer.BYTES);
      int stored = header.getInt(HEADER_BYTES - Integer.BYTES);
      if (stored != (int) check.getValue()) {
        throw corrupt(
            path,
            0,
            "header checksum mismatch: stored "
                + Integer.toHexString(stored)
                + ", computed "
                + Integer.toHexString((int) check.getValue()));
      }
      int version = header.getInt(MAGIC.length);
      if (version != VERSION) {
        throw corrupt(
            path,
            MAGIC.length,
            "unsupported write-ahead log version " + version + "; this build reads " + VERSION);
      }
      long sequence = header.getLong(MAGIC.length + Integer.BYTES);
      String expected = path.getFileName().toString();
      if (!expected.equals(fileName(sequence))) {
        throw corrupt(
            path,
            MAGIC.length + Integer.BYTES,
            "the header names sequence " + sequence + ", not the one in the file name");
      }
      return size;
    }
  }

  /** Writes a new file's header under a temporary name, then renames it into place. */
  private void createFile(LogFile file) throws IOException {
    Path temporary = file.path.resolveSibling(file.path.getFileName() + ".tmp");
    try (FileChannel out =
        files.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      header.put(MAGIC).putInt(VERSION).putLong(file.sequence);
      CRC32C check = new CRC32C();
      check.update(header.array(), 0, header.position());
      header.putInt((int) check.getValue()).flip();
      writeFully(out, header, 0);
      out.force(true);
    }
    files.atomicMove(temporary, file.path);
    files.forceDirectory(directory);
  }

  /**
   * Delivers every record with a timestamp above {@code afterTimestamp}, oldest first, across
   * files, then positions the log for appending after the last good record. A torn record at the
   * end of the last file is cut off (with a warning naming the file and offset); any other damage
   * is an error. Call it after {@link #open} and before the first append.
   *
   * @throws QuiverException CORRUPT_FILE naming the file and byte offset, IO_ERROR
   */
  public void replay(long afterTimestamp, RecordConsumer consumer) {
    Objects.requireNonNull(consumer, "consumer");
    boolean interrupted = lockForIo();
    try {
      checkUsable();
      if (appended > 0) {
        throw new IllegalStateException("replay must come before the first append");
      }
      recover(afterTimestamp, consumer);
    } finally {
      unlock(interrupted);
    }
  }

  private void recoverIfNeeded() {
    if (!recovered) {
      recover(Long.MAX_VALUE, null);
    }
  }

  private void recover(long afterTimestamp, RecordConsumer consumer) {
    LogFile file = null;
    try {
      if (channel != null) {
        channel.close();
        channel = null;
      }
      ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
      long previous = -1;
      long end = HEADER_BYTES;
      for (int i = 0; i < logFiles.size(); i++) {
        file = logFiles.get(i);
        boolean last = i == logFiles.size() - 1;
        file.firstTimestamp = -1;
        file.lastTimestamp = -1;
        try (FileChannel in = files.open(file.path, StandardOpenOption.READ)) {
          LogFileReader reader = new LogFileReader(in, in.size(), HEADER_BYTES, buffer);
          while (reader.next(consumer == null ? Long.MAX_VALUE : afterTimestamp)) {
            long timestamp = reader.timestamp();
            if (timestamp <= previous) {
              throw corrupt(
                  file.path,
                  reader.recordOffset(),
                  "record timestamp " + timestamp + " does not follow the previous " + previous);
            }
            previous = timestamp;
            file.add(timestamp, reader.end());
            if (consumer != null && timestamp > afterTimestamp) {
              consumer.accept(timestamp, reader.payload());
            }
          }
          end = reader.end();
          file.size = end;
          if (reader.damage() != null) {
            checkTornTail(file, last, reader, previous, in.size());
          }
        }
      }
      file = current();
      channel = files.open(file.path, StandardOpenOption.WRITE);
      if (channel.size() > end) {
        channel.truncate(end);
      }
      lastTimestamp = previous;
      recovered = true;
    } catch (IOException e) {
      String where = file == null ? directory.toString() : file.path.toString();
      throw new QuiverException(
          ErrorCode.IO_ERROR,
          "cannot read write-ahead log file " + where + ": " + e.getMessage(),
          e);
    }
  }

  /** Accepts damage at the end of the last file as a torn write, or reports corruption. */
  private void checkTornTail(
      LogFile file, boolean last, LogFileReader reader, long lastGood, long fileSize)
      throws IOException {
    long offset = reader.recordOffset();
    if (!last) {
      throw corrupt(
          file.path,
          offset,
          reader.damage()
              + ", and it is not the last file, which is forced before the next begins");
    }
    long valid = reader.findValidRecordAfter(offset, lastGood);
    if (valid >= 0) {
      throw corrupt(
          file.path, offset, reader.damage() + ", but a valid record follows at offset " + valid);
    }
    LOG.warning(
        () ->
            "write-ahead log file "
                + file.path
                + " ends in a torn record at byte offset "
                + offset
                + " ("
                + reader.damage()
                + "); truncated it there, dropping "
                + (fileSize - offset)
                + " bytes of a write that was interrupted");
  }

  /**
   * Appends a record. Safe to call from many threads; timestamps must increase from call to call.
   *
   * @return the token to pass to {@link #awaitDurable}
   * @throws IllegalArgumentException if the timestamp is negative or not above the last one
   * @throws QuiverException IO_ERROR if the write fails or the log is poisoned, ENGINE_CLOSED
   */
  public long append(long timestamp, byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    boolean interrupted = lockForIo();
    try {
      checkUsable();
      recoverIfNeeded();
      long length = (long) RECORD_HEADER_BYTES + payload.length;
      while (forcing && mustRoll(length)) {
        forceFinished.awaitUninterruptibly();
        checkUsable();
      }
      if (timestamp <= lastTimestamp || timestamp < 0) {
        throw new IllegalArgumentException(
            "timestamp "
                + timestamp
                + " is not above the log's last timestamp "
                + lastTimestamp
                + "; records must be appended in increasing timestamp order");
      }
      if (mustRoll(length)) {
        roll();
      }
      LogFile file = current();
      try {
        write(timestamp, payload, file.size);
      } catch (IOException e) {
        throw poison(file, "could not be written", e);
      }
      file.add(timestamp, file.size + length);
      lastTimestamp = timestamp;
      return ++appended;
    } finally {
      unlock(interrupted);
    }
  }

  /** Whether a record of this length must go to a new file: the current one is full for it. */
  private boolean mustRoll(long length) {
    LogFile file = current();
    return file.lastTimestamp >= 0 && file.size + length > rollBytes;
  }

  /**
   * Writes one record at {@code position}: in a single write through the reused buffer, or in
   * pieces if it is larger than {@link #MAX_WRITE_BUFFER_BYTES}.
   */
  private void write(long timestamp, byte[] payload, long position) throws IOException {
    int length = RECORD_HEADER_BYTES + payload.length;
    if (writeBuffer.capacity() < length && writeBuffer.capacity() < MAX_WRITE_BUFFER_BYTES) {
      writeBuffer =
          ByteBuffer.allocateDirect(
              length >= MAX_WRITE_BUFFER_BYTES
                  ? MAX_WRITE_BUFFER_BYTES
                  : Integer.highestOneBit(length - 1) << 1);
    }
    crc.reset();
    crc.update(timestampBytes.putLong(0, timestamp).array(), 0, Long.BYTES);
    crc.update(payload, 0, payload.length);
    writeBuffer.clear();
    writeBuffer.putInt(payload.length).putInt((int) crc.getValue()).putLong(timestamp);
    int done = 0;
    do {
      int chunk = Math.min(payload.length - done, writeBuffer.remaining());
      writeBuffer.put(payload, done, chunk).flip();
      done += chunk;
      position += writeFully(channel, writeBuffer, position);
      writeBuffer.clear();
    } while (done < payload.length);
  }

  private static int writeFully(FileChannel out, ByteBuffer data, long position)
      throws IOException {
    int written = 0;
    while (data.hasRemaining()) {
      written += out.write(data, position + written);
    }
    return written;
  }

  /**
   * Forces the full file, creates the next and appends there from now on. Forcing first keeps every
   * file but the last whole after a power loss, which is what lets recovery tell a torn write from
   * damage. Callers hold the lock and have waited until no leader is forcing.
   */
  private void roll() {
    assert !forcing;
    LogFile full = current();
    try {
      channel.force(false);
      channel.close();
    } catch (IOException e) {
      throw poison(full, "could not be forced to disk", e);
    }
    durable = appended;
    long sequence = full.sequence + 1;
    LogFile next = new LogFile(sequence, directory.resolve(fileName(sequence)), HEADER_BYTES);
    try {
      channel = null;
      createFile(next);
      channel = files.open(next.path, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw poison(next, "could not be created", e);
    }
    logFiles.add(next);
  }

  /**
   * Returns once the record with this token is on disk: at once with {@link Sync#NONE}, otherwise
   * after a force that covers it, shared with every other waiter (see the class comment).
   *
   * @throws QuiverException IO_ERROR if a force failed, now or before
   */
  public void awaitDurable(long token) {
    if (token >= 1 && token <= durable && poison == null) {
      return;
    }
    boolean interrupted = lockForIo();
    try {
      checkToken(token);
      while (true) {
        throwIfPoisoned();
        if (sync == Sync.NONE || token <= durable) {
          return;
        }
        if (forcing) {
          forceFinished.awaitUninterruptibly();
          continue;
        }
        lead();
      }
    } finally {
      unlock(interrupted);
    }
  }

  /** Forces every record appended so far, releasing the lock meanwhile, and wakes the waiters. */
  private void lead() {
    forcing = true;
    long target = appended;
    FileChannel forced = channel;
    LogFile file = current();
    IOException failure = null;
    lock.unlock();
    try {
      forced.force(false);
    } catch (IOException e) {
      failure = e;
    } finally {
      lock.lock();
      forcing = false;
      forceFinished.signalAll();
    }
    if (failure != null) {
      throw poison(file, "could not be forced to disk", failure);
    }
    durable = Math.max(durable, target);
  }

  private void checkToken(long token) {
    if (token < 1 || token > appended) {
      throw new IllegalArgumentException(
          "token " + token + " was not returned by append; " + appended + " records were appended");
    }
  }

  /**
   * Deletes the oldest files whose records all have timestamps up to the checkpoint, then forces
   * the folder. The file being appended to is never deleted: if a checkpoint covers all of it, the
   * log first moves on to a new file.
   *
   * @throws QuiverException IO_ERROR
   */
  public void truncateUpTo(long checkpointTimestamp) {
    boolean interrupted = Thread.interrupted();
    Path current = directory;
    try {
      List<LogFile> covered = takeCoveredFiles(checkpointTimestamp);
      if (covered.isEmpty()) {
        return;
      }
      for (LogFile file : covered) {
        current = file.path;
        files.delete(file.path);
      }
      current = directory;
      files.forceDirectory(directory);
    } catch (IOException e) {
      throw new QuiverException(
          ErrorCode.IO_ERROR,
          "cannot delete write-ahead log files in " + current + ": " + e.getMessage(),
          e);
    } finally {
      restoreInterrupt(interrupted);
    }
  }

  /** Removes from the log the oldest files the checkpoint covers, rolling first if needed. */
  private List<LogFile> takeCoveredFiles(long checkpointTimestamp) {
    List<LogFile> covered = new ArrayList<>();
    lock.lock();
    try {
      checkUsable();
      recoverIfNeeded();
      while (forcing) {
        forceFinished.awaitUninterruptibly();
        checkUsable();
      }
      LogFile current = current();
      if (current.lastTimestamp >= 0 && current.lastTimestamp <= checkpointTimestamp) {
        roll();
      }
      // Only the oldest files go, so the remaining ones still form an unbroken sequence.
      while (logFiles.size() > 1 && logFiles.get(0).lastTimestamp <= checkpointTimestamp) {
        covered.add(logFiles.remove(0));
      }
      return covered;
    } finally {
      lock.unlock();
    }
  }

  /** The log's files, oldest first. */
  public List<FileInfo> files() {
    boolean interrupted = lockForIo();
    try {
      checkUsable();
      recoverIfNeeded();
      List<FileInfo> infos = new ArrayList<>(logFiles.size());
      for (LogFile file : logFiles) {
        infos.add(
            new FileInfo(
                file.path.getFileName().toString(),
                file.firstTimestamp,
                file.lastTimestamp,
                file.size));
      }
      return infos;
    } finally {
      unlock(interrupted);
    }
  }

  /** The timestamp of the newest record, -1 if the log holds none. */
  public long lastTimestamp() {
    boolean interrupted = lockForIo();
    try {
      checkUsable();
      recoverIfNeeded();
      return lastTimestamp;
    } finally {
      unlock(interrupted);
    }
  }

  /**
   * Forces what was appended and closes the file. A poisoned log is closed without a force, and
   * without an error: the failure was reported when it happened.
   *
   * @throws QuiverException IO_ERROR if the final force fails
   */
  @Override
  public void close() {
    boolean interrupted = lockForIo();
    try {
      if (closed) {
        return;
      }
      while (forcing) {
        forceFinished.awaitUninterruptibly();
      }
      closed = true;
      if (channel == null) {
        return;
      }
      try (FileChannel last = channel) {
        if (poison == null && durable < appended) {
          try {
            last.force(false);
          } catch (IOException e) {
            throw poison(current(), "could not be forced to disk", e);
          }
          durable = appended;
        }
      } catch (IOException e) {
        if (poison == null) {
          throw poison(current(), "could not be closed", e);
        }
      } finally {
        channel = null;
        forceFinished.signalAll();
      }
    } finally {
      unlock(interrupted);
    }
  }

  /**
   * Takes the lock for a call that may do I/O, clearing the thread's interrupt flag meanwhile: a
   * file channel used by an interrupted thread closes itself, which would poison the log. An
   * interrupt that arrives during the system call itself still does.
   *
   * @return whether the flag was set, for {@link #unlock(boolean)} to restore
   */
  private boolean lockForIo() {
    boolean interrupted = Thread.interrupted();
    lock.lock();
    return interrupted;
  }

  private void unlock(boolean interrupted) {
    lock.unlock();
    restoreInterrupt(interrupted);
  }

  private static void restoreInterrupt(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private LogFile current() {
    return logFiles.get(logFiles.size() - 1);
  }

  private void checkUsable() {
    if (closed) {
      throw new QuiverException(
          ErrorCode.ENGINE_CLOSED, "the write-ahead log in " + directory + " is closed");
    }
    throwIfPoisoned();
  }

  private void throwIfPoisoned() {
    if (poison != null) {
      throw new QuiverException(poison.code(), poison.getMessage(), poison);
    }
  }

  /** Records the first failure of the write path, after which the log accepts nothing more. */
  private QuiverException poison(LogFile file, String what, IOException cause) {
    if (poison == null) {
      poison =
          new QuiverException(
              ErrorCode.IO_ERROR,
              "write-ahead log file "
                  + file.path
                  + " "
                  + what
                  + " ("
                  + cause
                  + "); records since the last successful force may be lost, so the log accepts"
                  + " no more writes: reopen the database to recover from what is on disk",
              cause);
      return poison;
    }
    return new QuiverException(poison.code(), poison.getMessage(), poison);
  }

  static String fileName(long sequence) {
    return String.format("wal-%020d.log", sequence);
  }

  private static QuiverException corrupt(Path file, long offset, String why) {
    return new QuiverException(
        ErrorCode.CORRUPT_FILE,
        "write-ahead log file "
            + file
            + " is damaged at byte offset "
            + offset
            + ": "
            + why
            + "; restore the database from a backup");
  }
}
