package dev.quiver.sql.schema;

import dev.quiver.storage.ConsistencyLevel;
import dev.quiver.storage.Engine;
import dev.quiver.storage.Session;
import dev.quiver.storage.catalog.TableDef;
import dev.quiver.storage.table.Snapshot;
import dev.quiver.storage.table.Table;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;

/**
 * How the queries of one connection choose their snapshot. One execution of a statement reads every
 * table at one snapshot: the first scan or search of the execution chooses it (waiting for the
 * engine to apply writes as the consistency level asks), and every later one of the same execution
 * (Calcite's {@link DataContext}) reuses it. A {@code FOR SYSTEM_TIME AS OF} read is chosen once
 * per execution too.
 *
 * <p>The level comes from the query's CONSISTENCY hint, else the connection's setting ({@code SET
 * CONSISTENCY LEVEL} or the {@code consistency_level} connection property), else the option of each
 * table it reads (SESSION unless set): the latest guarantee among its tables wins. A statement that
 * writes reads at STRONG. {@code bounded_staleness_ms} comes from the connection, else the table.
 */
public final class QuerySnapshots {
  private static final Object CURRENT = new Object();

  private final Engine engine;
  private final Session session;
  // By execution, then CURRENT or the FOR SYSTEM_TIME AS OF read. Weak: an execution's context
  // is gone with its result set.
  private final Map<DataContext, Map<Object, Snapshot>> chosen = new WeakHashMap<>();

  public QuerySnapshots(Engine engine, Session session) {
    this.engine = engine;
    this.session = session;
  }

  /** The snapshot an execution reads its tables at; root may be null outside an execution. */
  public Snapshot current(DataContext root, ReadPlan plan) {
    return once(root, CURRENT, () -> choose(plan));
  }

  /**
   * The snapshot of a {@code FOR SYSTEM_TIME AS OF} read, chosen once per execution and read.
   *
   * @param read the read (the same object for every scan of it)
   * @param instantMillis the instant, as TIMESTAMP milliseconds (UTC)
   */
  public Snapshot asOf(DataContext root, Object read, String table, long instantMillis) {
    return once(
        root,
        read,
        () -> engine.snapshotAsOf(table, instantMillis, session.timeoutMillis(), session));
  }

  private Snapshot once(DataContext root, Object key, Supplier<Snapshot> choose) {
    if (root == null) {
      return choose.get();
    }
    synchronized (chosen) {
      Snapshot known = chosen.computeIfAbsent(root, r -> new HashMap<>()).get(key);
      if (known != null) {
        return known;
      }
    }
    // Chosen outside the lock: it may wait for the applier.
    Snapshot snapshot = choose.get();
    synchronized (chosen) {
      Snapshot raced =
          chosen.computeIfAbsent(root, r -> new HashMap<>()).putIfAbsent(key, snapshot);
      return raced != null ? raced : snapshot;
    }
  }

  private Snapshot choose(ReadPlan plan) {
    ConsistencyLevel fixed;
    String source;
    if (plan.write()) {
      fixed = ConsistencyLevel.STRONG;
      source = " (a statement that writes reads the latest rows)";
    } else if (plan.hinted() != null) {
      fixed = plan.hinted();
      source = " (from the query's hint)";
    } else {
      fixed = session.level();
      source = " (set for the connection)";
    }
    Long sessionStaleness = session.boundedStalenessMillis();
    long guarantee = -1;
    String described = null;
    for (String name : plan.tables()) {
      Optional<TableDef> def = engine.findTable(name).map(Table::def);
      if (def.isEmpty()) {
        // Dropped since the statement was planned: its scan reports that.
        continue;
      }
      ConsistencyLevel level =
          fixed != null
              ? fixed
              : ConsistencyLevel.parse(
                  def.get().options().getOrDefault("consistency_level", "session"),
                  "table option consistency_level of " + name);
      long staleness =
          sessionStaleness != null
              ? sessionStaleness
              : def.get().longOption("bounded_staleness_ms", 5000);
      long g = engine.guarantee(level, staleness, session.lastWrite());
      if (g > guarantee) {
        guarantee = g;
        described =
            "consistency level "
                + level
                + (fixed != null ? source : " (the option of table " + name + ")");
      }
    }
    if (described == null) {
      ConsistencyLevel level = fixed != null ? fixed : ConsistencyLevel.SESSION;
      guarantee =
          engine.guarantee(
              level, sessionStaleness != null ? sessionStaleness : 5000, session.lastWrite());
      described = "consistency level " + level + (fixed != null ? source : "");
    }
    return engine.awaitSnapshot(guarantee, session.timeoutMillis(), session, described);
  }
}
