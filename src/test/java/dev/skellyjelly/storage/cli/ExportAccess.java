package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.store.EncryptionAtRest;
import dev.skellyjelly.storage.store.EventReader;
import java.nio.file.Path;

/** Lets tests in other packages run the export command's writer. */
public final class ExportAccess {
  private ExportAccess() {
  }

  public static long export(Path db, long from, long to, Path out, boolean lz4) throws Exception {
    return StoreCommands.ExportCommand.export(db, EncryptionAtRest.OFF, new EventReader.Range(from, to, null, null),
        out, lz4, false,
        new java.util.ArrayList<>());
  }
}
