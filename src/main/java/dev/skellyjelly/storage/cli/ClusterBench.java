package dev.skellyjelly.storage.cli;

import static dev.skellyjelly.storage.cli.BenchFigures.round;

import dev.skellyjelly.storage.store.Stats;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench --cluster}: storage and capture as two processes on loopback, as a desktop runs
 * them. A storage node ({@code run --cluster}) takes first a durable capture, then a
 * fire-and-forget one, each sending as fast as the client lets it; the storage process's CPU
 * seconds and peak RSS are read from {@code /proc}. Then 5 MiB screenshots, one at a time, each
 * timed until stored and analysed — in chunks, and the old way as one message for comparison —
 * while Vert.x's blocked-thread warnings in the storage process's log are counted. Optionally a
 * steady durable phase at a desktop's rate measures the storage process's share of a core and
 * the ack latency.
 */
final class ClusterBench {

  /** Heap of the storage process. */
  static final int STORAGE_HEAP_MB = 256;

  private final Path dir;
  private final Path hazelcastConfig;
  private final long seconds;
  private final long steadySeconds;
  private final long steadyRate;
  private final int screenshots;
  private long steadyCommitted;
  private long screenshotPhaseCommitted;
  private double steadyAckP99Ms;

  /** What Vert.x's blocked-thread checker logs when an event loop is held too long. */
  static final String BLOCKED_THREAD_WARNING = "has been blocked for";

  ClusterBench(Path dir, Path hazelcastConfig, long seconds, long steadySeconds, long steadyRate,
      int screenshots) {
    this.dir = dir;
    this.screenshots = screenshots;
    this.hazelcastConfig = hazelcastConfig;
    this.seconds = seconds;
    this.steadySeconds = steadySeconds;
    this.steadyRate = steadyRate;
  }

  /**
   * The storage node runs as the launcher runs {@code run} ({@code SKELLY_RUN_JAVA_OPTS}, which it
   * exports); started otherwise, with at least the heap a desktop service is given: the JVM's
   * default is a quarter of the RAM, filled lazily, and the RSS figure would measure that.
   */
  static List<String> storageJvmOptions() {
    String run = System.getenv("SKELLY_RUN_JAVA_OPTS");
    return run == null || run.isBlank() ? List.of("-Xmx" + STORAGE_HEAP_MB + "m")
        : List.of(run.trim().split("\\s+"));
  }

  /** Runs the phases; the figures, and {@code stored} as counted in the database afterwards. */
  JsonObject run() throws Exception {
    Path data = dir.resolve("cluster");
    Path db = data.resolve("events.db");
    Path config = ClusterConfigFile.write(dir.resolve("cluster-bench.toml"), data, hazelcastConfig);
    String cfg = config.toString();
    JsonObject result = new JsonObject();
    try (ChildJvm storage = ChildJvm.start("storage", storageJvmOptions(),
        List.of("run", "--cluster", "--config", cfg))) {
      storage.awaitLine("Skelly-Jelly Storage is running", 120);
      double cpu0 = storage.cpuSeconds();
      JsonObject durable = capture(cfg, true);
      JsonObject fireAndForget = capture(cfg, false);
      double cpu1 = storage.cpuSeconds();
      long committed = durable.getLong("acked") + fireAndForget.getLong("sent")
          - fireAndForget.getLong("refused") - fireAndForget.getLong("failed");
      result.put("durableEventsPerSec", durable.getLong("eventsPerSec"))
          .put("durableAcked", durable.getLong("acked"))
          .put("fireAndForgetEventsPerSec", fireAndForget.getLong("eventsPerSec"))
          .put("fireAndForgetSent", fireAndForget.getLong("sent"))
          .put("fireAndForgetRefused", fireAndForget.getLong("refused"))
          .put("failed", durable.getLong("failed") + fireAndForget.getLong("failed"))
          .put("storageCpuSecondsPerMillionEvents", round((cpu1 - cpu0) / committed * 1e6));
      if (screenshots > 0) {
        result.mergeIn(screenshots(cfg));
      }
      if (steadySeconds > 0) {
        result.put("storageCpuPercentAtSteadyRate", steady(storage, cfg))
            .put("steadyRate", steadyRate)
            .put("steadyAckP99Ms", steadyAckP99Ms);
      }
      result.put("storageRssMb", Math.round(storage.peakRssMb()))
          .put("storageHeapMb", STORAGE_HEAP_MB)
          .put("storageJvmOptions", String.join(" ", storageJvmOptions()))
          .put("storageBlockedThreadWarnings", storage.linesContaining(BLOCKED_THREAD_WARNING));
      int exit = storage.terminate(60);
      if (exit != 0 && exit != 143) {
        throw new IllegalStateException("the storage node exited " + exit + " on SIGTERM");
      }
      long stored = Stats.of(db).getLong("events");
      long expected = committed + steadyCommitted + screenshotPhaseCommitted;
      result.put("clusterStored", stored).put("clusterExpected", expected);
    }
    return result;
  }

