package dev.skellyjelly.storage.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.store.DatabaseLock;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.Settings;
import dev.skellyjelly.storage.store.SqliteFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** demo never destroys data it did not create. */
class DemoDatabaseTest {

  private static final long T0 = 1_794_268_800_000_000L;

  @TempDir
  Path dir;

  private Path databaseWithEvents(int count) throws Exception {
    return TestSupport.databaseWithEvents(dir.resolve("events.db"), T0, count);
  }

  @Test
  void aDatabaseDemoDidNotCreateIsRefusedAndKept() throws Exception {
    Path db = databaseWithEvents(500);
    byte[] before = Files.readAllBytes(db);

    DemoDatabase.RefusedException e = assertThrows(DemoDatabase.RefusedException.class,
        () -> DemoDatabase.replace(db));

    assertTrue(e.getMessage().contains("not created by demo") && e.getMessage().contains("--db"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(db));
    assertEquals(500, TestSupport.storedEvents(db).size());
  }

  @Test
  void aFileThatIsNoDatabaseIsRefusedAndKept() throws Exception {
    Path db = dir.resolve("notes.txt");
    Files.writeString(db, "my notes, not a database\n".repeat(100));
    assertThrows(DemoDatabase.RefusedException.class, () -> DemoDatabase.replace(db));
    assertEquals("my notes, not a database\n".repeat(100), Files.readString(db));
  }

  @Test
  void aLockedDatabaseIsNeverTouchedEvenIfDemoMadeIt() throws Exception {
    Path db = dir.resolve("events.db");
    DemoDatabase.replace(db);
    try (DatabaseLock running = DatabaseLock.tryAcquire(db)) {
      long size = Files.size(db);
      DemoDatabase.RefusedException e = assertThrows(DemoDatabase.RefusedException.class,
          () -> DemoDatabase.replace(db));
      assertTrue(e.getMessage().contains("running"), e.getMessage());
      assertEquals(size, Files.size(db));
    }
  }

  @Test
  void aDatabaseDemoMadeIsReplacedByAnEmptyMarkedOne() throws Exception {
    Path db = dir.resolve("events.db");
    DemoDatabase.replace(db);
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(List.of(new SyntheticCapture(UUID.randomUUID(), 1).next(T0)));
      store.commit();
    }
    assertEquals(1, TestSupport.storedEvents(db).size());

    DemoDatabase.replace(db);

    assertEquals(0, TestSupport.storedEvents(db).size());
    try (Connection c = SqliteFiles.openReader(db)) {
      assertEquals(Settings.CREATED_BY_DEMO, Settings.get(c, Settings.CREATED_BY));
    }
  }

  @Test
  void theDemoCommandSaysWhyItRefusesAndExitsWithoutStarting() throws Exception {
    Path db = databaseWithEvents(200);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    int exit;
    try {
      exit = Main.run(new String[] {"demo", "--db", db.toString(), "--seconds", "1"});
    } finally {
      System.setErr(err);
    }
    assertEquals(1, exit);
    String said = captured.toString();
    assertEquals(1, said.strip().lines().count(), said);
    assertTrue(said.startsWith("storage demo: ") && said.contains(db.toString()), said);
    assertEquals(200, TestSupport.storedEvents(db).size());
  }
}
