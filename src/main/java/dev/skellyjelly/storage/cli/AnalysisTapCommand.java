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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code analysis-tap}: an Analysis node in its own process that prints every EventBatch it
 * receives over the cluster and, at the end or on SIGTERM, a JSON summary.
 */
@Command(name = "analysis-tap",
    header = "an Analysis node printing the EventBatches it receives over the cluster",
    description = {"Joins the cluster and listens on analysis.event-batches, printing one line per batch. After S"
        + " seconds (or at SIGTERM / Ctrl-C) the last stdout line is JSON with batches, events, screenshots and"
        + " events per session."})
final class AnalysisTapCommand implements Callable<Integer> {

  @Option(names = "--cluster", description = "Required: the tap listens on the clustered event bus.")
  boolean cluster;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "0",
      description = "How long to listen (0: until stopped). Default: ${DEFAULT-VALUE}.")
  @Within(min = 0, max = 86_400 * 365L)
  long seconds;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Also write every received event as \"session sequence\" lines.")
  Path out;

  @Mixin
  ConfigOption configOption;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path configFile = configOption.file;

    Vertx vertx = PeerNode.join(configFile, cluster, spec.name());
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
