package dev.skellyjelly.storage.cli;

import static dev.skellyjelly.storage.cli.BenchFigures.round;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.EncryptionAtRest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
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
        + " --rate events/s during which the storage process's CPU is read; and --screenshots screenshots of 5 MiB"
        + " (raw BGRA), one at a time, each timed until stored and analysed, sent in chunks and, as the baseline,"
        + " as one message. Adds durableEventsPerSec,"
        + " fireAndForgetEventsPerSec, storageCpuSecondsPerMillionEvents, storageRssMb (peak),"
        + " [storageCpuPercentAtSteadyRate, steadyAckP99Ms], clusterScreenshotMedianMs, clusterScreenshotP99Ms,"
        + " clusterScreenshotSingleMessageMedianMs / P99Ms, storageBlockedThreadWarnings (Vert.x's warnings in the"
        + " storage process's log), clusterStored / clusterExpected, and"
        + " localEventsPerSec (= eventsPerSec, the baseline). Targets: durable >= 300,000/s, fire-and-forget"
        + " >= 400,000/s, < 1 %% of a core at 1,000/s, a 5 MB screenshot stored and analysed with a median under 30 ms"
        + " and no blocked-thread warning."})
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

  @Option(names = "--screenshots", paramLabel = "N", defaultValue = "40",
      description = "With --cluster: how many 5 MiB screenshots the screenshot phase sends (0: none)."
          + " Default: ${DEFAULT-VALUE}.")
  @Within(min = 0, max = 10_000)
  int clusterScreenshots;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
      description = "With --cluster: events/s of the steady capture. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 1_000_000)
  long steadyRate;

  @Mixin
  ConfigOption configOption;

  @Spec
  CommandSpec spec;

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
    double rawSeconds = RawSqliteInsert.seconds(rawDb, events);
    long rawBytes = BenchFiles.checkpointedSize(rawDb);

    System.err.println("bench: module, event bus -> committed blocks");
    Path moduleDb = dir.resolve("module.db");
    BusIngestRun plain = BusIngestRun.run(dir, moduleDb, EncryptionAtRest.OFF, events);
    BusIngestRun measured = plain;
    if (encrypted) {
      System.err.println("bench: module with encryption on");
      moduleDb = dir.resolve("encrypted.db");
      measured = BusIngestRun.run(dir, moduleDb, new StorageConfig.Encryption(true, dir.resolve("bench.key"), null, null),
          events);
      // The plain run again after it, so that neither gains from running second (JIT, caches):
      // the faster plain run is the baseline.
      System.err.println("bench: module with encryption off, again");
      BusIngestRun again = BusIngestRun.run(dir, dir.resolve("module-again.db"), EncryptionAtRest.OFF, events);
      plain = again.seconds() < plain.seconds() ? again : plain;
    }
    double moduleSeconds = measured.seconds();
    double dropped = measured.dropped();
    long moduleBytes = BenchFiles.checkpointedSize(moduleDb);
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
          steadyRate, clusterScreenshots).run();
      result.mergeIn(figures).put("localEventsPerSec", Math.round(eventsPerSec));
      complete &= figures.getLong("clusterStored").equals(figures.getLong("clusterExpected"))
          && figures.getLong("failed") == 0;
    }
    System.out.println(result.encode());
    return complete ? 0 : 1;
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
}
