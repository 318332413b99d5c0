package dev.skellyjelly.storage.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.SealedFile;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.BlockMerger;
import dev.skellyjelly.storage.store.EncryptionAtRest;
import dev.skellyjelly.storage.store.EventReader;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.ExportFile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --from-postgres}: what the shared store holds of a range, every device or one, in
 * the local export's formats, each line naming its device; sealed blocks opened with their device's
 * keys; a merged block cut by the range's ends; bad input named.
 */
class SharedExportTest {

  /** 2026-11-10T09:00:00Z */
  private static final long T9 = 1_794_301_200_000_000L;
  private static final long MINUTE = 60_000_000L;

  @TempDir
  Path dir;
  private Vertx vertx;
  private Pool pool;
  private String database;
  private final UUID laptop = UUID.randomUUID();
  private final UUID desktop = UUID.randomUUID();
  private final List<JsonObject> laptopEvents = new ArrayList<>();
  private final List<JsonObject> desktopEvents = new ArrayList<>();
  private StorageConfig.Encryption encryption;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    database = TestPostgres.get().createDatabase();
    pool = PgTestSupport.pool(vertx, database);
    encryption = new StorageConfig.Encryption(true, dir.resolve("keys/storage.key"), null, null);
    // The laptop: plaintext, 09:00-10:00 one event every 10 s, merged into one sealed block.
    Path laptopDb = dir.resolve("laptop.db");
    try (EventStore store = EventStore.open(laptopDb, "NORMAL")) {
      UUID s = UUID.randomUUID();
      for (int commit = 0; commit < 6; commit++) {
        List<RawEvent> batch = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          int n = commit * 60 + i;
          batch.add(new RawEvent.Keystroke(T9 + n * 10_000_000L, s, n, 65 + i % 26, 0));
        }
        store.stage(batch);
        store.commit();
        batch.forEach(e -> laptopEvents.add(EventJson.toJson(e).put("device", laptop.toString())));
      }
      new BlockMerger(store.connection()).merge(T9 + 2 * 60 * MINUTE, 1_000_000);
    }
    // The desktop: encrypted under the key file this test exports with, 09:30-09:40 live.
    Path desktopDb = dir.resolve("desktop.db");
    try (EventStore store = EventStore.open(desktopDb, "NORMAL", 5_000, encryption)) {
      UUID s = UUID.randomUUID();
      for (int commit = 0; commit < 10; commit++) {
        List<RawEvent> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          int n = commit * 20 + i;
          batch.add(new RawEvent.MouseMove(T9 + 30 * MINUTE + n * 3_000_000L, s, n, n, 2 * n));
        }
        store.stage(batch);
        store.commit();
        batch.forEach(e -> desktopEvents.add(EventJson.toJson(e).put("device", desktop.toString())));
      }
    }
    PgTestSupport.shipAll(pool, laptopDb, laptop, new Watermarks(), 1_000);
    PgTestSupport.shipAll(pool, desktopDb, desktop, new Watermarks(), 1_000);
  }

  @AfterEach
  void tearDown() {
    pool.close().await();
    vertx.close().await();
  }

  /** The exporting module: its own (encrypted) database, the same key file, the shared server. */
  private StorageConfig exporter() throws Exception {
    StorageConfig config = StorageConfig.fromJson(new JsonObject()
        .put("storage", TestSupport.storageTable(dir.resolve("exporter")))
        .put("postgres", PgTestSupport.postgresTable(database))
        .put("encryption", new JsonObject().put("enabled", true).put("key_file", encryption.keyFile().toString())));
    Files.createDirectories(config.databasePath().getParent());
    EventStore.open(config.databasePath(), "NORMAL", 5_000, config.encryption()).close();
    return config;
  }

  private static Set<String> lines(byte[] plain, boolean lz4) throws Exception {
    try (InputStream in = lz4 ? new LZ4FrameInputStream(new ByteArrayInputStream(plain))
        : new GZIPInputStream(new ByteArrayInputStream(plain))) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> all = text.isEmpty() ? List.of() : List.of(text.split("\n"));
      Set<String> out = new HashSet<>(all);
      assertEquals(all.size(), out.size(), "no line twice");
      return out;
    }
  }

  private static Set<String> within(List<JsonObject> events, List<RawEventTime> times, long from, long to) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      if (times.get(i).micros() >= from && times.get(i).micros() < to) {
        out.add(events.get(i).encode());
      }
    }
    return out;
  }

  private record RawEventTime(long micros) {
  }

  private List<RawEventTime> laptopTimes() {
    List<RawEventTime> out = new ArrayList<>();
    for (int n = 0; n < laptopEvents.size(); n++) {
      out.add(new RawEventTime(T9 + n * 10_000_000L));
    }
    return out;
  }

  private List<RawEventTime> desktopTimes() {
    List<RawEventTime> out = new ArrayList<>();
    for (int n = 0; n < desktopEvents.size(); n++) {
      out.add(new RawEventTime(T9 + 30 * MINUTE + n * 3_000_000L));
    }
    return out;
  }

  @Test
  void everyDeviceOfARangeIsExportedOnceEachLineNamingItsDeviceAndSealedBlocksOpen() throws Exception {
    long from = T9 + 25 * MINUTE; // inside the laptop's merged hour block
    long to = T9 + 35 * MINUTE;   // inside the desktop's minutes
    Path out = dir.resolve("out/all.jsonl.gz");
    Files.createDirectories(out.getParent());
    SharedExport.Result r = SharedExport.write(vertx, exporter(), new EventReader.Range(from, to, null, null), null,
        out, ExportFile.Compression.GZIP, false);
    Set<String> want = within(laptopEvents, laptopTimes(), from, to);
    want.addAll(within(desktopEvents, desktopTimes(), from, to));
    assertEquals(60 + 100, want.size(), "60 laptop events (every 10 s) and 100 desktop ones (every 3 s)");
    assertEquals(List.of(), r.unreadable());
    assertEquals(want.size(), r.events());
    assertEquals(want, lines(Files.readAllBytes(out), false), "both devices' events of the range, exactly");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)), "private");
    try (var files = Files.list(out.getParent())) {
      assertEquals(List.of(out), files.toList(), "no temp file left");
    }
  }

  @Test
  void oneDeviceAsLz4AndSealedUnderTheLocalKeyOpensWithIt() throws Exception {
    StorageConfig config = exporter();
    Path out = dir.resolve("desktop.jsonl.lz4.sealed");
    SharedExport.Result r = SharedExport.write(vertx, config, new EventReader.Range(T9, T9 + 60 * MINUTE, null, null),
        desktop, out, ExportFile.Compression.LZ4, true);
    assertEquals(200, r.events());
    byte[] sealed = Files.readAllBytes(out);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    SealedFile.open(new ByteArrayInputStream(sealed), plain, salt -> EncryptionAtRest.keyEncryptionKey(config.encryption(), salt));
    assertEquals(within(desktopEvents, desktopTimes(), T9, T9 + 60 * MINUTE), lines(plain.toByteArray(), true),
        "only the desktop's events");
    assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains(desktop.toString()), "nothing readable in the file");
  }

  @Test
  void anUnknownDeviceIsRefusedByNameAndLeavesNoFile() throws Exception {
    StorageConfig config = exporter();
    UUID stranger = UUID.randomUUID();
    Path out = dir.resolve("none.jsonl.gz");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedExport.write(vertx, config,
        new EventReader.Range(T9, T9 + MINUTE, null, null), stranger, out, ExportFile.Compression.GZIP, false));
    assertTrue(e.getMessage().contains("--device " + stranger + ": no such device"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void aDeviceWhoseKeysDoNotOpenHereLosesOnlyItsOwnBlocksEachNamed() throws Exception {
    // An exporter under another key file: the desktop's sealed blocks cannot be opened, the laptop's can.
    StorageConfig config = StorageConfig.fromJson(new JsonObject()
        .put("storage", TestSupport.storageTable(dir.resolve("other")))
        .put("postgres", PgTestSupport.postgresTable(database))
        .put("encryption", new JsonObject().put("enabled", true).put("key_file", dir.resolve("keys/other.key").toString())));
    Files.createDirectories(config.databasePath().getParent());
    EventStore.open(config.databasePath(), "NORMAL", 5_000, config.encryption()).close();
    Path out = dir.resolve("partial.jsonl.gz");
    SharedExport.Result r = SharedExport.write(vertx, config, new EventReader.Range(T9, T9 + 60 * MINUTE, null, null),
        null, out, ExportFile.Compression.GZIP, false);
    assertEquals(10, r.unreadable().size(), "each of the desktop's 10 blocks: " + r.unreadable());
    assertTrue(r.unreadable().get(0).contains("device " + desktop), r.unreadable().get(0));
    assertEquals(within(laptopEvents, laptopTimes(), T9, T9 + 60 * MINUTE), lines(Files.readAllBytes(out), false));
  }
}
