package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.store.Stats;
import dev.skellyjelly.storage.time.StorageClock;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the module plus a synthetic Data Capture on the same Vert.x, sending the desktop
 * mix at a set rate with a screenshot every two seconds; prints progress, then one JSON line
 * with what was generated and what the database holds.
 */
@Command(name = "demo",
    header = "run the module with a synthetic Data Capture and report what was stored",
    description = {"Starts the module (settings from the config file, database and screenshot directory replaced by"
        + " the demo's own, on a fresh database marked as the demo's) and a synthetic capture session that sends a"
        + " realistic mix of all seven event kinds at N events/s for S seconds, plus a screenshot every 2 s (every"
        + " 4th one 5 MiB, to use the file route). Progress goes to stderr; the last line of stdout is JSON:"
        + " generated, stored, windows, screenshots, dropped, db, screenshotDir. SIGINT/SIGTERM stops early"
        + " (\"stopped\" in the JSON, exit 0)."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "20",
      description = "How long to generate. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 86_400)
  long seconds;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "2000",
      description = "Events per second. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 1_000_000)
  long rate;

  @Option(names = "--db", paramLabel = "FILE", defaultValue = "data/demo/events.db",
      description = "Database file; an existing one is replaced only if demo created it, and never while a module"
          + " runs. Default: ${DEFAULT-VALUE}.")
  Path dbOption;

  @Option(names = "--http-port", paramLabel = "P",
      description = "Port of the HTTP endpoints. Default: the configuration's.")
  @Within(min = 0, max = 65_535)
  Integer httpPort;

  @Mixin
  ConfigOption configOption;

  @Override
  public Integer call() throws Exception {
    Path db = dbOption.toAbsolutePath();
    Path configFile = configOption.file;

    Path demoDir = db.getParent();
    JsonObject json = ConfigFiles.loadJson(configFile, j -> {
      ConfigFiles.table(j, "storage")
          .put("database_path", db.toString())
          .put("screenshot_dir", demoDir.resolve("screenshots").toString())
          .put("backup_dir", demoDir.resolve("backups").toString());
      if (httpPort != null) {
        ConfigFiles.table(j, "http").put("port", httpPort);
      }
    }, ConfigFiles.MODULE_KEYS);
    StorageConfig config = StorageConfig.fromJson(json);
    try {
      DemoDatabase.replace(db);
    } catch (DemoDatabase.RefusedException e) {
      System.err.println("storage demo: " + e.getMessage());
      return 1;
    }

    ModuleHost host = ModuleHost.start(config);
    Generator generator;
    double dropped;
    try {
      generator = new Generator(host.vertx(), rate, seconds);
      generator.run().await();
    } finally {
      dropped = host.registry().find("skelly.events.dropped").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      System.err.println("demo: stopping the module (open window emitted, buffer committed)");
      host.close();
    }
    JsonObject stats = Stats.of(db);
    JsonObject result = new JsonObject()
        .put("stored", stats.getLong("events"))
        .put("windows", stats.getLong("windows"))
        .put("windowEvents", stats.getLong("windowEvents"))
        .put("screenshots", stats.getLong("screenshots"))
        .put("dbBytes", stats.getLong("dbBytes"))
        .put("generated", generator.events.get())
        .put("dropped", (long) dropped)
        .put("screenshotsGenerated", generator.screenshots.get())
        .put("acknowledgedScreenshots", generator.acknowledgedScreenshots.get())
        .put("seconds", seconds)
        .put("rate", rate)
        .put("db", db.toString())
        .put("screenshotDir", config.screenshotDir().toString())
        .put("screenshotFilesLeft", countFiles(config.screenshotDir()))
        .put("query", "SELECT sum(event_count) FROM event_blocks;");
    if (StopSignals.requested()) {
      result.put("stopped", StopSignals.onStop().getNow(""));
    }
    System.out.println(result.encode());
    return result.getLong("stored").equals(result.getLong("generated")) ? 0 : 1;
  }

  /** Sends the mix from a periodic timer on an event loop, 100 ticks a second. */
  private static final class Generator {
    private final Vertx vertx;
    private final long rate;
    private final long seconds;
    private final SyntheticCapture capture = new SyntheticCapture(UUID.randomUUID(), 42);
    final AtomicLong events = new AtomicLong();
    final AtomicLong screenshots = new AtomicLong();
    final AtomicLong acknowledgedScreenshots = new AtomicLong();

    Generator(Vertx vertx, long rate, long seconds) {
      this.vertx = vertx;
      this.rate = rate;
      this.seconds = seconds;
    }

    io.vertx.core.Future<Void> run() {
      Promise<Void> done = Promise.promise();
      long start = System.nanoTime();
      long[] nextScreenshotAt = {0};
      vertx.setPeriodic(10, id -> {
        long elapsedNanos = System.nanoTime() - start;
        if (elapsedNanos >= seconds * 1_000_000_000L || StopSignals.requested()) {
          vertx.cancelTimer(id);
          done.complete();
          return;
        }
        long due = elapsedNanos * rate / 1_000_000_000L;
        long now = StorageClock.SYSTEM.wallMicros();
        var bus = vertx.eventBus();
        for (long n = events.get(); n < due; n++) {
          bus.send(Addresses.EVENTS_RAW, capture.next(now));
          events.incrementAndGet();
        }
        if (elapsedNanos >= nextScreenshotAt[0]) {
          nextScreenshotAt[0] += 2_000_000_000L;
          boolean large = screenshots.getAndIncrement() % 4 == 3;
          bus.request(Addresses.EVENTS_RAW, capture.screenshot(now, large))
              .onSuccess(r -> acknowledgedScreenshots.incrementAndGet())
              .onFailure(err -> System.err.println("demo: screenshot refused: " + err.getMessage()));
        }
      });
      vertx.setPeriodic(1000, id -> {
        if (done.future().isComplete()) {
          vertx.cancelTimer(id);
          return;
        }
        System.err.printf("demo: %ds generated=%d screenshots=%d%n",
            (System.nanoTime() - start) / 1_000_000_000L, events.get(), screenshots.get());
      });
      return done.future();
    }
  }

  private static long countFiles(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var files = Files.list(dir)) {
      return files.count();
    }
  }
}
