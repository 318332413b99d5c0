package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.Addresses;
import dev.skellyjelly.storage.event.EventBatch;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code analysis-tap}: an Analysis node in its own process that prints every EventBatch it
 * receives over the cluster and, at the end or on SIGTERM, a JSON summary.
 */
final class AnalysisTapCommand implements Command {

  @Override
  public String name() {
    return "analysis-tap";
  }

  @Override
  public String summary() {
    return "an Analysis node printing the EventBatches it receives over the cluster";
  }

  @Override
  public String help() {
    return """
        usage: launcher/storage analysis-tap --cluster [--seconds S] [--out FILE] [--config FILE]

        Joins the cluster and listens on analysis.event-batches, printing one line per batch.
        After S seconds (default: until SIGTERM / Ctrl-C) the last stdout line is JSON with
        batches, events, screenshots and events per session.

          --seconds S     how long to listen (default 0: until stopped)
          --out FILE      also write every received event as "session sequence" lines
          --config FILE   TOML configuration (default conf/storage.toml)""";
  }

  @Override
  public int run(Args args) throws Exception {
    boolean cluster = args.flag("cluster");
    long seconds = args.number("seconds", 0, 0, 86_400 * 365L);
    Path out = args.path("out", null);
    Path configFile = args.path("config", "conf/storage.toml");
    args.rejectUnknown();

    Vertx vertx = PeerNode.join(configFile, cluster, name());
    Tally tally = new Tally();
    vertx.eventBus().<EventBatch>consumer(Addresses.EVENT_BATCHES, m -> {
      EventBatch b = m.body();
      tally.add(b);
      System.out.printf("batch %s start=%s events=%d screenshots=%d%n", b.windowId(),
          Instant.ofEpochSecond(0, b.startMicros() * 1000), b.events().size(), b.screenshotRefs().size());
    }).completion().await();
    System.err.println("analysis-tap: listening on " + Addresses.EVENT_BATCHES);

    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch reported = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        reported.await(10, TimeUnit.SECONDS); // let main print the summary before the JVM exits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "analysis-tap-stop"));
    if (seconds > 0) {
      stop.await(seconds, TimeUnit.SECONDS);
    } else {
      stop.await();
    }
    try {
      // Report first: on SIGTERM the JVM is already shutting down and leaving the cluster may
      // take longer than the hook waits.
      if (out != null) {
        tally.write(out);
      }
      System.out.println(tally.summary().encode());
      System.out.flush();
    } finally {
      reported.countDown();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    return 0;
  }

  /** What was received; synchronised because the summary is read from the main thread. */
  private static final class Tally {
    private long batches;
    private long events;
    private long screenshots;
    private final Map<String, Long> perSession = new TreeMap<>();
    private final List<String> keys = new ArrayList<>();

    synchronized void add(EventBatch b) {
      batches++;
      events += b.events().size();
      screenshots += b.screenshotRefs().size();
      for (RawEvent e : b.events()) {
        perSession.merge(e.sessionId().toString(), 1L, Long::sum);
        keys.add(e.sessionId() + " " + e.sequence());
      }
    }

    synchronized JsonObject summary() {
      JsonObject sessions = new JsonObject();
      perSession.forEach(sessions::put);
      return new JsonObject().put("batches", batches).put("events", events)
          .put("screenshots", screenshots).put("sessions", sessions);
    }

    synchronized void write(Path file) throws java.io.IOException {
      try (BufferedWriter w = Files.newBufferedWriter(file)) {
        for (String k : keys) {
          w.write(k);
          w.newLine();
        }
      }
    }
  }
}
