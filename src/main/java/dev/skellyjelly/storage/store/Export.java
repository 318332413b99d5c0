package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.SealedFile;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * The events of a time range as JSON Lines (one {@link EventJson} object per line), gzip or
 * LZ4-framed, optionally sealed under the database's key-encryption key ({@link SealedFile}).
 * Read-only: safe while the module runs.
 */
public final class Export {

  /** How the lines are compressed: gzip ({@code zcat}) or an LZ4 frame ({@code lz4cat}). */
  public enum Compression { GZIP, LZ4 }

  /** What was written, and the blocks that could not be read and were skipped. */
  public record Result(Path out, long events, List<EventReader.UnreadableBlock> unreadable) {
  }

  private static final String TEMP = ".export";
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
      Compression compression, boolean seal) throws IOException, SQLException {
    refuseDatabaseFiles(db, target);
    Path out = target.toAbsolutePath();
    Path dir = out.getParent();
    PrivateTemp.removeStale(dir, "*" + TEMP);
    Path temp = PrivateTemp.create(dir, out.getFileName() + TEMP);
    List<EventReader.UnreadableBlock> unreadable = new ArrayList<>();
    long count = 0;
    try (Connection c = SqliteFiles.openReader(db);
        OutputStream file = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING);
        OutputStream sealed = seal ? sealing(file, c, encryption) : file;
        OutputStream compressed = compression == Compression.LZ4 ? new LZ4FrameOutputStream(sealed)
            : new GZIPOutputStream(sealed);
        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(compressed, StandardCharsets.UTF_8))) {
      long[] written = {0};
      EventReader.readAll(db, EncryptionAtRest.openForReading(c, encryption), range, PAGE, page -> {
        unreadable.addAll(page.unreadable());
        for (RawEvent e : page.events()) {
          w.write(EventJson.toJson(e).encode());
          w.newLine();
          written[0]++;
        }
      });
      count = written[0];
    } catch (IOException | SQLException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new Result(out, count, List.copyOf(unreadable));
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

  private static OutputStream sealing(OutputStream file, Connection c, StorageConfig.Encryption encryption)
      throws IOException, SQLException {
    EncryptionAtRest.KeyEncryptionKeyAndSalt kek = EncryptionAtRest.keyEncryptionKey(c, encryption);
    return SealedFile.sealing(file, kek.key(), kek.salt());
  }
}
