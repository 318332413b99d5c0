package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of a time range as JSON Lines (one {@link EventJson} object per line), gzip or
 * LZ4-framed, optionally sealed under the database's key-encryption key, written through {@link ExportFile}.
 * Read-only: safe while the module runs.
 */
public final class Export {

  /** What was written, and the blocks that could not be read and were skipped. */
  public record Result(Path out, long events, List<EventReader.UnreadableBlock> unreadable) {
  }

  private static final int PAGE = 5_000;

  private Export() {
  }

  /**
   * Writes every event of {@code range} to {@code target}, page by page (memory stays at one page
   * and one fetch of blocks however long the range) in one read snapshot, through the query pool. The file is written to a private temp file
   * ({@code <target>.export.<pid>.tmp}, 600) renamed into place when complete, so it is whole or
   * absent; temp files of killed exports in the same directory are removed first.
   *
   * @param seal whether to seal the file under the key-encryption key of {@code encryption}
   * @throws IllegalArgumentException when {@code target} is the database or one of its side files
   */
  public static Result write(Path db, StorageConfig.Encryption encryption, EventReader.Range range, Path target,
      ExportFile.Compression compression, boolean seal) throws IOException, SQLException {
    refuseDatabaseFiles(db, target);
    List<EventReader.UnreadableBlock> unreadable = new ArrayList<>();
    try (Connection c = SqliteFiles.openReader(db);
        ExportFile file = ExportFile.open(target, compression,
            seal ? EncryptionAtRest.keyEncryptionKey(c, encryption) : null)) {
      EventReader.readAll(db, EncryptionAtRest.openForReading(c, encryption), range, PAGE, page -> {
        unreadable.addAll(page.unreadable());
        for (RawEvent e : page.events()) {
          file.write(EventJson.toJson(e));
        }
      });
      long count = file.lines();
      return new Result(file.commit(), count, List.copyOf(unreadable));
    }
  }

  /**
   * An export must never replace the database it reads, nor one of its side files.
   *
   * @throws IllegalArgumentException naming the file, when it is one of them
   */
  public static void refuseDatabaseFiles(Path db, Path target) {
    Path out = target.toAbsolutePath().normalize();
    for (String suffix : new String[] {"", "-wal", "-shm", "-journal", ".lock"}) {
      if (out.equals(Path.of(db.toAbsolutePath().normalize() + suffix))) {
        throw new IllegalArgumentException(target + " is the database's own file; choose another output file");
      }
    }
  }

}
