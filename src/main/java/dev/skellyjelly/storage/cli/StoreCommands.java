package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.Backup;
import dev.skellyjelly.storage.store.Export;
import dev.skellyjelly.storage.store.SealedExport;
import dev.skellyjelly.storage.store.Stats;
import dev.skellyjelly.storage.time.Timestamps;
import dev.skellyjelly.storage.crypto.SealedFile;
import dev.skellyjelly.storage.store.EncryptionAtRest;
import dev.skellyjelly.storage.store.Restore;
import dev.skellyjelly.storage.store.Salvage;
import dev.skellyjelly.storage.store.Settings;
import dev.skellyjelly.storage.store.EventReader;
import dev.skellyjelly.storage.store.PrivateTemp;
import dev.skellyjelly.storage.store.Schema;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.json.JsonObject;
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
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/** The store's tools: backup, restore, export and stats, run against the database file. */
final class StoreCommands {
  private StoreCommands() {
  }

  static List<Command> all() {
    return List.of(new BackupCommand(), new RestoreCommand(), new ExportCommand(), new DecryptExportCommand(),
        new StatsCommand());
  }

  /** The configuration of {@code --config}, with {@code --db} replacing the database path. */
  static StorageConfig config(Args args) {
    Path configFile = args.path("config", "conf/storage.toml");
    String db = args.string("db", null);
    JsonObject json = ConfigFiles.loadJson(configFile, j -> {
      if (db != null) {
        ConfigFiles.table(j, "storage").put("database_path", Path.of(db).toAbsolutePath().toString());
      }
    }, ConfigFiles.DATABASE_KEY);
    return StorageConfig.fromJson(json);
  }

  static final class BackupCommand implements Command {
    public String name() {
      return "backup";
    }

    public String summary() {
      return "write a verified online backup of the database (safe while the module runs)";
    }

    public String help() {
      return """
          usage: launcher/storage backup [--config FILE] [--db FILE]

          VACUUM INTO a new file in storage.backup_dir (600), kept only if it passes PRAGMA
          integrity_check and every event block decodes; keeps storage.backup_keep backups.
          Temp files of a killed backup are removed first. Last line JSON: backup, bytes.""";
    }

    public int run(Args args) throws Exception {
      StorageConfig config = config(args);
      args.rejectUnknown();
      Path backup = Backup.backup(config.databasePath(), config.backupDir(), config.backupKeep(),
          config.encryption());
      System.out.println(new JsonObject().put("backup", backup.toString())
          .put("bytes", Files.size(backup)).put("integrity", "ok").encode());
      return 0;
    }
  }

  static final class RestoreCommand implements Command {
    public String name() {
      return "restore";
    }

    public String summary() {
      return "replace the database by a backup (refused while the module runs)";
    }

    public String help() {
      return """
          usage: launcher/storage restore FILE [--config FILE] [--db FILE]

          Refused while a module holds the database's lock. Copies FILE to a private temp file
          beside the database and verifies it there (integrity_check, schema version, every
          event block decodes), checkpoints the current database, keeps it aside
          (<db>.before-restore-<time>) and puts the copy in place with one atomic rename. A kill
          at any moment leaves a valid database at the path; an interrupted restore is finished
          by the next start of the module or of restore. Last line JSON: restored, previous.""";
    }

    public int run(Args args) throws Exception {
      StorageConfig config = config(args);
      args.rejectUnknown();
      if (args.positional().size() != 1) {
        throw new Args.UsageException("name exactly one backup file to restore");
      }
      try {
        Restore.Result result = Restore.restore(Path.of(args.positional().get(0)), config.databasePath(),
            config.encryption());
        System.out.println(new JsonObject().put("restored", result.restored().toString())
            .put("previous", result.previous() == null ? null : result.previous().toString()).encode());
        return 0;
      } catch (IllegalStateException | IOException | SQLException e) {
        System.err.println("storage restore: " + e.getMessage());
        return 1;
      }
    }
  }

  static final class ExportCommand implements Command {
    public String name() {
      return "export";
    }

    public String summary() {
      return "export a time range as gzip or LZ4-framed JSON Lines";
    }

    public String help() {
      return """
          usage: launcher/storage export --from TIME --to TIME --out FILE [--gzip | --lz4]
                                         [--encrypt] [--config FILE] [--db FILE]

          Writes every event in [from, to) as one JSON object per line, gzip (default, .gz)
          or LZ4 frame (--lz4, readable by lz4cat), to a temporary name renamed into place when
          complete. TIME is epoch microseconds or ISO-8601 (2026-11-24T10:00:00Z).
          --encrypt seals the file (AES-256-GCM, chunked) under the database's key-encryption
          key; `decrypt-export IN OUT` opens it. Without it the output is plaintext (said on
          stderr when the database is encrypted). Read-only: safe while the module runs.
          Last line JSON: out, events, format, encrypted, unreadableBlocks.""";
    }

