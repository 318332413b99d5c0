package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.time.StorageClock;
import dev.skellyjelly.storage.client.StorageClient;
import dev.skellyjelly.storage.client.StorageClientOptions;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code capture}: a synthetic Data Capture node in its own process, sending the desktop mix to
 * the storage node over the clustered event bus, fire-and-forget or durably.
 */
final class CaptureCommand implements Command {

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
                                        [--retry-seconds S] [--max-queued-events N]
                                        [--config FILE] [--seed N]

        Joins the cluster (conf/cluster.xml through the config's [cluster] table), waits for
        a storage node, then sends the demo mix as one capture session at N events/s for S
        seconds through a StorageClient, which coalesces the events into frames.
        Fire-and-forget by default: what the client's bound (or storage's write queue)
        refuses is counted in refused, and a last request confirms that everything before it
        was committed. With --durable every event is acknowledged after its commit; frames are
        retried with backoff and jitter on TIMEOUT, NO_HANDLERS and BACKPRESSURE (a retry is
        stored once) for up to --retry-seconds, and the sender waits while the client is full.
        Last stdout line: JSON with session, mode, sent, acked, failed, refused, frames,
        elapsedSeconds, eventsPerSec (committed), and with --durable ackP50Ms / ackP99Ms (send
        to acknowledgement after commit). SIGINT/SIGTERM ends the sending early:
        what is held is sent and answered, the JSON printed (with "stopped"), exit 0.

          --rate N        events per second (default 1000)
          --seconds S     how long to send (default 10)
          --durable       request and retry every event
          --retry-seconds S  how long a durable frame is retried (default 60)
          --max-queued-events N  the client's bound on events held (default 200000)
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
    long retrySeconds = args.number("retry-seconds",
        StorageClientOptions.DEFAULT_RETRY_HORIZON.toSeconds(), 0, 86_400);
    long maxQueued = args.number("max-queued-events",
        StorageClientOptions.DEFAULT_MAX_QUEUED_EVENTS, 1, Integer.MAX_VALUE);
    Path configFile = args.path("config", "conf/storage.toml");
    args.rejectUnknown();

    Vertx vertx = PeerNode.join(configFile, cluster, name());
    try {
      PeerNode.awaitStorage(vertx, 60_000).await();
      StorageClient client = new StorageClient(vertx, new StorageClientOptions()
          .setRetryHorizon(Duration.ofSeconds(retrySeconds))
          .setMaxQueuedEvents((int) maxQueued));
      SyntheticCapture capture = new SyntheticCapture(UUID.randomUUID(), seed);
      System.err.println("capture: session " + capture.session() + (durable ? " (durable)" : ""));
      Sender sender = new Sender(vertx, client, capture, durable, rate, seconds);
      long t0 = System.nanoTime();
      sender.run().await();
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long failed = sender.failed.get() + client.lost();
      long committed = durable ? sender.acked.get() : sender.sent.get() - client.refused() - failed;
      JsonObject result = new JsonObject()
          .put("session", capture.session().toString())
          .put("mode", durable ? "durable" : "fire-and-forget")
          .put("sent", sender.sent.get())
          .put("acked", sender.acked.get())
          .put("failed", failed)
          .put("refused", client.refused())
          .put("frames", client.framesSent())
          .put("elapsedSeconds", Math.round(elapsed * 1000) / 1000.0)
          .put("eventsPerSec", Math.round(committed / elapsed));
      if (durable) {
        result.put("ackP50Ms", sender.latencies.percentileMs(0.5))
            .put("ackP99Ms", sender.latencies.percentileMs(0.99));
      }
      if (StopSignals.requested()) {
        result.put("stopped", StopSignals.onStop().getNow(""));
      }
      if (sender.firstFailure != null) {
        System.err.println("capture: " + failed + " events failed; first failure: " + sender.firstFailure);
      }
      System.out.println(result.encode());
      return failed == 0 ? 0 : 1;
    } finally {
      PeerNode.leave(vertx);
    }
  }

  /**
   * Generates the events due at the rate from a 10 ms timer. Fire-and-forget sends whatever is
   * due, as a real capture would: what the client's bound refuses is counted. Durable sending
   * waits while the client is full and resumes from its drain handler. Completes when every
   * event is answered.
   */
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
    /** Send to acknowledgement (after commit) of each durable event. */
    final Latencies latencies = new Latencies();
    volatile String firstFailure;
    private final Promise<Void> done = Promise.promise();
    private volatile boolean finished;
    private long start;

    Sender(Vertx vertx, StorageClient client, SyntheticCapture capture, boolean durable, long rate,
        long seconds) {
      this.vertx = vertx;
      this.client = client;
      this.capture = capture;
      this.durable = durable;
      this.rate = rate;
      this.seconds = seconds;
    }

    Future<Void> run() {
      start = System.nanoTime();
      client.drainHandler(v -> pump());
      vertx.setPeriodic(10, id -> {
        if (finished) {
          vertx.cancelTimer(id);
        } else {
          pump();
        }
      });
      vertx.setPeriodic(1000, id -> {
        if (done.future().isComplete()) {
          vertx.cancelTimer(id);
        } else {
          System.err.printf("capture: sent=%d acked=%d failed=%d refused=%d%n", sent.get(),
              acked.get(), failed.get(), client.refused());
        }
      });
      return done.future();
    }

    private void pump() {
      if (finished) {
        return;
      }
      long elapsed = System.nanoTime() - start;
      if (elapsed >= seconds * 1_000_000_000L || StopSignals.requested()) {
        finished = true;
        finish();
        return;
      }
      long due = elapsed * rate / 1_000_000_000L;
      long now = StorageClock.SYSTEM.wallMicros();
      while (sent.get() < due && !(durable && client.writeQueueFull())) {
        RawEvent e = capture.next(now);
        sent.incrementAndGet();
        if (durable) {
          long sentAt = System.nanoTime();
          client.sendDurably(e).onComplete(ar -> {
            latencies.record(System.nanoTime() - sentAt);
            answered(ar);
          });
        } else {
          client.send(e);
        }
      }
    }

    private void answered(AsyncResult<Long> ar) {
      if (ar.succeeded()) {
        acked.incrementAndGet();
      } else {
        failed.incrementAndGet();
        if (firstFailure == null) {
          firstFailure = ar.cause().getMessage();
        }
      }
    }

    /**
     * Everything held is sent and answered; then, for fire-and-forget, a last durable event: its
     * reply comes after its commit, and commits are in order, so all accepted before it is stored.
     */
    private void finish() {
      client.flush().onComplete(flushed -> {
        if (durable) {
          done.tryComplete();
          return;
        }
        RawEvent last = capture.next(StorageClock.SYSTEM.wallMicros());
        sent.incrementAndGet();
        client.sendDurably(last).onComplete(ar -> {
          answered(ar);
          done.tryComplete();
        });
      });
    }
  }
}
