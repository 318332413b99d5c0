package dev.skellyjelly.storage.store;

import static dev.skellyjelly.storage.PrivateFilesAssert.assertPrivateTree;
import static dev.skellyjelly.storage.PrivateFilesAssert.filesNamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.ChildJvm;
import dev.skellyjelly.storage.PrivateFilesAssert;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Restore is atomic: whatever moment it dies at, the path holds the old or the restored database. */
@ExtendWith(VertxExtension.class)
class RestoreTest {

  private static final long T0 = 1_794_268_800_000_000L;
  private static final int OLD_IN_FILE = 2_000;
  private static final int OLD_IN_WAL = 1_000;
  private static final int OLD_EVENTS = OLD_IN_FILE + OLD_IN_WAL;
  private static final int BACKUP_EVENTS = 5_000;

  @TempDir
  Path dir;
  private StorageConfig config;
  private Path db;
  private Path backup;

  /** The old database as a killed module leaves it (commits in its WAL), made once. */
  private static Path template;

  @BeforeAll
  static void oldDatabaseWithCommitsInItsWal(@TempDir Path templateDir) throws Exception {
    template = templateDir.resolve("events.db");
    StoreTest.fill(template, T0, OLD_IN_FILE, 1_000);
    Path log = templateDir.resolve("wal.log");
    assertEquals(137, ChildJvm.run(log, RestoreCrashProbe.class.getName(), "wal", template.toString(),
        String.valueOf(OLD_IN_WAL)), ChildJvm.output(log));
    assertTrue(Files.size(Path.of(template + "-wal")) > 0, "the old database has commits only in its WAL");
  }

  @BeforeEach
  void databaseAndBackupOfAnother() throws Exception {
    config = TestSupport.config(dir);
    db = config.databasePath();
    SqliteFiles.ensurePrivateDirectory(db.getParent());
    for (String suffix : new String[] {"", "-wal"}) {
      Files.copy(Path.of(template + suffix), Path.of(db + suffix));
    }
    Path other = dir.resolve("other/other.db");
    StoreTest.fill(other, T0, BACKUP_EVENTS, 1_000);
    backup = Backup.backup(other, config.backupDir(), 3, EncryptionAtRest.OFF);
  }

  @ParameterizedTest
  @ValueSource(strings = {"copied", "checkpointed", "journal", "aside", "swapped", "cleaned"})
  void aProcessDyingAtAnyStepLeavesTheOldOrTheRestoredDatabase(String step) throws Exception {
    Path log = dir.resolve("probe.log");
    int exit = ChildJvm.run(log, RestoreCrashProbe.class.getName(), step, backup.toString(), db.toString());
    assertEquals(137, exit, "the probe halts at " + step + ": " + ChildJvm.output(log));
    boolean journalWritten = !List.of("copied", "checkpointed").contains(step);

    // What the module's writer does at start, before it opens the database.
    Optional<String> said = Restore.recover(db);
    Restore.removeStaleTemps(db);

    assertEquals(journalWritten, said.isPresent(), "an interrupted swap is reported: " + said);
    assertNull(Verification.problem(db));
    assertEquals(journalWritten ? BACKUP_EVENTS : OLD_EVENTS, TestSupport.storedEvents(db).size());
    List<String> aside = filesNamed(db.getParent(), ".before-restore-");
    if (journalWritten) {
      assertEquals(1, aside.size(), aside.toString());
      assertEquals(OLD_EVENTS, TestSupport.storedEvents(db.resolveSibling(aside.get(0))).size(),
          "the previous database is kept aside, whole");
    }
    assertEquals(List.of(), filesNamed(db.getParent(), ".tmp"));
    assertEquals(List.of(), filesNamed(db.getParent(), "restore-journal"));
    Files.deleteIfExists(log);
    assertPrivateTree(dir);
  }

