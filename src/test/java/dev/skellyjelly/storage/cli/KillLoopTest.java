package dev.skellyjelly.storage.cli;

import static dev.skellyjelly.storage.PrivateFilesAssert.assertPrivateTree;
import static dev.skellyjelly.storage.PrivateFilesAssert.filesNamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.ChildJvm;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.Backup;
import dev.skellyjelly.storage.store.EncryptionAtRest;
import dev.skellyjelly.storage.store.Export;
import dev.skellyjelly.storage.store.ExportFile;
import dev.skellyjelly.storage.store.EventReader;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.SqliteFiles;
import dev.skellyjelly.storage.store.Verification;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at 20 random moments of restore, backup and export (launcher commands in their own
 * JVM): every time a valid database at the path, no file that is not 600, and no temp file
 * after the next start of the same command (or of the module, for restore). Slow: run with
 * {@code mvn -B verify -Pkill-loops}.
 */
@Tag("kill-loop")
class KillLoopTest {

  private static final long T0 = 1_794_268_800_000_000L;
  private static final int KILLS = 20;
  private static final String MAIN = Main.class.getName();

  @TempDir
  Path dir;
  private Path db;
  private Path toml;
  private long oldEvents;
  private final Random random = new Random(Long.getLong("kill.seed", System.nanoTime()));

  @BeforeEach
  void bigDatabase() throws Exception {
    db = dir.resolve("data/events.db");
    oldEvents = fill(db, 1_500_000);
    toml = dir.resolve("storage.toml");
    Files.writeString(toml, "[storage]\ndatabase_path = \"" + db + "\"\nbackup_dir = \""
        + dir.resolve("backups") + "\"\nscreenshot_dir = \"" + dir.resolve("shots") + "\"\n"
        + "[http]\nenabled = false\n");
  }

  @Test
  void restore() throws Exception {
    Path other = dir.resolve("other/other.db");
    long backupEvents = fill(other, 4_000_000);
    Path backup = Backup.backup(other, dir.resolve("other/backups"), 1, dev.skellyjelly.storage.store.EncryptionAtRest.OFF);
    Path pristine = dir.resolve("pristine");
    Files.createDirectories(pristine);
    Files.copy(db, pristine.resolve("events.db"));
    TreeMap<String, Integer> outcomes = new TreeMap<>();
    long fullRunMs = timeFullRun("restore", backup.toString(), "--config", toml.toString());
    for (int i = 0; i < KILLS; i++) {
      reset(pristine);
      killAtRandom(fullRunMs, "restore", backup.toString(), "--config", toml.toString());
      startAndStopModule();
      assertNull(Verification.problem(db), "kill " + i);
      long events = TestSupport.storedEvents(db).size();
      assertTrue(events == oldEvents || events == backupEvents, "kill " + i + ": " + events + " events");
      outcomes.merge(events == oldEvents ? "old" : "restored", 1, Integer::sum);
      assertEquals(List.of(), filesNamed(dir.resolve("data"), ".tmp"), "kill " + i);
      assertEquals(List.of(), filesNamed(dir.resolve("data"), "journal"), "kill " + i);
      assertPrivateTree(dir.resolve("data"));
    }
    System.out.println("restore: " + KILLS + " kills in a " + fullRunMs + " ms run: " + outcomes);
  }

  @Test
  void backup() throws Exception {
    long fullRunMs = timeFullRun("backup", "--config", toml.toString());
    for (int i = 0; i < KILLS; i++) {
      killAtRandom(fullRunMs, "backup", "--config", toml.toString());
      assertNull(Verification.problem(db), "kill " + i);
      Backup.backup(db, dir.resolve("backups"), 2, dev.skellyjelly.storage.store.EncryptionAtRest.OFF); // the next start of the same command
      assertEquals(List.of(), filesNamed(dir, ".tmp"), "kill " + i);
      assertPrivateTree(dir.resolve("backups"));
      assertPrivateTree(dir.resolve("data"));
    }
    System.out.println("backup: " + KILLS + " kills in a " + fullRunMs + " ms run");
  }

  @Test
  void export() throws Exception {
    Path out = dir.resolve("exports/out.jsonl.gz");
    SqliteFiles.ensurePrivateDirectory(out.getParent());
    String[] args = {"export", "--from", String.valueOf(T0), "--to", String.valueOf(T0 + 86_400_000_000L),
        "--out", out.toString(), "--config", toml.toString()};
    long fullRunMs = timeFullRun(args);
    for (int i = 0; i < KILLS; i++) {
      killAtRandom(fullRunMs, args);
      assertNull(Verification.problem(db), "kill " + i);
      Export.write(db, EncryptionAtRest.OFF, new EventReader.Range(T0, T0 + 1_000_000, null, null),
          dir.resolve("exports/next.jsonl.gz"), ExportFile.Compression.GZIP, false); // the next start of the same command
      assertEquals(List.of(), filesNamed(dir, ".tmp"), "kill " + i);
      assertPrivateTree(dir.resolve("exports"));
    }
    System.out.println("export: " + KILLS + " kills in a " + fullRunMs + " ms run");
  }

  private long timeFullRun(String... args) throws Exception {
    Path log = dir.resolve("full.log");
    long t0 = System.nanoTime();
    assertEquals(0, ChildJvm.run(log, MAIN, args), ChildJvm.output(log));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Files.delete(log);
    if ("restore".equals(args[0])) {
      reset(dir.resolve("pristine"));
    }
    return ms;
  }

  private void killAtRandom(long fullRunMs, String... args) throws Exception {
    Path log = dir.resolve("killed.log");
    Process p = ChildJvm.start(log, MAIN, args);
    // Mostly past the JVM's start-up, where the command does its work; some after its end.
    long delay = (long) ((0.3 + 0.8 * random.nextDouble()) * fullRunMs);
    if (!p.waitFor(delay, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(); // SIGKILL
    }
    Files.delete(log);
  }

  /** The old database back at the path, nothing else of earlier rounds beside it. */
  private void reset(Path pristine) throws Exception {
    try (var files = Files.list(db.getParent())) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.copy(pristine.resolve("events.db"), db);
  }

  private void startAndStopModule() throws Exception {
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("database_path", db.toString()));
    Vertx vertx = Vertx.vertx();
    try {
      StorageModule.deploy(vertx, config, new SimpleMeterRegistry()).await().undeploy().await();
    } finally {
      vertx.close().await();
    }
  }

  private static long fill(Path file, int count) throws Exception {
    SyntheticCapture capture = new SyntheticCapture(UUID.randomUUID(), 7);
    try (EventStore store = EventStore.open(file, "NORMAL")) {
      List<RawEvent> batch = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        batch.add(capture.next(T0 + i * 20L));
        if (batch.size() == 50_000) {
          store.stage(batch);
          store.commit();
          batch.clear();
        }
      }
      store.stage(batch);
      store.commit();
    }
    return count;
  }
}
