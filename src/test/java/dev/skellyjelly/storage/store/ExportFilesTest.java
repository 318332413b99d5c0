package dev.skellyjelly.storage.store;

import static dev.skellyjelly.storage.PrivateFilesAssert.assertPrivateTree;
import static dev.skellyjelly.storage.PrivateFilesAssert.filesNamed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.PrivateFilesAssert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export writes private files, cleans up after killed runs, and never overwrites the database. */
class ExportFilesTest {

  private static final long T0 = 1_794_268_800_000_000L;

  @TempDir
  Path dir;

  private Path database() throws Exception {
    return dev.skellyjelly.storage.TestSupport.databaseWithEvents(dir.resolve("data/events.db"), T0, 1_000);
  }

  @Test
  void outputIsPrivateAndTempsOfKilledExportsAreRemoved() throws Exception {
    Path db = database();
    Path outDir = dir.resolve("out");
    Files.createDirectories(outDir);
    Files.setPosixFilePermissions(outDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Path stale = outDir.resolve("other.jsonl.gz.export." + PrivateFilesAssert.DEAD_PID + ".tmp");
    Files.write(stale, new byte[4096]);

    long n = Export.write(db, EncryptionAtRest.OFF, new EventReader.Range(T0, T0 + 2_000_000_000L, null, null),
        outDir.resolve("x.jsonl.gz"), ExportFile.Compression.GZIP, false).events();

    assertEquals(1_000, n);
    assertFalse(Files.exists(stale), "the next export removes what a killed one left");
    assertEquals(List.of(), filesNamed(dir, ".tmp"));
    assertPrivateTree(dir);
  }

  @Test
  void anExportOntoTheDatabaseItselfIsRefused() throws Exception {
    Path db = database();
    byte[] before = Files.readAllBytes(db);
    for (Path target : List.of(db, Path.of(db + "-wal"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Export.write(db,
          EncryptionAtRest.OFF, new EventReader.Range(T0, T0 + 1, null, null), target, ExportFile.Compression.LZ4, false));
      assertTrue(e.getMessage().contains("database") && e.getMessage().contains(target.toString()), e.getMessage());
    }
    assertArrayEquals(before, Files.readAllBytes(db));
  }
}
