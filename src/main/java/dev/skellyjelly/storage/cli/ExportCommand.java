package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.EventReader;
import dev.skellyjelly.storage.store.Export;
import dev.skellyjelly.storage.store.ExportFile;
import dev.skellyjelly.storage.replicate.SharedExport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code export}: a time range as gzip or LZ4-framed JSON Lines ({@link Export}). */
@Command(name = "export",
    header = "export a time range as gzip or LZ4-framed JSON Lines",
    description = {"Writes every event in [from, to) as one JSON object per line, gzip (default, .gz) or LZ4 frame"
        + " (--lz4, readable by lz4cat), to a temporary name renamed into place when complete. TIME is epoch"
        + " microseconds or ISO-8601 (2026-11-24T10:00:00Z). Without --encrypt the output is plaintext (said on"
        + " stderr when the database is encrypted). Read-only: safe while the module runs.",
        "With --from-postgres, the shared store of the configuration's [postgres] server instead: every device's"
        + " events, each line naming its \"device\", or one device's (--device); sealed blocks open with their"
        + " device's keys and this configuration's [encryption] key source.",
        "Last line JSON: out, events, format, encrypted, unreadableBlocks (and fromPostgres, device); exit 1 when"
        + " blocks were unreadable."})
final class ExportCommand implements Callable<Integer> {

  @Option(names = "--from", paramLabel = "TIME", required = true, converter = TimeConverter.class,
      description = "First instant exported (inclusive).")
  long from;

  @Option(names = "--to", paramLabel = "TIME", required = true, converter = TimeConverter.class,
      description = "End of the range (exclusive).")
  long to;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "The file to write (600).")
  Path out;

  @ArgGroup(exclusive = true)
  Format format;

  /** --gzip or --lz4, not both. */
  static final class Format {
    @Option(names = "--gzip", description = "gzip JSON Lines (the default).")
    boolean gzip;

    @Option(names = "--lz4", description = "LZ4-framed JSON Lines.")
    boolean lz4;
  }

  @Option(names = "--encrypt", description = "Seal the file (AES-256-GCM, chunked) under the database's"
      + " key-encryption key; `decrypt-export IN OUT` opens it.")
  boolean encrypt;

  @Option(names = "--from-postgres", description = "Export from the shared PostgreSQL store (replication).")
  boolean fromPostgres;

  @Option(names = "--device", paramLabel = "ID", description = "With --from-postgres: only this device's events"
      + " (`stats --from-postgres` lists the devices).")
  UUID device;

  @Mixin
  DatabaseOptions database;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    StorageConfig config = database.load();
    Path target = out.toAbsolutePath();
    try {
      Export.refuseDatabaseFiles(config.databasePath(), target);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--out " + e.getMessage());
    }
    boolean lz4 = format != null && format.lz4;
    ExportFile.Compression compression = lz4 ? ExportFile.Compression.LZ4 : ExportFile.Compression.GZIP;
    EventReader.Range range = new EventReader.Range(from, to, null, null);
    if (device != null && !fromPostgres) {
      throw new ParameterException(spec.commandLine(), "--device chooses a device of the shared store: add --from-postgres");
    }
    if (fromPostgres) {
      return exportShared(config, range, target, compression, lz4);
    }
    if (config.encryption().enabled() && !encrypt) {
      System.err.println("storage export: the database is encrypted, but " + target + " will hold the"
          + " events in plaintext; keep it as private as the key");
    }
    Export.Result result = Export.write(config.databasePath(), config.encryption(), range, target, compression, encrypt);
    for (EventReader.UnreadableBlock b : result.unreadable()) {
      System.err.println("storage export: skipped block " + b.rowid() + " of " + b.table() + ": " + b.reason());
    }
    System.out.println(new JsonObject().put("out", target.toString()).put("events", result.events())
        .put("format", lz4 ? "lz4" : "gzip").put("encrypted", encrypt)
        .put("unreadableBlocks", result.unreadable().size()).encode());
    return result.unreadable().isEmpty() ? 0 : 1;
  }

  /** {@code --from-postgres}: the shared store's events ({@link SharedExport}). */
  private int exportShared(StorageConfig config, EventReader.Range range, Path target,
      ExportFile.Compression compression, boolean lz4) throws Exception {
    Vertx vertx = Vertx.vertx();
    SharedExport.Result result;
    try {
      result = SharedExport.write(vertx, config, range, device, target, compression, encrypt);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } finally {
      vertx.close().await();
    }
    result.unreadable().forEach(reason -> System.err.println("storage export: " + reason));
    System.out.println(new JsonObject().put("out", target.toString()).put("events", result.events())
        .put("format", lz4 ? "lz4" : "gzip").put("encrypted", encrypt)
        .put("unreadableBlocks", result.unreadable().size()).put("fromPostgres", true)
        .put("device", device == null ? null : device.toString()).encode());
    return result.unreadable().isEmpty() ? 0 : 1;
  }
}
