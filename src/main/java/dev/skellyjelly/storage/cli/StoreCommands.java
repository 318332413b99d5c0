package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.Backup;
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
      List<EventReader.UnreadableBlock> unreadable = new java.util.ArrayList<>();
      if (config.encryption().enabled() && !seal) {
        System.err.println("storage export: the database is encrypted, but " + target + " will hold the"
            + " events in plaintext; keep it as private as the key");
      }
      long events = export(config.databasePath(), config.encryption(), new EventReader.Range(from, to, null, null),
          target, lz4, seal, unreadable);
      for (EventReader.UnreadableBlock b : unreadable) {
        System.err.println("storage export: skipped block " + b.rowid() + " of " + b.table() + ": "
            + b.reason());
      }
      System.out.println(new JsonObject().put("out", target.toString()).put("events", events)
          .put("format", lz4 ? "lz4" : "gzip").put("encrypted", seal).put("unreadableBlocks", unreadable.size())
          .encode());
      return unreadable.isEmpty() ? 0 : 1;
    }

    static long time(String value, String name) {
      if (value == null) {
        throw new Args.UsageException("--" + name + " is required");
      }
      try {
        return value.matches("-?\\d+") ? Long.parseLong(value) : Instant.parse(value).toEpochMilli() * 1000;
      } catch (RuntimeException e) {
        throw new Args.UsageException("--" + name + " " + value + " is neither epoch microseconds nor"
            + " ISO-8601 like 2026-11-24T10:00:00Z");
      }
    }

    /**
     * Page by page (memory stays at one page however long the range), in one read snapshot; the
     * blocks that cannot be read are skipped and added to {@code unreadable}. The output is
     * written to a private temp file ({@code <out>.export.<pid>.tmp}, 600) renamed into place when
     * complete; temp files of killed exports in the same directory are removed first.
     */
    static long export(Path db, StorageConfig.Encryption encryption, EventReader.Range range, Path target,
        boolean lz4, boolean seal, List<EventReader.UnreadableBlock> unreadable) throws IOException, SQLException {
      refuseDatabaseFiles(db, target);
      Path dir = target.toAbsolutePath().getParent();
      PrivateTemp.removeStale(dir, "*" + EXPORT_TEMP);
      Path temp = PrivateTemp.create(dir, target.getFileName() + EXPORT_TEMP);
      long count = 0;
      try (Connection c = SqliteFiles.openReader(db);
          OutputStream file = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream sealed = seal ? sealing(file, c, encryption) : file;
          OutputStream compressed = lz4 ? new LZ4FrameOutputStream(sealed) : new GZIPOutputStream(sealed);
          BufferedWriter w = new BufferedWriter(new OutputStreamWriter(compressed, StandardCharsets.UTF_8))) {
        c.setAutoCommit(false); // one snapshot for the whole export
        EventReader reader = new EventReader(c, EncryptionAtRest.openForReading(c, encryption));
        EventReader.Cursor cursor = null;
        do {
          EventReader.Page page = reader.page(range, cursor, 5_000, st -> { });
          unreadable.addAll(page.unreadable());
          for (RawEvent e : page.events()) {
            w.write(EventJson.toJson(e).encode());
            w.newLine();
            count++;
          }
          cursor = page.next();
        } while (cursor != null);
      } catch (IOException | SQLException | RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return count;
    }

    /** The export sealed under the database's key-encryption key ({@code --encrypt}). */
    private static OutputStream sealing(OutputStream file, Connection c, StorageConfig.Encryption encryption)
        throws IOException, SQLException {
      EncryptionAtRest.KeyEncryptionKeyAndSalt kek = EncryptionAtRest.keyEncryptionKey(c, encryption);
      return SealedFile.sealing(file, kek.key(), kek.salt());
    }

    private static final String EXPORT_TEMP = ".export";

    /** An export must never replace the database it reads, nor one of its side files. */
    private static void refuseDatabaseFiles(Path db, Path target) {
      Path out = target.toAbsolutePath().normalize();
      for (String suffix : new String[] {"", "-wal", "-shm", "-journal", ".lock"}) {
        if (out.equals(Path.of(db.toAbsolutePath().normalize() + suffix))) {
          throw new Args.UsageException("--out " + target + " is the database's own file; choose"
              + " another output file");
        }
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
      PrivateTemp.removeStale(out.getParent(), "*" + DECRYPT_TEMP);
      Path temp = PrivateTemp.create(out.getParent(), out.getFileName() + DECRYPT_TEMP);
      try (var input = new java.io.BufferedInputStream(Files.newInputStream(in));
          OutputStream output = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
        SealedFile.open(input, output, salt -> EncryptionAtRest.keyEncryptionKey(config.encryption(), salt));
      } catch (dev.skellyjelly.storage.crypto.DecryptException e) {
        Files.deleteIfExists(temp);
        System.err.println("storage decrypt-export: " + in + ": " + e.getMessage());
        return 1;
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
      Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      System.out.println(new JsonObject().put("out", out.toString()).put("bytes", Files.size(out)).encode());
      return 0;
    }
  }

  private static final String DECRYPT_TEMP = ".decrypt";

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
      System.out.println(stats(config.databasePath()).encode());
      return 0;
    }

    static JsonObject stats(Path db) throws SQLException, IOException {
      if (!Files.isRegularFile(db)) {
        throw new IOException("no database at " + db + "; pass --db FILE or --config FILE");
      }
      try (Connection c = SqliteFiles.openReader(db); Statement st = c.createStatement()) {
        boolean any = !Schema.blockTables(c).isEmpty();
        long oldest = any ? SqliteFiles.queryLong(st, "SELECT min(start_us) FROM event_blocks") : 0;
        long newest = any ? SqliteFiles.queryLong(st, "SELECT max(end_us) FROM event_blocks") : 0;
        Path wal = Path.of(db + "-wal");
        return new JsonObject()
            .put("db", db.toString())
            .put("events", any ? SqliteFiles.queryLong(st, "SELECT coalesce(sum(event_count), 0) FROM event_blocks") : 0)
            .put("blocks", any ? SqliteFiles.queryLong(st, "SELECT count(*) FROM event_blocks") : 0)
            .put("windows", SqliteFiles.queryLong(st, "SELECT count(*) FROM windows"))
            .put("windowEvents", SqliteFiles.queryLong(st, "SELECT coalesce(sum(event_count), 0) FROM windows"))
            .put("screenshots", SqliteFiles.queryLong(st, "SELECT count(*) FROM screenshot_metadata"))
            .put("sessions", SqliteFiles.queryLong(st, "SELECT count(*) FROM sessions"))
            .put("oldestEventMicros", any ? oldest : null)
            .put("newestEventMicros", any ? newest : null)
            .put("oldestEvent", any ? Instant.ofEpochSecond(0, oldest * 1000).toString() : null)
            .put("newestEvent", any ? Instant.ofEpochSecond(0, newest * 1000).toString() : null)
            .put("dbBytes", Files.size(db) + (Files.exists(wal) ? Files.size(wal) : 0))
            .put("salvage", salvage(c))
            .put("quarantined", quarantined(db));
      }
    }

    /** The report of the salvage that built this database, or null (never; or schema before 3). */
    private static JsonObject salvage(Connection c) throws SQLException {
      String report = Schema.userVersion(c) >= 3 ? Settings.get(c, Salvage.SETTINGS_KEY) : null;
      return report == null ? null : new JsonObject(report);
    }

    /** Damaged databases moved aside at start ({@code <db>.corrupt-<time>}), oldest first. */
    private static io.vertx.core.json.JsonArray quarantined(Path db) throws IOException {
      String prefix = db.getFileName() + ".corrupt-";
      try (var files = Files.list(db.toAbsolutePath().getParent())) {
        return new io.vertx.core.json.JsonArray(files.map(p -> p.getFileName().toString())
            .filter(n -> n.startsWith(prefix) && !n.endsWith("-wal") && !n.endsWith("-shm"))
            .sorted().map(n -> (Object) db.resolveSibling(n).toString()).toList());
      }
    }

  }
}
