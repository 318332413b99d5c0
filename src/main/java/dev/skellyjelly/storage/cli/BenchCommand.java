package dev.skellyjelly.storage.cli;

import static dev.skellyjelly.storage.cli.BenchFigures.round;

import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.EventEncoding;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.EncryptionAtRest;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.SqliteFiles;
import dev.skellyjelly.storage.store.Stats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: ingest throughput, bus → committed, against a baseline measured in the same run
 * on the same events — a plain sqlite-jdbc batched insert, one row per event (the single-event
 * wire bytes as payload, keyed by session and sequence), one transaction per 10,000 rows, with
 * the same WAL/synchronous settings.
 */
@Command(name = "bench",
    header = "measure ingest (bus -> committed) against a raw sqlite-jdbc insert of the same events",
    description = {"Generates N events of the demo mix (4 capture sessions), then 1. inserts them with plain"
        + " sqlite-jdbc, one row per event, a transaction per 10,000 (the baseline), and 2. sends them through the"
        + " event bus into the module until the last is committed. The last stdout line is JSON: eventsPerSec,"
        + " rawSqlitePerSec, ratio, bytesPerEvent, rawBytesPerEvent, dropped. Targets: >= 300,000 events/s,"
        + " ratio >= 0.6, <= 16 B/event.",
        "",
        "With --cluster, then also storage and capture as two processes on loopback (the Hazelcast file of the"
        + " configuration's [cluster] table): a durable capture as fast as the client lets it and a"
        + " fire-and-forget one at 1,000,000 events/s, each --seconds; with --steady-seconds, a durable capture at"
        + " --rate events/s during which the storage process's CPU is read. Adds durableEventsPerSec,"
        + " fireAndForgetEventsPerSec, storageCpuSecondsPerMillionEvents, storageRssMb (peak),"
        + " [storageCpuPercentAtSteadyRate, steadyAckP99Ms], clusterStored / clusterExpected, and"
        + " localEventsPerSec (= eventsPerSec, the baseline). Targets: durable >= 300,000/s, fire-and-forget"
        + " >= 400,000/s, < 1 % of a core at 1,000/s."})
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--events", paramLabel = "N", defaultValue = "2000000",
      description = "How many events. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1_000, max = 50_000_000)
  int count;

  @Mixin
  BenchDirectory benchDirectory;

  @Option(names = "--encrypted", description = "Also run the module with [encryption] on (a key file in DIR):"
      + " eventsPerSec is then the encrypted run, plainEventsPerSec the faster of two unencrypted runs around it,"
      + " and encryptedRatio their quotient.")
  boolean encrypted;

  @Option(names = "--cluster", description = "Also measure storage and capture as two processes (below).")
  boolean cluster;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
      description = "With --cluster: how long each cluster capture sends. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 3_600)
  long clusterSeconds;

  @Option(names = "--steady-seconds", paramLabel = "S", defaultValue = "0",
      description = "With --cluster: how long the steady durable capture runs (0: not at all)."
          + " Default: ${DEFAULT-VALUE}.")
  @Within(min = 0, max = 86_400)
  long steadySeconds;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
      description = "With --cluster: events/s of the steady capture. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 1_000_000)
  long steadyRate;

  @Mixin
  ConfigOption configOption;

  @Spec
  CommandSpec spec;

  /** Events the producer keeps in flight: well under the write-queue bound, so none is refused. */
  private static final int IN_FLIGHT = 60_000;
  /** Every this-many-th event is a request, whose reply (after commit) moves the window on. */
  private static final int ACK_EVERY = 2_000;
  private static final int SESSIONS = 4;

  @Override
  public Integer call() throws Exception {
    Path dir = benchDirectory.path();
    Path configFile = configOption.file;
    return BenchFiles.stoppable(spec.name(), dir, () -> bench(count, dir, encrypted, cluster, clusterSeconds,
        steadySeconds, steadyRate, configFile));
  }

  private int bench(int count, Path dir, boolean encrypted, boolean cluster, long clusterSeconds,
      long steadySeconds, long steadyRate, Path configFile) throws Exception {
    BenchFiles.emptyDirectory(dir);

    System.err.println("bench: generating " + count + " events");
    List<RawEvent> events = generate(count);

    System.err.println("bench: baseline, plain sqlite-jdbc batched insert");
    Path rawDb = dir.resolve("raw.db");
    double rawSeconds = rawInsert(rawDb, events);
    long rawBytes = checkpointedSize(rawDb);

    System.err.println("bench: module, event bus -> committed blocks");
    Path moduleDb = dir.resolve("module.db");
    ModuleRun plain = moduleRun(dir, moduleDb, EncryptionAtRest.OFF, events);
    ModuleRun measured = plain;
    if (encrypted) {
      System.err.println("bench: module with encryption on");
      moduleDb = dir.resolve("encrypted.db");
      measured = moduleRun(dir, moduleDb, new StorageConfig.Encryption(true, dir.resolve("bench.key"), null, null),
          events);
      // The plain run again after it, so that neither gains from running second (JIT, caches):
      // the faster plain run is the baseline.
      System.err.println("bench: module with encryption off, again");
      ModuleRun again = moduleRun(dir, dir.resolve("module-again.db"), EncryptionAtRest.OFF, events);
      plain = again.seconds() < plain.seconds() ? again : plain;
    }
    double moduleSeconds = measured.seconds();
    double dropped = measured.dropped();
    long moduleBytes = checkpointedSize(moduleDb);
    long stored = measured.stored();

    double eventsPerSec = count / moduleSeconds;
    double rawPerSec = count / rawSeconds;
    JsonObject result = new JsonObject()
        .put("events", count)
        .put("stored", stored)
        .put("dropped", (long) dropped)
        .put("eventsPerSec", Math.round(eventsPerSec))
        .put("rawSqlitePerSec", Math.round(rawPerSec))
        .put("ratio", round(eventsPerSec / rawPerSec))
        .put("bytesPerEvent", round((double) moduleBytes / count))
        .put("rawBytesPerEvent", round((double) rawBytes / count))
        .put("moduleSeconds", round(moduleSeconds))
        .put("rawSeconds", round(rawSeconds));
    boolean complete = stored == count && plain.stored() == count;
    if (encrypted) {
      double plainPerSec = count / plain.seconds();
      result.put("plainEventsPerSec", Math.round(plainPerSec)).put("encryptedRatio", round(eventsPerSec / plainPerSec));
    }
    if (cluster) {
      Path hazelcast = StorageConfig.fromJson(ConfigFiles.loadJson(configFile)).cluster()
          .hazelcastConfig();
      JsonObject figures = new ClusterBench(dir, hazelcast, clusterSeconds, steadySeconds,
          steadyRate).run();
      result.mergeIn(figures).put("localEventsPerSec", Math.round(eventsPerSec));
      complete &= figures.getLong("clusterStored").equals(figures.getLong("clusterExpected"))
          && figures.getLong("failed") == 0;
    }
    System.out.println(result.encode());
    return complete ? 0 : 1;
  }

  private record ModuleRun(double seconds, double dropped, long stored) {
  }

  /** Sends every event through a module on {@code db} until the last is committed. */
  private static ModuleRun moduleRun(Path dir, Path db, StorageConfig.Encryption encryption, List<RawEvent> events)
      throws Exception {
    StorageConfig config = StorageConfig.fromJson(new JsonObject()
        .put("storage", new JsonObject()
            .put("database_path", db.toString())
            .put("screenshot_dir", dir.resolve("screenshots").toString())
            .put("backup_dir", dir.resolve("backups").toString())
            .put("backup_interval_hours", 0))
        .put("http", new JsonObject().put("enabled", false))
        .put("encryption", new JsonObject().put("enabled", encryption.enabled())
            .put("key_file", encryption.keyFile().toString())));
    ModuleHost host = ModuleHost.start(config);
    double seconds;
    double dropped;
    try {
      long t0 = System.nanoTime();
      new Producer(host.vertx(), events).run().await();
      seconds = (System.nanoTime() - t0) / 1e9;
      dropped = host.registry().find("skelly.events.dropped").counters().stream()
          .mapToDouble(c -> c.count()).sum();
    } finally {
      host.close();
    }
    return new ModuleRun(seconds, dropped, Stats.of(db).getLong("events"));
  }

  private static List<RawEvent> generate(int count) {
    List<SyntheticCapture> sessions = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      sessions.add(new SyntheticCapture(UUID.randomUUID(), i));
    }
    List<RawEvent> events = new ArrayList<>(count);
    long t = System.currentTimeMillis() * 1000L;
    for (int i = 0; i < count; i++) {
      if (i % 100_000 == 0) {
        StopSignals.check();
      }
      t += 200 + (i % 7) * 50; // a few hundred microseconds apart, as at a high event rate
      events.add(sessions.get(i % SESSIONS).next(t));
    }
    return events;
  }

  /** The baseline: one row per event, the wire bytes as payload, 10,000 rows a transaction. */
  private static double rawInsert(Path db, List<RawEvent> events) throws Exception {
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE events (timestamp_us INTEGER NOT NULL, session_id BLOB NOT NULL,"
          + " sequence INTEGER NOT NULL, event_type INTEGER NOT NULL, data BLOB NOT NULL,"
          + " PRIMARY KEY (session_id, sequence)) WITHOUT ROWID");
      long t0 = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?, ?, ?, ?, ?)")) {
        for (int i = 0; i < events.size(); i++) {
          if (i % 10_000 == 0) {
            StopSignals.check();
            st.execute("BEGIN IMMEDIATE");
          }
          RawEvent e = events.get(i);
          ps.setLong(1, e.timestampMicros());
          ps.setBytes(2, Uuids.toBytes(e.sessionId()));
          ps.setLong(3, e.sequence());
          ps.setInt(4, e.kind().code());
          ps.setBytes(5, EventEncoding.encodeSingle(e));
          ps.addBatch();
          if (i % 10_000 == 9_999 || i == events.size() - 1) {
            ps.executeBatch();
            st.execute("COMMIT");
          }
        }
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /** File size once the WAL is folded back in, so both sides are measured alike. */
  private static long checkpointedSize(Path db) throws Exception {
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot checkpoint " + db + ": " + e.getMessage(), e);
    }
    return Files.size(db);
  }


  /**
   * Sends every event from one event loop, keeping at most {@link #IN_FLIGHT} unconfirmed: every
   * {@link #ACK_EVERY}-th event is a request, answered after its commit; commits are in order, so
   * its reply confirms everything sent before it.
   */
  private static final class Producer {
    private final Vertx vertx;
    private final List<RawEvent> events;
    private final Promise<Void> done = Promise.promise();
    private int sent;
    private int confirmed;

    Producer(Vertx vertx, List<RawEvent> events) {
      this.vertx = vertx;
      this.events = events;
    }

    Future<Void> run() {
      vertx.runOnContext(v -> pump());
      return done.future();
    }

    private void pump() {
      if (StopSignals.requested()) {
        done.tryFail(new StopSignals.Stopped(StopSignals.onStop().getNow("")));
        return;
      }
      EventBus bus = vertx.eventBus();
      int burstEnd = Math.min(events.size(), sent + 4_096);
      while (sent < burstEnd && sent - confirmed < IN_FLIGHT) {
        int index = sent++;
        RawEvent e = events.get(index);
        if (index % ACK_EVERY == ACK_EVERY - 1 || index == events.size() - 1) {
          bus.request(Addresses.EVENTS_RAW, e).onComplete(ar -> {
            if (ar.failed()) {
              done.tryFail(ar.cause());
              return;
            }
            confirmed = Math.max(confirmed, index + 1);
            if (confirmed == events.size()) {
              done.tryComplete();
            } else {
              pump();
            }
          });
        } else {
          bus.send(Addresses.EVENTS_RAW, e);
        }
      }
      if (sent < events.size() && sent - confirmed < IN_FLIGHT) {
        vertx.runOnContext(v -> pump()); // let the loop breathe between bursts
      }
    }
  }
}
