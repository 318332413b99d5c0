package dev.skellyjelly.storage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fatal launcher error is one line naming what, where and what to do; the stack only on request. */
class OneLineErrorsTest {

  @TempDir
  Path dir;

  private record Outcome(int exit, String err) {
  }

  private static Outcome run(String... argv) {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    try {
      return new Outcome(Main.run(argv), captured.toString());
    } finally {
      System.setErr(saved);
    }
  }

  private Path configWithDatabaseUnderAFile() throws Exception {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "not a directory");
    Path toml = dir.resolve("storage.toml");
    Files.writeString(toml, "[storage]\ndatabase_path = \"" + file.resolve("events.db") + "\"\n"
        + "screenshot_dir = \"" + dir.resolve("shots") + "\"\nbackup_dir = \"" + dir.resolve("b")
        + "\"\n[http]\nenabled = false\n");
    return toml;
  }

  @Test
  void aDatabasePathUnderAFileIsOneLineNamingThePathAndWhatToDo() throws Exception {
    Outcome o = run("stats", "--config", configWithDatabaseUnderAFile().toString());
    assertEquals(1, o.exit());
    List<String> lines = o.err().strip().lines().toList();
    assertEquals(1, lines.size(), o.err());
    assertTrue(lines.get(0).startsWith("storage stats failed: ") && lines.get(0).contains("a-file")
        && lines.get(0).contains("--verbose"), lines.get(0));
    assertFalse(o.err().contains("\tat "), "no stack trace without --verbose");
  }

  @Test
  void theModuleThatCannotCreateItsDatabaseSaysWhereAndWhy() throws Exception {
    Outcome o = run("run", "--config", configWithDatabaseUnderAFile().toString());
    assertEquals(1, o.exit());
    String line = o.err().strip();
    assertEquals(1, line.lines().count(), o.err());
    assertTrue(line.contains("cannot open the database") && line.contains("not a directory: " + dir.resolve("a-file"))
        && line.contains("every parent must be a directory"), line);
  }

  @Test
  void verboseAddsTheStackTrace() throws Exception {
    Outcome o = run("stats", "--verbose", "--config", configWithDatabaseUnderAFile().toString());
    assertEquals(1, o.exit());
    assertTrue(o.err().contains("\tat "), o.err());
  }

  @Test
  void anEmptyOrPartialConfigNamesTheDefaultsItUses() {
    String empty = ConfigFiles.defaultsInUse(new JsonObject(), ConfigFiles.MODULE_KEYS);
    assertTrue(empty.contains("every key takes its default") && empty.contains("storage.database_path")
        && empty.contains("http.port (using 8686)"), empty);
    JsonObject partial = new JsonObject().put("storage",
        new JsonObject().put("database_path", "/x/e.db").put("screenshot_dir", "/x/s"));
    String said = ConfigFiles.defaultsInUse(partial, ConfigFiles.MODULE_KEYS);
    assertTrue(said.contains("storage.backup_dir") && !said.contains("database_path"), said);
    assertNull(ConfigFiles.defaultsInUse(partial, ConfigFiles.DATABASE_KEY),
        "a database tool is not told about keys it does not use");
    assertNull(ConfigFiles.defaultsInUse(new JsonObject()
        .put("storage", new JsonObject().put("database_path", "/x/e.db").put("screenshot_dir", "/x/s")
            .put("backup_dir", "/x/b"))
        .put("http", new JsonObject().put("enabled", false)), ConfigFiles.MODULE_KEYS));
  }

  @Test
  void theWarningIsOneLineOnStderrBeforeTheCommandRuns() throws Exception {
    Path empty = dir.resolve("empty.toml");
    Files.writeString(empty, "");
    Outcome o = run("stats", "--config", empty.toString());
    List<String> lines = o.err().strip().lines().toList();
    assertTrue(lines.get(0).startsWith("storage: warning: " + empty + " does not set anything"), o.err());
  }
}
