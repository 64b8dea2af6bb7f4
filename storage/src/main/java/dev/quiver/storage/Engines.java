package dev.quiver.storage;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The engines open in this JVM, shared by the connections that name the same database: a named
 * in-memory database or a folder. An engine closes when its last handle closes.
 */
public final class Engines {
  private static final Map<String, Shared> OPEN = new HashMap<>();

  static {
    // A JVM that exits with connections still open (Ctrl-C in the shell, System.exit in an
    // application) still closes its file databases (their log is already durable) and releases
    // their folders. Statements still running then fail: hooks run in parallel, so an application
    // that must finish them (as quiver serve does) handles the signal itself first.
    Runtime.getRuntime().addShutdownHook(new Thread(Engines::closeAll, "quiver-engines-shutdown"));
  }

  private Engines() {}

  private static synchronized void closeAll() {
    for (Shared shared : OPEN.values()) {
      try {
        shared.engine.close();
      } catch (RuntimeException e) {
        System.err.println("quiver: closing a database at exit failed: " + e.getMessage());
      }
    }
    OPEN.clear();
  }

  /** A handle on an in-memory database; a null or empty name gives a private one. */
  public static Handle memory(String name) {
    if (name == null || name.isEmpty()) {
      return new Handle(null, Engine.inMemory());
    }
    return acquire("mem:" + name, Engine::inMemory);
  }

  /** A handle on the database in a folder, opened (or created) on first use. */
  public static Handle file(Path directory) {
    Path normalized = directory.toAbsolutePath().normalize();
    return acquire("file:" + normalized, () -> Engine.open(normalized));
  }

  private static synchronized Handle acquire(String key, java.util.function.Supplier<Engine> open) {
    Shared shared = OPEN.get(key);
    // An engine closed behind the registry's back (Engine.close called directly) is replaced,
    // never handed out closed.
    if (shared == null || shared.engine.isClosed()) {
      shared = new Shared(open.get());
      OPEN.put(key, shared);
    }
    shared.references++;
    return new Handle(key, shared.engine);
  }

  private static synchronized void release(String key, Engine engine) {
    Shared shared = OPEN.get(key);
    if (shared == null || shared.engine != engine) {
      return;
    }
    if (--shared.references == 0) {
      OPEN.remove(key);
      engine.close();
    }
  }

  private static final class Shared {
    final Engine engine;
    int references;

    Shared(Engine engine) {
      this.engine = engine;
    }
  }

  /** One user's reference to a shared engine; closing it releases the reference once. */
  public static final class Handle implements AutoCloseable {
    private final String key;
    private final Engine engine;
    private boolean closed;

    private Handle(String key, Engine engine) {
      this.key = key;
      this.engine = engine;
    }

    public Engine engine() {
      return engine;
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      if (key == null) {
        engine.close();
      } else {
        release(key, engine);
      }
    }
  }
}
