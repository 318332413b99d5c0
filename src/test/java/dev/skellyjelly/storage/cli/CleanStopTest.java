package dev.skellyjelly.storage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to each long-running local command, as a user's Ctrl-C or a service manager does it:
 * exit 0 within 10 s, the summary JSON printed, staged events committed, the open window
 * recorded, no screenshot file and no scratch database left behind. (The clustered commands —
 * run --cluster, capture, analysis-tap — are stopped the same way in ClusterProcessesTest.)
 */
class CleanStopTest {

  @TempDir
  Path dir;

  private final List<ChildJvm> children = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    children.forEach(ChildJvm::close);
  }

  private ChildJvm start(String... args) throws Exception {
    ChildJvm child = ChildJvm.start(args[0], List.of(args));
    children.add(child);
    return child;
  }

  /** A configuration under the test's directory, HTTP off, a short write interval. */
  private Path config() throws Exception {
    Path config = dir.resolve("storage.toml");
    Files.writeString(config, String.join("\n",
        "[storage]",
        "database_path = \"" + dir.resolve("run/events.db") + "\"",
        "screenshot_dir = \"" + dir.resolve("run/shots") + "\"",
        "backup_dir = \"" + dir.resolve("run/backups") + "\"",
        "write_interval_ms = 200",
        "[http]",
        "enabled = false",
        ""));
    return config;
  }

  /** SIGTERM, then: exit 0 within 10 s and the last stdout line as JSON. */
  private static JsonObject stop(ChildJvm child) throws Exception {
    child.sigterm();
    int exit = child.awaitExit(10);
    assertEquals(0, exit, "exit code after SIGTERM (-1: still running after 10 s)\n"
        + child.output());
    JsonObject result = child.result(10);
    assertEquals("SIGTERM", result.getString("stopped"), result.encode());
    return result;
  }

  private static long files(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void demoCommitsEverythingRecordsTheOpenWindowAndLeavesNoScreenshot() throws Exception {
    Path db = dir.resolve("demo/events.db");
    ChildJvm demo = start("demo", "--seconds", "600", "--rate", "2000", "--db", db.toString(),
        "--config", config().toString());
    // By 7 s it has sent a 5 MB screenshot (the file route) and thousands of events.
    demo.awaitLine("demo: 7s", 120);
    JsonObject result = stop(demo);
    assertTrue(result.getLong("generated") > 5_000, result.encode());
    assertEquals(result.getLong("generated"), result.getLong("stored"), "nothing staged is lost");
    assertEquals(result.getLong("generated"), TestSupport.storedEvents(db).size(),
        "the database agrees");
    assertTrue(result.getLong("windows") >= 1, result.encode());
    assertEquals(result.getLong("stored"), result.getLong("windowEvents"),
        "the open window was closed and recorded: every stored event is in a recorded window");
    assertEquals(0, files(dir.resolve("demo/screenshots")), "no screenshot file left");
  }

  @Test
  void runStopsCleanlyAndASecondSignalExitsAtOnce() throws Exception {
    Path config = config();
    ChildJvm run = start("run", "--config", config.toString());
    run.awaitLine("Skelly-Jelly Storage is running", 120);
    stop(run);

    ChildJvm again = start("run", "--config", config.toString());
    again.awaitLine("Skelly-Jelly Storage is running", 120);
    again.sigterm();
    again.awaitLine("stopping cleanly", 10);
    again.sigterm();
    assertEquals(130, again.awaitExit(10), again.output());
  }

  @Test
  void benchRemovesItsScratchDatabases() throws Exception {
    Path scratch = dir.resolve("bench");
    ChildJvm bench = start("bench", "--events", "5000000", "--dir", scratch.toString());
    bench.awaitLine("bench: baseline", 120);
    JsonObject result = stop(bench);
    assertFalse(result.getBoolean("completed"));
    assertFalse(Files.exists(scratch), "scratch databases removed");
  }

  @Test
  void benchStoreRemovesItsScratchDatabase() throws Exception {
    Path scratch = dir.resolve("bench-store");
    ChildJvm bench = start("bench-store", "--days", "60", "--dir", scratch.toString());
    bench.awaitLine("bench-store: day 1 of", 120);
    stop(bench);
    assertFalse(Files.exists(scratch), "scratch database removed");
  }

  @Test
  void benchScreenshotsRemovesItsScratchFiles() throws Exception {
    Path scratch = dir.resolve("bench-screenshots");
    ChildJvm bench = start("bench-screenshots", "--count", "10000", "--dir", scratch.toString());
    bench.awaitLine("bench-screenshots: raw", 120);
    stop(bench);
    assertFalse(Files.exists(scratch), "scratch database and screenshot files removed");
  }
}
