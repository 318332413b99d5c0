package dev.skellyjelly.storage.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three JVM processes on 127.0.0.1 — storage, capture, analysis-tap — on the Hazelcast
 * clustered event bus, as the launcher runs them; this JVM joins them once as a producer.
 */
class ClusterProcessesTest {

  @TempDir
  Path dir;

  private final List<ChildJvm> nodes = new ArrayList<>();

  private ChildJvm node(String name, String... args) throws Exception {
    ChildJvm node = ChildJvm.start(name, List.of(args));
    nodes.add(node);
    return node;
  }

  @AfterEach
  void stopAll() {
    nodes.forEach(ChildJvm::close);
  }

  @Test
  void captureStorageAndAnalysisInThreeProcesses() throws Exception {
    Path db = dir.resolve("events.db"); // ClusterConfigFile puts it there
    // Screenshots are kept until the stop, so the test can read one's file while storage runs.
    Path config = ClusterConfigFile.write(dir.resolve("storage.toml"), dir,
        Path.of("conf/cluster.xml"), "batch_window_seconds = 0.5", "write_interval_ms = 50",
        "screenshot_retention_seconds = 600");
    String cfg = config.toString();
    Path tapFile = dir.resolve("tap.txt");

    ChildJvm storage = node("storage", "run", "--cluster", "--config", cfg);
    storage.awaitLine("Skelly-Jelly Storage is running", 90);
    ChildJvm tap = node("tap", "analysis-tap", "--cluster", "--config", cfg, "--out", tapFile.toString());
    tap.awaitLine("listening on analysis.event-batches", 90);

    JsonObject first = node("capture-1", "capture", "--cluster", "--durable", "--rate", "800",
        "--seconds", "2", "--seed", "1", "--config", cfg).result(120);
    assertEquals(0, first.getLong("failed"));
    assertEquals(first.getLong("sent"), first.getLong("acked"));

    // A capture node killed with kill -9 mid-stream, then a new one joining.
    ChildJvm victim = node("capture-killed", "capture", "--cluster", "--durable", "--rate", "800",
        "--seconds", "60", "--seed", "2", "--config", cfg);
    victim.awaitLine("capture: sent=", 90);
    victim.kill();
    JsonObject second = node("capture-2", "capture", "--cluster", "--durable", "--rate", "800",
        "--seconds", "2", "--seed", "3", "--config", cfg).result(120);
    assertEquals(0, second.getLong("failed"));
    assertEquals(second.getLong("sent"), second.getLong("acked"));

    assertTrue(storage.isAlive(), "storage survived the killed capture node");

    // This JVM joins as a producer too: a 5 MB screenshot in chunks, and a corrupt frame.
    ProducerInThisJvm.Sent fromHere = ProducerInThisJvm.run(config);
    assertEquals(ErrorCode.DECODE.failureCode(), fromHere.corruptFrameFailureCode(), fromHere.corruptFrameMessage());
    assertTrue(fromHere.corruptFrameMessage().contains("checksum"), fromHere.corruptFrameMessage());
    Path shotFile = dir.resolve("shots").resolve(fromHere.screenshot().screenshotId() + ".img");
    assertArrayEquals(fromHere.screenshot().data(), Files.readAllBytes(shotFile),
        "the screenshot's bytes, joined from chunks on the storage node");

    // A fire-and-forget burst far past the client's bound: refusals are counted, never silent.
    JsonObject burst = node("capture-burst", "capture", "--cluster", "--rate", "1000000",
        "--seconds", "2", "--max-queued-events", "2000", "--seed", "4", "--config", cfg).result(120);
    assertTrue(burst.getLong("refused") > 0, burst.encode());
    assertEquals(0, burst.getLong("failed"), burst.encode());

    // SIGTERM mid-stream: the capture sends what it holds, prints its JSON and exits 0.
    ChildJvm stopped = node("capture-stopped", "capture", "--cluster", "--durable", "--rate", "800",
        "--seconds", "600", "--seed", "5", "--config", cfg);
    stopped.awaitLine("capture: sent=", 90);
    stopped.sigterm();
    assertEquals(0, stopped.awaitExit(10), stopped.output());
    JsonObject interrupted = stopped.result(10);
    assertEquals("SIGTERM", interrupted.getString("stopped"));
    assertEquals(interrupted.getLong("sent"), interrupted.getLong("acked"), interrupted.encode());

    // Storage emits the open window and commits the buffer; the tap writes its file and summary.
    storage.sigterm();
    assertEquals(0, storage.awaitExit(10), "storage stopped within 10 s\n" + storage.output());
    tap.sigterm();
    assertEquals(0, tap.awaitExit(10), tap.output());
    JsonObject tapped = tap.result(10);
    assertEquals("SIGTERM", tapped.getString("stopped"));

    assertFalse(Files.exists(shotFile), "screenshot files are deleted on stop");
    assertEquals(1, TestSupport.queryLong(db, "SELECT count(*) FROM screenshot_metadata WHERE"
        + " size_bytes = " + fromHere.screenshot().data().length + " AND analysis_error IS NULL"
        + " AND text_density IS NOT NULL"), "the screenshot's row, analysed");

    List<RawEvent> stored = TestSupport.storedEvents(db);
    Set<String> storedKeys = stored.stream().map(e -> e.sessionId() + " " + e.sequence())
        .collect(Collectors.toSet());
    assertEquals(stored.size(), storedKeys.size(), "every event is stored exactly once");
    assertEquals(fromHere.frameAfterCorrupt(), stored.stream()
        .filter(e -> e.sessionId().equals(fromHere.frameAfterCorrupt().get(0).sessionId())).toList(),
        "the frame after the corrupt one is stored, whole");
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