  private JsonObject capture(String cfg, boolean durable) throws Exception {
    // Durable: as fast as the client lets it (the sender waits while the client is full).
    // Fire-and-forget: a million a second, which no storage node keeps up with: the client
    // refuses (and counts) what it cannot hold.
    String rate = durable ? "10000000" : "1000000";
    List<String> args = new ArrayList<>(List.of("capture", "--cluster", "--rate", rate,
        "--seconds", String.valueOf(seconds), "--seed", "1", "--config", cfg));
    if (durable) {
      args.add("--durable");
    }
    System.err.println("bench: cluster, " + (durable ? "durable" : "fire-and-forget") + " capture");
    try (ChildJvm capture = ChildJvm.start("capture", args)) {
      return capture.result(seconds + 300);
    }
  }

  /**
   * Screenshots from a capture of their own (its few events sent durably): the median and p99
   * from send to the answer after storage held and analysed them, chunked and as one message.
   */
  private JsonObject screenshots(String cfg) throws Exception {
    System.err.println("bench: cluster, " + screenshots + " screenshots of 5 MiB, chunked and as one message");
    try (ChildJvm capture = ChildJvm.start("capture", List.of("capture", "--cluster", "--durable",
        "--rate", "1", "--seconds", "1", "--screenshots", String.valueOf(screenshots),
        "--screenshot-baseline", "--seed", "3", "--config", cfg))) {
      JsonObject r = capture.result(300 + screenshots);
      screenshotPhaseCommitted = r.getLong("acked");
      return new JsonObject()
          .put("clusterScreenshots", r.getLong("screenshots"))
          .put("clusterScreenshotMedianMs", r.getDouble("screenshotP50Ms"))
          .put("clusterScreenshotP99Ms", r.getDouble("screenshotP99Ms"))
          .put("clusterScreenshotSingleMessageMedianMs", r.getDouble("singleMessageScreenshotP50Ms"))
          .put("clusterScreenshotSingleMessageP99Ms", r.getDouble("singleMessageScreenshotP99Ms"));
    }
  }

  /**
   * A capture at the steady rate; the storage CPU is read over the middle of it, after the
   * capture has joined and before it drains, so it measures the rate and not the start-up.
   */
  private double steady(ChildJvm storage, String cfg) throws Exception {
    long warmUp = Math.min(60, steadySeconds / 4);
    System.err.println("bench: cluster, " + steadyRate + " events/s for " + steadySeconds + " s");
    try (ChildJvm capture = ChildJvm.start("capture", List.of("capture", "--cluster", "--durable",
        "--rate", String.valueOf(steadyRate), "--seconds", String.valueOf(steadySeconds + 2 * warmUp),
        "--seed", "2", "--config", cfg))) {
      capture.awaitLine("capture: sent=", 120);
      StopSignals.await(warmUp);
      StopSignals.check();
      double cpu0 = storage.cpuSeconds();
      StopSignals.await(steadySeconds);
      StopSignals.check();
      double cpu1 = storage.cpuSeconds();
      JsonObject r = capture.result(steadySeconds + 3 * warmUp + 300);
      steadyCommitted = r.getLong("acked");
      steadyAckP99Ms = r.getDouble("ackP99Ms");
      return round((cpu1 - cpu0) / steadySeconds * 100);
    }
  }

}
