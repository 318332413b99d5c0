package dev.skellyjelly.storage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.store.DatabaseLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Benchmarks empty their --dir: never one they did not create, never one in use. */
class BenchFilesTest {

  @TempDir
  Path dir;

  @Test
  void aDirectoryWithSomeoneElsesFilesIsRefusedAndKept() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("events.db"), "precious");
    UsageException e = assertThrows(UsageException.class, () -> BenchFiles.emptyDirectory(data));
    assertTrue(e.getMessage().contains(BenchFiles.MARK), e.getMessage());
    assertEquals("precious", Files.readString(data.resolve("events.db")));
  }

  @Test
  void aNewDirectoryIsClaimedPrivateAndEmptiedOnTheNextRun() throws Exception {
    Path bench = dir.resolve("bench");
    BenchFiles.emptyDirectory(bench);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bench)));
    Files.writeString(bench.resolve("module.db"), "from the last run");
    BenchFiles.emptyDirectory(bench);
    assertEquals(1, Files.list(bench).count(), "only the mark is left");
  }

  @Test
  void aBenchDirectoryWhereAModuleRunsIsRefused() throws Exception {
    Path bench = dir.resolve("bench");
    BenchFiles.emptyDirectory(bench);
    Path db = bench.resolve("module.db");
    Files.writeString(db, "live");
    try (DatabaseLock running = DatabaseLock.tryAcquire(db)) {
      assertThrows(UsageException.class, () -> BenchFiles.emptyDirectory(bench));
      assertEquals("live", Files.readString(db));
    }
  }
}
