package dev.quiver.storage;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client connection as the engine knows it: its consistency settings, the timestamp of its last
 * write (what {@link ConsistencyLevel#SESSION} waits for) and what it is doing, for {@code
 * sys.sessions}. Settings are changed by the connection's own thread; other threads only read them.
 */
public final class Session implements AutoCloseable {
  /** How long a query waits for its consistency level by default: 10 seconds. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;

  private final Engine engine;
  private final long id;
  private final String user;
  private final long openedAtMillis;
  private volatile ConsistencyLevel level;
  private volatile Long boundedStalenessMillis;
  private volatile long timeoutMillis = DEFAULT_TIMEOUT_MILLIS;
  private final AtomicLong lastWrite = new AtomicLong();
  private volatile long lastSnapshot;
  private volatile long waitingFor;
  private final LongAdder reads = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder waits = new LongAdder();
  private final LongAdder waitNanos = new LongAdder();

  Session(Engine engine, long id, String user, long openedAtMillis) {
    this.engine = engine;
    this.id = id;
    this.user = user;
    this.openedAtMillis = openedAtMillis;
  }

  /** The session's number, unique among the engine's sessions since it opened. */
  public long id() {
    return id;
  }

  /** The user the connection named, or null. */
  public String user() {
    return user;
  }

  public long openedAtMillis() {
    return openedAtMillis;
  }

  /** The session's consistency level, or null when each table's option decides. */
  public ConsistencyLevel level() {
    return level;
  }

  public void setLevel(ConsistencyLevel level) {
    this.level = level;
  }

  /** The session's {@code bounded_staleness_ms}, or null when each table's option decides. */
  public Long boundedStalenessMillis() {
    return boundedStalenessMillis;
  }

  public void setBoundedStalenessMillis(Long millis) {
    this.boundedStalenessMillis = millis;
  }

  /** How long a query of this session waits for its consistency level before it fails. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  public void setTimeoutMillis(long millis) {
    this.timeoutMillis = millis;
  }

  /** The commit timestamp of the session's last write, 0 if none. */
  public long lastWrite() {
    return lastWrite.get();
  }

  /** Records a write of this session, acknowledged at {@code timestamp}. */
  public void wrote(long timestamp) {
    lastWrite.accumulateAndGet(timestamp, Math::max);
    writes.increment();
  }

  /** The timestamp of the snapshot the session's last query read, 0 if none. */
  public long lastSnapshot() {
    return lastSnapshot;
  }

  /** The guarantee timestamp a query of this session is waiting for now, 0 if none. */
  public long waitingFor() {
    return waitingFor;
  }

  void waiting(long guarantee) {
    waitingFor = guarantee;
  }

  void read(long snapshot) {
    lastSnapshot = snapshot;
    reads.increment();
  }

  void waited(long nanos) {
    waits.increment();
    waitNanos.add(nanos);
  }

  /** The queries that had to wait for the applier before they could read. */
  public long waitCount() {
    return waits.sum();
  }

  /** The time the session's queries spent waiting for the applier, in total. */
  public long waitNanos() {
    return waitNanos.sum();
  }

  /** The queries that chose a snapshot in this session. */
  public long readCount() {
    return reads.sum();
  }

  /** The writes this session committed. */
  public long writeCount() {
    return writes.sum();
  }

  /** Ends the session: it leaves {@code sys.sessions}. */
  @Override
  public void close() {
    engine.closeSession(this);
  }
}