    public int run(Args args) throws Exception {
      StorageConfig config = config(args);
      long from = time(args.string("from", null), "from");
      long to = time(args.string("to", null), "to");
      String out = args.string("out", null);
      boolean lz4 = args.flag("lz4");
      boolean gzip = args.flag("gzip");
      boolean seal = args.flag("encrypt");
      args.rejectUnknown();
      if (out == null) {
        throw new Args.UsageException("--out FILE is required");
      }
      if (lz4 && gzip) {
        throw new Args.UsageException("choose one of --gzip and --lz4");
      }
      Path target = Path.of(out).toAbsolutePath();
      if (config.encryption().enabled() && !seal) {
        System.err.println("storage export: the database is encrypted, but " + target + " will hold the"
            + " events in plaintext; keep it as private as the key");
      }
      Export.Result result;
      try {
        result = Export.write(config.databasePath(), config.encryption(), new EventReader.Range(from, to, null, null),
            target, lz4 ? Export.Compression.LZ4 : Export.Compression.GZIP, seal);
      } catch (IllegalArgumentException e) {
        throw new Args.UsageException("--out " + e.getMessage());
      }
      for (EventReader.UnreadableBlock b : result.unreadable()) {
        System.err.println("storage export: skipped block " + b.rowid() + " of " + b.table() + ": "
            + b.reason());
      }
      System.out.println(new JsonObject().put("out", target.toString()).put("events", result.events())
          .put("format", lz4 ? "lz4" : "gzip").put("encrypted", seal).put("unreadableBlocks", result.unreadable().size())
          .encode());
      return result.unreadable().isEmpty() ? 0 : 1;
    }

    static long time(String value, String name) {
      if (value == null) {
        throw new Args.UsageException("--" + name + " is required");
      }
      try {
        return Timestamps.parse(value);
      } catch (IllegalArgumentException e) {
        throw new Args.UsageException("--" + name + " " + e.getMessage());
      }
    }
  }

  static final class DecryptExportCommand implements Command {
    public String name() {
      return "decrypt-export";
    }

    public String summary() {
      return "open a file written by export --encrypt (with the configured key)";
    }

    public String help() {
      return """
          usage: launcher/storage decrypt-export IN OUT [--config FILE]

          Checks and opens IN, written by export --encrypt, with the [encryption] key of the
          configuration, into OUT (gzip or LZ4 JSON Lines as exported; 600, written to a private
          temporary file renamed into place only when every chunk has verified; temporary files of
          killed runs in that directory are removed first).
          Last line JSON: out, bytes.""";
    }

    public int run(Args args) throws Exception {
      StorageConfig config = config(args);
      args.rejectUnknown();
      if (args.positional().size() != 2) {
        throw new Args.UsageException("name the sealed file and the output file");
      }
      Path in = Path.of(args.positional().get(0));
      Path out = Path.of(args.positional().get(1)).toAbsolutePath();
      long bytes;
      try {
        bytes = SealedExport.open(in, out, config.encryption());
      } catch (dev.skellyjelly.storage.crypto.DecryptException e) {
        System.err.println("storage decrypt-export: " + in + ": " + e.getMessage());
        return 1;
      }
      System.out.println(new JsonObject().put("out", out.toString()).put("bytes", bytes).encode());
      return 0;
    }
  }


  static final class StatsCommand implements Command {
    public String name() {
      return "stats";
    }

    public String summary() {
      return "print what the database holds, as JSON (read-only, safe while the module runs)";
    }

    public String help() {
      return """
          usage: launcher/storage stats [--db FILE] [--config FILE] [--from-postgres]

          One JSON object: events, blocks, windows, screenshots (metadata rows), sessions,
          oldest/newest event time, dbBytes (file plus WAL); salvage: what was saved and lost
          when a damaged database was replaced at start (null if never), quarantined: the
          damaged files kept aside. With --from-postgres: the shared store of the config's
          [postgres] server instead — events, blocks, sessions, windows and time span per device.""";
    }

    public int run(Args args) throws Exception {
      StorageConfig config = config(args);
      boolean shared = args.flag("from-postgres");
      args.rejectUnknown();
      if (shared) {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
          System.out.println(dev.skellyjelly.storage.replicate.SharedStats.of(vertx, config).await().encode());
        } finally {
          vertx.close().await();
        }
        return 0;
      }
      System.out.println(Stats.of(config.databasePath()).encode());
      return 0;
    }
  }
}
