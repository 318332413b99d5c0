package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.DecryptException;
import dev.skellyjelly.storage.crypto.SealedFile;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Opens a file written by {@link Export} with sealing on, with the configured key. */
public final class SealedExport {

  private static final String TEMP = ".decrypt";

  private SealedExport() {
  }

  /**
   * Checks and opens {@code in} into {@code out} (600): written to a private temp file renamed
   * into place only when every chunk has verified; temp files of killed runs in that directory
   * are removed first.
   *
   * @return the bytes written
   * @throws DecryptException when a chunk does not verify (the file was changed or cut); nothing
   *     is left at {@code out}
   */
  public static long open(Path in, Path out, StorageConfig.Encryption encryption)
      throws IOException, DecryptException {
    Path target = out.toAbsolutePath();
    PrivateTemp.removeStale(target.getParent(), "*" + TEMP);
    Path temp = PrivateTemp.create(target.getParent(), target.getFileName() + TEMP);
    try (InputStream input = new BufferedInputStream(Files.newInputStream(in));
        OutputStream output = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
      SealedFile.open(input, output, salt -> EncryptionAtRest.keyEncryptionKey(encryption, salt));
    } catch (IOException | DecryptException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return Files.size(target);
  }
}
