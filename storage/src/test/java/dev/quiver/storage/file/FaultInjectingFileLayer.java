package dev.quiver.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A {@link FileLayer} over the real file system that remembers what was never forced, so a test can
 * simulate a power loss ({@link #crash}), count forces and make them fail.
 *
 * <p>For every file written through it, the layer keeps the content as of the last successful force
 * of the file and the writes (and truncations) since, in order. Folder changes (files created,
 * deleted or renamed, folders created) are kept until their folder is forced. A crash then rewrites
 * the folders on disk as a power loss could have left them:
 *
 * <ul>
 *   <li>each file keeps its forced content plus a random prefix of its unforced writes; the first
 *       write not kept whole may be kept in part (a torn write) and followed by garbage, random
 *       bytes or zeros, as a half-written sector leaves;
 *   <li>in each folder a random prefix of the unforced changes survives and the rest are undone, as
 *       a journaling file system commits them in order: a new file or folder vanishes, a deleted
 *       file comes back with its forced content, a renamed file returns to its old name.
 * </ul>
 *
 * <p>This is stricter than ext4, which also persists a new file's name when the file is forced:
 * here only a folder force does. A failed force ({@link #failNextForces}) discards the writes it
 * should have persisted, as Linux marks the pages clean after reporting the error, so a later
 * successful force does not bring them back.
 *
 * <p>After {@link #crash} every channel it opened is closed and the layer starts afresh from what
 * is on disk, so the same layer can reopen the files. It tracks files only: deleting or renaming a
 * folder through it, or renaming across folders, is refused. Files changed directly on disk while
 * the layer tracks them make its model wrong; change them only before use or after a crash.
 */
public final class FaultInjectingFileLayer implements FileLayer {
  private final FileLayer disk = FileLayer.DEFAULT;

  /** The tracked files by absolute path: the namespace as it is now. */
  private final Map<Path, FileState> files = new HashMap<>();

  /** Every path a crash must set, present or absent. */
  private final Set<Path> touched = new LinkedHashSet<>();

  /** Folder changes not yet made durable by a force of their folder, oldest first. */
  private final List<FolderChange> unforcedChanges = new ArrayList<>();

  private final Set<TrackingChannel> openChannels = new HashSet<>();
  private int forces;
  private int directoryForces;
  private int forcesToFail;
  private Runnable beforeForce = () -> {};

  /** One file's content: as of its last successful force, and the changes made since. */
  private static final class FileState {
    final Content durable;
    final List<Change> unforced = new ArrayList<>();

    FileState(byte[] content) {
      durable = new Content(content);
    }
  }

  /** A write of {@code bytes} at {@code position}, or a truncation to it if bytes is null. */
  private record Change(long position, byte[] bytes) {}

  private sealed interface FolderChange {
    Path path();

    default Path folder() {
      return path().getParent();
    }
  }

  private record Created(Path path, FileState file) implements FolderChange {}

  private record Deleted(Path path, FileState file) implements FolderChange {}

  private record Moved(Path source, Path path, FileState file, FileState replaced)
      implements FolderChange {}

  private record MadeFolder(Path path) implements FolderChange {}

  /** A growable byte array with file semantics: writing past the end fills the gap with zeros. */
  private static final class Content {
    private byte[] bytes;
    private int length;

    Content(byte[] initial) {
      bytes = initial;
      length = initial.length;
    }

    Content copy() {
      return new Content(toArray());
    }

    void apply(Change change) {
      if (change.bytes() == null) {
        length = (int) Math.min(length, change.position());
      } else {
        write(change.position(), change.bytes(), change.bytes().length);
      }
    }

    void write(long position, byte[] data, int count) {
      int at = Math.toIntExact(position);
      int end = at + count;
      if (end > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(end, bytes.length * 2));
      }
      if (at > length) {
        Arrays.fill(bytes, length, at, (byte) 0);
      }
      System.arraycopy(data, 0, bytes, at, count);
      length = Math.max(length, end);
    }

    byte[] toArray() {
      return Arrays.copyOf(bytes, length);
    }
  }

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    Set<OpenOption> set = Set.of(options);
    if (!set.contains(StandardOpenOption.WRITE) && !set.contains(StandardOpenOption.APPEND)) {
      return disk.open(file, options);
    }
    Path path = file.toAbsolutePath().normalize();
    synchronized (this) {
      boolean existed = Files.exists(path);
      FileState state = existed ? track(path) : null;
      FileChannel channel = disk.open(path, options);
      if (state == null) {
        state = new FileState(new byte[0]);
        files.put(path, state);
        touched.add(path);
        unforcedChanges.add(new Created(path, state));
      } else if (set.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
        state.unforced.add(new Change(0, null));
      }
      TrackingChannel tracking =
          new TrackingChannel(state, channel, set.contains(StandardOpenOption.APPEND));
      openChannels.add(tracking);
      return tracking;
    }
  }

  @Override
  public synchronized void createDirectories(Path directory) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path at = directory.toAbsolutePath().normalize();
        at != null && !Files.exists(at);
        at = at.getParent()) {
      missing.push(at);
    }
    disk.createDirectories(directory);
    for (Path created : missing) {
      touched.add(created);
      unforcedChanges.add(new MadeFolder(created));
    }
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    return disk.list(directory);
  }

  @Override
  public synchronized void delete(Path file) throws IOException {
    Path path = file.toAbsolutePath().normalize();
    refuseFolder(path);
    if (!Files.exists(path)) {
      return;
    }
    FileState state = track(path);
    disk.delete(path);
    files.remove(path);
    unforcedChanges.add(new Deleted(path, state));
  }

  @Override
  public synchronized void atomicMove(Path source, Path target) throws IOException {
    Path from = source.toAbsolutePath().normalize();
    Path to = target.toAbsolutePath().normalize();
    refuseFolder(from);
    if (!from.getParent().equals(to.getParent())) {
      throw new UnsupportedOperationException(
          "FaultInjectingFileLayer simulates renames within one folder only: "
              + from
              + " to "
              + to);
    }
    FileState state = track(from);
    FileState replaced = Files.exists(to) ? track(to) : null;
    disk.atomicMove(from, to);
    files.remove(from);
    files.put(to, state);
    touched.add(to);
    unforcedChanges.add(new Moved(from, to, state, replaced));
  }

  @Override
  public long size(Path file) throws IOException {
    return disk.size(file);
  }

  @Override
  public void forceDirectory(Path directory) throws IOException {
    disk.forceDirectory(directory);
    Path folder = directory.toAbsolutePath().normalize();
    synchronized (this) {
      directoryForces++;
      unforcedChanges.removeIf(change -> folder.equals(change.folder()));
    }
  }

  /** How many times a file's channel was forced, successfully or not. */
  public synchronized int forceCount() {
    return forces;
  }

  /** How many times a folder was forced. */
  public synchronized int directoryForceCount() {
    return directoryForces;
  }

  /** Makes the next {@code count} forces of files fail with an IOException. */
  public synchronized void failNextForces(int count) {
    forcesToFail = count;
  }

  /**
   * Runs a hook at the start of every force of a file, in the forcing thread and without the
   * layer's lock, e.g. to hold a force until other threads have queued behind it.
   */
  public synchronized void beforeEachForce(Runnable hook) {
    beforeForce = hook;
  }

  /**
   * Simulates a power loss: closes every channel the layer opened and leaves the tracked files and
   * folders on disk in a state the loss could have produced (see the class comment), chosen by
   * {@code random}. The layer then treats what is on disk as durable.
   */
  public synchronized void crash(Random random) throws IOException {
    for (TrackingChannel channel : new ArrayList<>(openChannels)) {
      channel.close();
    }
    Map<Path, List<Integer>> byFolder = new HashMap<>();
    for (int i = 0; i < unforcedChanges.size(); i++) {
      byFolder.computeIfAbsent(unforcedChanges.get(i).folder(), folder -> new ArrayList<>()).add(i);
    }
    Set<Integer> undone = new HashSet<>();
    for (List<Integer> changes : byFolder.values()) {
      undone.addAll(changes.subList(random.nextInt(changes.size() + 1), changes.size()));
    }
    Map<Path, FileState> survivors = new HashMap<>(files);
    List<Path> lostFolders = new ArrayList<>();
    for (int i = unforcedChanges.size() - 1; i >= 0; i--) {
      if (!undone.contains(i)) {
        continue;
      }
      switch (unforcedChanges.get(i)) {
        case Created created -> survivors.remove(created.path());
        case Deleted deleted -> survivors.put(deleted.path(), deleted.file());
        case Moved moved -> {
          survivors.remove(moved.path());
          survivors.put(moved.source(), moved.file());
          if (moved.replaced() != null) {
            survivors.put(moved.path(), moved.replaced());
          }
        }
        case MadeFolder made -> lostFolders.add(made.path());
      }
    }
    for (Path path : touched) {
      FileState state = survivors.get(path);
      boolean lost = lostFolders.stream().anyMatch(path::startsWith);
      if (state != null && !lost && !Files.isDirectory(path)) {
        Files.write(path, afterPowerLoss(state, random));
      } else if (state == null && Files.isRegularFile(path)) {
        Files.delete(path);
      }
    }
    for (Path folder : lostFolders) {
      if (Files.exists(folder)) {
        try (Stream<Path> tree = Files.walk(folder)) {
          for (Path each : tree.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(each);
          }
        }
      }
    }
    files.clear();
    touched.clear();
    unforcedChanges.clear();
    forcesToFail = 0;
  }

  private static byte[] afterPowerLoss(FileState state, Random random) {
    Content content = state.durable.copy();
    int kept = random.nextInt(state.unforced.size() + 1);
    for (Change change : state.unforced.subList(0, kept)) {
      content.apply(change);
    }
    if (kept < state.unforced.size()) {
      Change torn = state.unforced.get(kept);
      if (torn.bytes() != null && torn.bytes().length > 0) {
        int length = torn.bytes().length;
        int prefix = random.nextInt(length);
        content.write(torn.position(), torn.bytes(), prefix);
        if (random.nextInt(3) == 0) {
          byte[] garbage = new byte[1 + random.nextInt(length - prefix)];
          if (random.nextBoolean()) {
            random.nextBytes(garbage);
          }
          content.write(torn.position() + prefix, garbage, garbage.length);
        }
      }
    }
    return content.toArray();
  }

  /** The state of a file the layer may not have seen yet, taking what is on disk as durable. */
  private FileState track(Path path) throws IOException {
    FileState state = files.get(path);
    if (state == null) {
      state = new FileState(Files.readAllBytes(path));
      files.put(path, state);
    }
    touched.add(path);
    return state;
  }

  private static void refuseFolder(Path path) {
    if (Files.isDirectory(path)) {
      throw new UnsupportedOperationException(
          "FaultInjectingFileLayer simulates files only, not the folder " + path);
    }
  }

  private void force(TrackingChannel channel, boolean metaData) throws IOException {
    Runnable hook;
    synchronized (this) {
      hook = beforeForce;
    }
    hook.run();
    int covered;
    boolean fail;
    synchronized (this) {
      forces++;
      covered = channel.state.unforced.size();
      fail = forcesToFail > 0;
      if (fail) {
        forcesToFail--;
        channel.state.unforced.subList(0, covered).clear();
      }
    }
    if (fail) {
      throw new IOException("injected failure of a force (fsync)");
    }
    channel.delegate.force(metaData);
    synchronized (this) {
      List<Change> persisted = channel.state.unforced.subList(0, covered);
      for (Change change : persisted) {
        channel.state.durable.apply(change);
      }
      persisted.clear();
    }
  }

  private synchronized void record(FileState state, long position, byte[] bytes) {
    state.unforced.add(new Change(position, bytes));
  }

  /** A channel that reports its writes, truncations and forces to the layer. */
  private final class TrackingChannel extends FileChannel {
    final FileState state;
    final FileChannel delegate;
    final boolean append;

    TrackingChannel(FileState state, FileChannel delegate, boolean append) {
      this.state = state;
      this.delegate = delegate;
      this.append = append;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return delegate.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return delegate.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      long position = append ? delegate.size() : delegate.position();
      ByteBuffer copy = src.duplicate();
      int written = delegate.write(src);
      recordWrite(position, copy, written);
      return written;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      ByteBuffer copy = src.duplicate();
      int written = delegate.write(src, position);
      recordWrite(position, copy, written);
      return written;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long position = append ? delegate.size() : delegate.position();
      ByteBuffer[] copies = new ByteBuffer[length];
      for (int i = 0; i < length; i++) {
        copies[i] = srcs[offset + i].duplicate();
      }
      long written = delegate.write(srcs, offset, length);
      long left = written;
      for (ByteBuffer copy : copies) {
        int part = (int) Math.min(left, copy.remaining());
        recordWrite(position, copy, part);
        position += part;
        left -= part;
      }
      return written;
    }

    private void recordWrite(long position, ByteBuffer copy, int written) {
      if (written > 0) {
        byte[] bytes = new byte[written];
        copy.get(bytes);
        record(state, position, bytes);
      }
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      delegate.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      if (size < delegate.size()) {
        record(state, size, null);
      }
      delegate.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      FaultInjectingFileLayer.this.force(this, metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
      throw new UnsupportedOperationException(
          "FaultInjectingFileLayer cannot track transferFrom; write through a buffer");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      if (mode != MapMode.READ_ONLY) {
        throw new UnsupportedOperationException(
            "FaultInjectingFileLayer cannot track writes through a mapping");
      }
      return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      synchronized (FaultInjectingFileLayer.this) {
        openChannels.remove(this);
      }
      delegate.close();
    }
  }
}
