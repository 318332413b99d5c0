package dev.skellyjelly.storage.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three JVM processes on 127.0.0.1 — storage, capture, analysis-tap — on the Hazelcast
 * clustered event bus, as the launcher runs them.
 */
class ClusterProcessesTest {

  @TempDir
  Path dir;

  private final List<Node> nodes = new ArrayList<>();

  /** One child JVM running {@code Main} with its output collected line by line. */
  private final class Node {
    final String name;
    final Process process;
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();

    private record Watch(String text, CompletableFuture<String> seen) {
    }

    Node(String name, String... args) throws IOException {
      this.name = name;
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          "dev.skellyjelly.storage.cli.Main"));
      command.addAll(List.of(args));
      process = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile()).start();
      pump(process.getInputStream(), out);
      pump(process.getErrorStream(), err);
      nodes.add(this);
    }

    private void pump(InputStream stream, List<String> lines) {
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            lines.add(line);
            for (Watch w : watches) {
              if (line.contains(w.text)) {
                w.seen.complete(line);
              }
            }
          }
        } catch (IOException e) {
          // the process is gone; what it printed is kept
        }
      }, name + "-output");
      t.setDaemon(true);
      t.start();
      pumps.add(t);
    }

    /** Waits until the process prints a line containing {@code text}. */
    void awaitLine(String text, long seconds) throws Exception {
      CompletableFuture<String> seen = new CompletableFuture<>();
      watches.add(new Watch(text, seen));
      for (String line : out) {
        if (line.contains(text)) {
          seen.complete(line);
        }
      }
      for (String line : err) {
        if (line.contains(text)) {
          seen.complete(line);
        }
      }
      try {
        seen.get(seconds, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError(name + " did not print '" + text + "' in " + seconds + " s; stderr:\n"
            + String.join("\n", err));
      }
    }

    /** Waits for the exit and returns the last stdout line as JSON. */
    JsonObject result(long seconds) throws Exception {
      assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), name + " did not finish; stderr:\n"
          + String.join("\n", err));
      for (Thread pump : pumps) {
        pump.join(10_000); // everything the process wrote before exiting is read
      }
      String last = out.isEmpty() ? "" : out.get(out.size() - 1);
      assertTrue(last.startsWith("{"), name + " (exit " + process.exitValue() + ") printed no JSON;"
          + " last stdout lines: " + out.subList(Math.max(0, out.size() - 3), out.size())
          + "\nstderr:\n" + String.join("\n", err));
      return new JsonObject(last);
    }
  }

  @AfterEach
  void stopAll() {
    nodes.forEach(n -> n.process.destroyForcibly());
  }

  @Test
  void captureStorageAndAnalysisInThreeProcesses() throws Exception {
    Path db = dir.resolve("events.db");
    Path config = dir.resolve("storage.toml");
    Files.writeString(config, String.join("\n",
        "[storage]",
        "database_path = \"" + db + "\"",
        "screenshot_dir = \"" + dir.resolve("shots") + "\"",
        "backup_dir = \"" + dir.resolve("backups") + "\"",
        "batch_window_seconds = 0.5",
        "write_interval_ms = 50",
        "[http]",
        "enabled = false",
        "[cluster]",
        "name = \"test-" + UUID.randomUUID() + "\"", // never joins another run's cluster
        "hazelcast_config = \"" + Path.of("conf/cluster.xml").toAbsolutePath() + "\"",
        ""));
    String cfg = config.toString();
    Path tapFile = dir.resolve("tap.txt");

    Node storage = new Node("storage", "run", "--cluster", "--config", cfg);
    storage.awaitLine("Skelly-Jelly Storage is running", 90);
    Node tap = new Node("tap", "analysis-tap", "--cluster", "--config", cfg, "--out", tapFile.toString());
    tap.awaitLine("listening on analysis.event-batches", 90);

    JsonObject first = new Node("capture-1", "capture", "--cluster", "--durable", "--rate", "800",
        "--seconds", "2", "--seed", "1", "--config", cfg).result(120);
    assertEquals(0, first.getLong("failed"));
    assertEquals(first.getLong("sent"), first.getLong("acked"));

    // A capture node killed with kill -9 mid-stream, then a new one joining.
    Node victim = new Node("capture-killed", "capture", "--cluster", "--durable", "--rate", "800",
        "--seconds", "60", "--seed", "2", "--config", cfg);
    victim.awaitLine("capture: sent=", 90);
    victim.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    JsonObject second = new Node("capture-2", "capture", "--cluster", "--durable", "--rate", "800",
        "--seconds", "2", "--seed", "3", "--config", cfg).result(120);
    assertEquals(0, second.getLong("failed"));
    assertEquals(second.getLong("sent"), second.getLong("acked"));

    assertTrue(storage.process.isAlive(), "storage survived the killed capture node");

    // A fire-and-forget burst far past the client's bound: refusals are counted, never silent.
    JsonObject burst = new Node("capture-burst", "capture", "--cluster", "--rate", "1000000",
        "--seconds", "2", "--max-queued-events", "2000", "--seed", "4", "--config", cfg).result(120);
    assertTrue(burst.getLong("refused") > 0, burst.encode());
    assertEquals(0, burst.getLong("failed"), burst.encode());

    // SIGTERM mid-stream: the capture sends what it holds, prints its JSON and exits 0.
    Node stopped = new Node("capture-stopped", "capture", "--cluster", "--durable", "--rate", "800",
        "--seconds", "600", "--seed", "5", "--config", cfg);
    stopped.awaitLine("capture: sent=", 90);
    stopped.process.toHandle().destroy();
    JsonObject interrupted = stopped.result(10);
    assertEquals(0, stopped.process.exitValue());
    assertEquals("SIGTERM", interrupted.getString("stopped"));
    assertEquals(interrupted.getLong("sent"), interrupted.getLong("acked"), interrupted.encode());

    // SIGTERM through the handle: Process.destroy() would also close our end of its pipes and
    // lose what it prints while stopping. Storage emits the open window, commits the buffer.
    storage.process.toHandle().destroy();
    assertTrue(storage.process.waitFor(10, TimeUnit.SECONDS), "storage stopped within 10 s");
    assertEquals(0, storage.process.exitValue());
    tap.process.toHandle().destroy();
    JsonObject tapped = tap.result(10);
    assertEquals(0, tap.process.exitValue());
    assertEquals("SIGTERM", tapped.getString("stopped"));

    List<RawEvent> stored = TestSupport.storedEvents(db);
    Set<String> storedKeys = stored.stream().map(e -> e.sessionId() + " " + e.sequence())
        .collect(Collectors.toSet());
    assertEquals(stored.size(), storedKeys.size(), "every event is stored exactly once");
    for (JsonObject capture : List.of(first, second, interrupted)) {
      String session = capture.getString("session");
      Set<Long> seqs = stored.stream().filter(e -> e.sessionId().toString().equals(session))
          .map(RawEvent::sequence).collect(Collectors.toSet());
      Set<Long> acked = LongStream.range(0, capture.getLong("acked")).boxed().collect(Collectors.toSet());
      assertEquals(acked, seqs, "every acknowledged event of " + session + " is stored");
    }
    String burstSession = burst.getString("session");
    long burstStored = stored.stream().filter(e -> e.sessionId().toString().equals(burstSession)).count();
    assertEquals(burst.getLong("sent") - burst.getLong("refused"), burstStored,
        "every fire-and-forget event not refused is stored");
    Set<String> tappedKeys = new HashSet<>(Files.readAllLines(tapFile));
    assertEquals(storedKeys, tappedKeys, "the analysis node received exactly the stored events");
    assertEquals(stored.size(), tapped.getLong("events"));
  }
}