  @Test
  void theModuleFinishesAnInterruptedRestoreAtStart(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path log = dir.resolve("probe.log");
    assertEquals(137, ChildJvm.run(log, RestoreCrashProbe.class.getName(), "aside", backup.toString(),
        db.toString()));
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry())
        .compose(StorageModule::undeploy)
        .compose(v -> vertx.executeBlocking(() -> {
          ctx.verify(() -> {
            assertEquals(BACKUP_EVENTS, TestSupport.storedEvents(db).size());
            assertEquals(List.of(), filesNamed(db.getParent(), "restore-journal"));
            assertEquals(List.of(), filesNamed(db.getParent(), ".tmp"));
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aSwapThatLeftNoDatabaseIsRolledBackToThePreviousOne() throws Exception {
    Path log = dir.resolve("probe.log");
    assertEquals(137, ChildJvm.run(log, RestoreCrashProbe.class.getName(), "aside", backup.toString(),
        db.toString()));
    // The state no rename can produce, but a user deleting files by hand can: no database, no copy.
    Files.delete(db);
    for (String temp : filesNamed(db.getParent(), ".restore.")) {
      Files.delete(db.resolveSibling(temp));
    }
    String said = Restore.recover(db).orElseThrow();
    assertTrue(said.startsWith("RESTORE ROLLED BACK"), said);
    assertEquals(OLD_EVENTS, TestSupport.storedEvents(db).size());
    assertEquals(List.of(), filesNamed(db.getParent(), "restore-journal"));
  }

  @Test
  void restoringWhereNoDatabaseIsYetPutsTheBackupThere() throws Exception {
    Path fresh = dir.resolve("new/events.db");
    Restore.Result result = Restore.restore(backup, fresh, EncryptionAtRest.OFF);
    assertNull(result.previous());
    assertEquals(BACKUP_EVENTS, TestSupport.storedEvents(fresh).size());
    assertPrivateTree(fresh.getParent());
  }

  @Test
  void aBackupWithACorruptBlockIsRefusedAndTheDatabaseLeftAsItIs() throws Exception {
    Path damaged = dir.resolve("damaged.db");
    Files.copy(backup, damaged);
    String table = corruptFirstBlock(damaged);
    assertEquals("ok", Backup.integrity(damaged), "SQLite's own check does not see it");

    SQLException e = assertThrows(SQLException.class, () -> Restore.restore(damaged, db, EncryptionAtRest.OFF));
    assertTrue(e.getMessage().contains("do not decode") && e.getMessage().contains(table), e.getMessage());
    assertEquals(OLD_EVENTS, TestSupport.storedEvents(db).size());
    assertEquals(List.of(), filesNamed(db.getParent(), ".tmp"));
    assertEquals(List.of(), filesNamed(db.getParent(), ".before-restore-"));
  }

  @Test
  void backupKeepsNothingWhenABlockDoesNotDecode() throws Exception {
    String table = corruptFirstBlock(db);
    List<String> before = filesNamed(config.backupDir(), "events-");
    SQLException e = assertThrows(SQLException.class, () -> Backup.backup(db, config.backupDir(), 3, EncryptionAtRest.OFF));
    assertTrue(e.getMessage().contains(table) && e.getMessage().contains("nothing was kept"), e.getMessage());
    assertEquals(before, filesNamed(config.backupDir(), "events-"));
  }

  @Test
  void restoredDatabaseIsPrivateAndStaleTempsOfKilledRunsAreRemoved() throws Exception {
    Path staleCopy = db.resolveSibling(db.getFileName() + ".restore." + PrivateFilesAssert.DEAD_PID + ".tmp");
    Path staleBackup = config.backupDir().resolve("events-x.db." + PrivateFilesAssert.DEAD_PID + ".tmp");
    Files.write(staleCopy, new byte[100]);
    Files.write(staleBackup, new byte[0]);

    Restore.Result result = Restore.restore(backup, db, EncryptionAtRest.OFF);
    Backup.backup(db, config.backupDir(), 5, EncryptionAtRest.OFF);

    assertFalse(Files.exists(staleCopy), "restore removes the copy a killed restore left");
    assertFalse(Files.exists(staleBackup), "backup removes the temp a killed backup left");
    assertEquals(BACKUP_EVENTS, TestSupport.storedEvents(db).size());
    assertEquals(OLD_EVENTS, TestSupport.storedEvents(result.previous()).size());
    assertPrivateTree(dir);
  }

  /** Overwrites the LZ4 data of one block: the page stays valid, the block does not decode. */
  private static String corruptFirstBlock(Path file) throws Exception {
    try (Connection c = SqliteFiles.openWriter(file, "NORMAL")) {
      String table = Schema.blockTables(c).get(0);
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
          + " SET payload = substr(payload, 1, 8) || zeroblob(length(payload) - 8)"
          + " WHERE rowid = (SELECT min(rowid) FROM " + table + ")")) {
        assertEquals(1, ps.executeUpdate());
      }
      return table;
    }
  }
}
