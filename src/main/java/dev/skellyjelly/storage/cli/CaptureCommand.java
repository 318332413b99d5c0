package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.StorageClock;
import dev.skellyjelly.storage.client.StorageClient;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code capture}: a synthetic Data Capture node in its own process, sending the desktop mix to
 * the storage node over the clustered event bus, fire-and-forget or durably.
 */
final class CaptureCommand implements Command {

  /** Durable requests in flight at most; past it the sender waits for replies. */
  private static final int MAX_IN_FLIGHT = 20_000;

  @Override
  public String name() {
    return "capture";
  }

  @Override
  public String summary() {
    return "a synthetic Data Capture node sending to storage over the cluster";
  }

  @Override
  public String help() {
    return """
        usage: launcher/storage capture --cluster [--durable] [--rate N] [--seconds S]
                                        [--config FILE] [--seed N]

        Joins the cluster (conf/cluster.xml through the config's [cluster] table), waits for
        a storage node, then sends the demo mix as one capture session at N events/s for S
        seconds. Fire-and-forget by default: a last request confirms that everything before
        it was committed. With --durable every event is a request, retried with exponential
        backoff on TIMEOUT, NO_HANDLERS and BACKPRESSURE (a retry is stored once).
        Last stdout line: JSON with session, sent, acked, failed, eventsPerSec (committed).

          --rate N        events per second (default 1000)
          --seconds S     how long to send (default 10)
          --durable       request and retry every event
          --seed N        generator seed (default: random)
          --config FILE   TOML configuration (default conf/storage.toml)""";
  }

  @Override
  public int run(Args args) throws Exception {
    boolean cluster = args.flag("cluster");
    boolean durable = args.flag("durable");
    long rate = args.number("rate", 1000, 1, 10_000_000);
    long seconds = args.number("seconds", 10, 1, 86_400);
    long seed = args.number("seed", System.nanoTime(), Long.MIN_VALUE, Long.MAX_VALUE);
    Path configFile = args.path("config", "conf/storage.toml");
    args.rejectUnknown();

    Vertx vertx = PeerNode.join(configFile, cluster, name());
    try {
      PeerNode.awaitStorage(vertx, 60_000).await();
      StorageClient client = new StorageClient(vertx, StorageClient.RetryPolicy.DEFAULT);
      SyntheticCapture capture = new SyntheticCapture(UUID.randomUUID(), seed);
      System.err.println("capture: session " + capture.session() + (durable ? " (durable)" : ""));
      Sender sender = new Sender(vertx, client, capture, durable, rate, seconds);
      long t0 = System.nanoTime();
      sender.run().await();
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long committed = durable ? sender.acked.get() : sender.sent.get();
      JsonObject result = new JsonObject()
          .put("session", capture.session().toString())
          .put("mode", durable ? "durable" : "fire-and-forget")
          .put("sent", sender.sent.get())
          .put("acked", sender.acked.get())
          .put("failed", sender.failed.get())
          .put("elapsedSeconds", Math.round(elapsed * 1000) / 1000.0)
          .put("eventsPerSec", Math.round(committed / elapsed));
      System.out.println(result.encode());
      return sender.failed.get() == 0 ? 0 : 1;
    } finally {
      vertx.close().await();
    }
  }

  /** Sends from a 10 ms timer; completes when every durable request is answered. */
  private static final class Sender {
    private final Vertx vertx;
    private final StorageClient client;
    private final SyntheticCapture capture;
    private final boolean durable;
    private final long rate;
    private final long seconds;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    private final Promise<Void> done = Promise.promise();
    private boolean finished;

    Sender(Vertx vertx, StorageClient client, SyntheticCapture capture, boolean durable, long rate,
        long seconds) {
      this.vertx = vertx;
      this.client = client;
      this.capture = capture;
      this.durable = durable;
      this.rate = rate;
      this.seconds = seconds;
    }

    io.vertx.core.Future<Void> run() {
      long start = System.nanoTime();
      vertx.setPeriodic(10, id -> {
        long elapsed = System.nanoTime() - start;
        if (elapsed >= seconds * 1_000_000_000L) {
          vertx.cancelTimer(id);
          finish();
          return;
        }
        long due = elapsed * rate / 1_000_000_000L;
        long now = StorageClock.SYSTEM.wallMicros();
        while (sent.get() < due && (!durable || sent.get() - acked.get() - failed.get() < MAX_IN_FLIGHT)) {
          RawEvent e = capture.next(now);
          sent.incrementAndGet();
          if (durable) {
            client.sendDurably(e).onComplete(ar -> {
              (ar.succeeded() ? acked : failed).incrementAndGet();
              if (ar.failed()) {
                System.err.println("capture: event " + e.sequence() + " failed: " + ar.cause().getMessage());
              }
              checkDone();
            });
          } else {
            client.send(e);
          }
        }
      });
      vertx.setPeriodic(1000, id -> {
        if (done.future().isComplete()) {
          vertx.cancelTimer(id);
        } else {
          System.err.printf("capture: sent=%d acked=%d failed=%d%n", sent.get(), acked.get(), failed.get());
        }
      });
      return done.future();
    }

    private void finish() {
      if (durable) {
        finished = true;
        checkDone();
        return;
      }
      // A last durable event: its reply comes after its commit, and commits are in order.
      RawEvent last = capture.next(StorageClock.SYSTEM.wallMicros());
      sent.incrementAndGet();
      client.sendDurably(last).onComplete(ar -> {
        (ar.succeeded() ? acked : failed).incrementAndGet();
        done.tryComplete();
      });
    }

    private void checkDone() {
      if (finished && acked.get() + failed.get() == sent.get()) {
        done.tryComplete();
      }
    }
  }
}
