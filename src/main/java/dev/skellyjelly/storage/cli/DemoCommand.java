package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.store.Stats;
import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.time.StorageClock;
import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code demo}: the module plus a synthetic Data Capture on the same Vert.x, sending the desktop
 * mix at a set rate with a screenshot every two seconds; prints progress, then one JSON line
 * with what was generated and what the database holds.
 */
final class DemoCommand implements Command {

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "run the module with a synthetic Data Capture and report what was stored";
  }

  @Override
  public String help() {
    return """
        usage: launcher/storage demo [--seconds S] [--rate N] [--db FILE] [--config FILE]
                                     [--http-port P]

        Starts the module (settings from the config file, database and screenshot directory
        replaced by the demo's own, on a fresh database marked as the demo's) and a synthetic capture session that sends a realistic
        mix of all seven event kinds at N events/s for S seconds, plus a screenshot every 2 s
        (every 4th one 5 MiB, to use the file route). Progress goes to stderr; the last line
        of stdout is JSON: generated, stored, windows, screenshots, dropped, db, screenshotDir.

          --seconds S      how long to generate (default 20)
          --rate N         events per second (default 2000)
          --db FILE        database file (default data/demo/events.db); an existing one is
                           replaced only if demo created it, and never while a module runs
          --config FILE    TOML configuration (default conf/storage.toml)
          --http-port P    port of the HTTP endpoints (default: the config's)""";
  }

  @Override
  public int run(Args args) throws Exception {
    long seconds = args.number("seconds", 20, 1, 86_400);
    long rate = args.number("rate", 2000, 1, 1_000_000);
    Path db = args.path("db", "data/demo/events.db").toAbsolutePath();
    Path configFile = args.path("config", "conf/storage.toml");
    String httpPort = args.string("http-port", null);
    args.rejectUnknown();

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
