package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.Stats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * One measured {@code bench} run of the module: every event sent over the bus into a module on a
 * fresh database, timed until the last is committed; with the events dropped and stored.
 */
record BusIngestRun(double seconds, double dropped, long stored) {

  /** Events the producer keeps in flight: well under the write-queue bound, so none is refused. */
  private static final int IN_FLIGHT = 60_000;
  /** Every this-many-th event is a request, whose reply (after commit) moves the window on. */
  private static final int ACK_EVERY = 2_000;

  /** Sends every event through a module on {@code db} until the last is committed. */
  static BusIngestRun run(Path dir, Path db, StorageConfig.Encryption encryption, List<RawEvent> events)
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
    return new BusIngestRun(seconds, dropped, Stats.of(db).getLong("events"));
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
