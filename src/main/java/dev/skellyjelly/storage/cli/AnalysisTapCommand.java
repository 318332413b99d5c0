package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.bus.Addresses;
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

    String stoppedBy = StopSignals.await(seconds) ? StopSignals.onStop().getNow("") : null;
    // Report first: leaving the cluster has been seen to take long.
    if (out != null) {
      tally.write(out);
    }
    JsonObject summary = tally.summary();
    if (stoppedBy != null) {
      summary.put("stopped", stoppedBy);
    }
    System.out.println(summary.encode());
    System.out.flush();
    PeerNode.leave(vertx);
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

    /** Written beside the target and renamed: the file is complete or absent, never partial. */
    synchronized void write(Path file) throws java.io.IOException {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      dev.skellyjelly.storage.store.SqliteFiles.ensurePrivateFile(tmp); // 600 before the first byte
      try (BufferedWriter w = Files.newBufferedWriter(tmp, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
        for (String k : keys) {
          w.write(k);
          w.newLine();
        }
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
