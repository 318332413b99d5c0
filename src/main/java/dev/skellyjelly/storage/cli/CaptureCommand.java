package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.client.StorageClient;
import dev.skellyjelly.storage.client.StorageClientOptions;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.time.StorageClock;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code capture}: a synthetic Data Capture node in its own process, sending the desktop mix to
 * the storage node over the clustered event bus, fire-and-forget or durably.
 */
@Command(name = "capture",
    header = "a synthetic Data Capture node sending to storage over the cluster",
    description = {"Joins the cluster (conf/cluster.xml through the config's [cluster] table), waits for a storage"
        + " node, then sends the demo mix as one capture session at N events/s for S seconds through a"
        + " StorageClient, which coalesces the events into frames. Fire-and-forget by default: what the client's"
        + " bound (or storage's write queue) refuses is counted in refused, and a last request confirms that"
        + " everything before it was committed. With --durable every event is acknowledged after its commit;"
        + " frames are retried with backoff and jitter on TIMEOUT, NO_HANDLERS and BACKPRESSURE (a retry is stored"
        + " once) for up to --retry-seconds, and the sender waits while the client is full.",
        "Last stdout line: JSON with session, mode, sent, acked, failed, refused, frames, elapsedSeconds,"
        + " eventsPerSec (committed), and with --durable ackP50Ms / ackP99Ms (send to acknowledgement after"
        + " commit). SIGINT/SIGTERM ends the sending early: what is held is sent and answered, the JSON printed"
        + " (with \"stopped\"), exit 0."},
    defaultValueProvider = CaptureCommand.ClientDefaults.class)
final class CaptureCommand implements Callable<Integer> {

  @Option(names = "--cluster", description = "Required: capture reaches the module over the clustered event bus.")
  boolean cluster;

  @Option(names = "--durable", description = "Request and retry every event.")
  boolean durable;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
      description = "Events per second. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 10_000_000)
  long rate;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
      description = "How long to send. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 86_400)
  long seconds;

  @Option(names = "--retry-seconds", paramLabel = "S",
      description = "How long a durable frame is retried. Default: ${DEFAULT-VALUE}.")
  @Within(min = 0, max = 86_400)
  long retrySeconds;

  @Option(names = "--max-queued-events", paramLabel = "N",
      description = "The client's bound on events held. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = Integer.MAX_VALUE)
  long maxQueued;

  @Option(names = "--screenshots", paramLabel = "N", defaultValue = "0",
      description = "After the events, N screenshots of 5 MiB (raw BGRA), one at a time, each answered once"
          + " stored and analysed; across the cluster in chunks. Adds screenshots, screenshotP50Ms,"
          + " screenshotP99Ms. Default: ${DEFAULT-VALUE}.")
  @Within(min = 0, max = 100_000)
  int screenshots;

  @Option(names = "--screenshot-baseline", description = "With --screenshots: each also sent the old way, as one"
      + " message, for singleMessageScreenshotP50Ms / P99Ms measured alike in the same run.")
  boolean screenshotBaseline;

  @Option(names = "--screenshot-chunk-kb", paramLabel = "KB",
      description = "With --screenshots: the size of a data chunk, KiB. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 1024)
  int screenshotChunkKb;

  @Option(names = "--seed", paramLabel = "N", description = "Generator seed. Default: random.")
  Long seedOption;

  @Mixin
  ConfigOption configOption;

  @Spec
  CommandSpec spec;

  /** The client's own defaults for the client's options: StorageClientOptions holds them, once. */
  static final class ClientDefaults implements IDefaultValueProvider {
    @Override
    public String defaultValue(ArgSpec arg) {
      String name = arg instanceof OptionSpec option ? option.longestName() : "";
      return switch (name) {
        case "--retry-seconds" -> Long.toString(StorageClientOptions.DEFAULT_RETRY_HORIZON.toSeconds());
        case "--max-queued-events" -> Long.toString(StorageClientOptions.DEFAULT_MAX_QUEUED_EVENTS);
        case "--screenshot-chunk-kb" -> Integer.toString(StorageClientOptions.DEFAULT_SCREENSHOT_CHUNK_BYTES / 1024);
        default -> null;
      };
    }
  }

  @Override
  public Integer call() throws Exception {
    long seed = seedOption != null ? seedOption : System.nanoTime();
    Path configFile = configOption.file;

    Vertx vertx = PeerNode.join(configFile, cluster, spec.name());
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
      if (screenshots > 0) {
        result.mergeIn(new ScreenshotRound(vertx, capture, screenshotChunkKb * 1024)
            .run(screenshots, screenshotBaseline));
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
