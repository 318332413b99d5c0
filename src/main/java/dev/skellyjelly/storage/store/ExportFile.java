package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.crypto.SealedFile;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * An export being written: JSON Lines, gzip or LZ4-framed, optionally sealed ({@link SealedFile}),
 * into a private temp file ({@code <target>.export.<pid>.tmp}, 600) that {@link #commit()} renames
 * into place, so the target is whole or absent; closed without a commit, the temp file is removed.
 * Temp files of killed exports in the same directory are removed when one opens.
 */
public final class ExportFile implements Closeable {

  /** How the lines are compressed: gzip ({@code zcat}) or an LZ4 frame ({@code lz4cat}). */
  public enum Compression { GZIP, LZ4 }

  private static final String TEMP = ".export";

  private final Path target;
  private final Path temp;
  private final BufferedWriter writer;
  private long lines;
  private boolean committed;

  private ExportFile(Path target, Path temp, BufferedWriter writer) {
    this.target = target;
    this.temp = temp;
    this.writer = writer;
  }

  /** Opens the temp file beside {@code target}; {@code seal} null writes plaintext. */
  public static ExportFile open(Path target, Compression compression, EncryptionAtRest.KeyEncryptionKeyAndSalt seal) throws IOException {
    Path out = target.toAbsolutePath();
    Path dir = out.getParent();
    PrivateTemp.removeStale(dir, "*" + TEMP);
    Path temp = PrivateTemp.create(dir, out.getFileName() + TEMP);
    OutputStream file = null;
    try {
      file = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING);
      OutputStream sealed = seal == null ? file : SealedFile.sealing(file, seal.key(), seal.salt());
      OutputStream compressed = compression == Compression.LZ4 ? new LZ4FrameOutputStream(sealed)
          : new GZIPOutputStream(sealed);
      return new ExportFile(out, temp, new BufferedWriter(new OutputStreamWriter(compressed, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      if (file != null) {
        file.close();
      }
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  public void write(JsonObject line) throws IOException {
    writer.write(line.encode());
    writer.newLine();
    lines++;
  }

  public long lines() {
    return lines;
  }

  /** Finishes the file and renames it into place; returns the target. */
  public Path commit() throws IOException {
    writer.close();
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    committed = true;
    return target;
  }

  /** Without a commit: the partial file is removed (an error or a stop mid-way leaves nothing). */
  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        writer.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
