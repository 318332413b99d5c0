package dev.skellyjelly.storage.replicate;

import static dev.skellyjelly.storage.replicate.ReplicationModuleTest.T9;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.Aead;
import dev.skellyjelly.storage.crypto.KeyEncryptionKey;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.KeyRotation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted devices read across devices through PostgreSQL: each device's data keys travel
 * wrapped in {@code devices.data_keys}, and a device holding the same key-encryption key opens
 * every device's blocks with them. Several devices are several databases shipped one after another.
 */
@ExtendWith(VertxExtension.class)
class ReplicatedKeysTest {

  private static final JsonObject WHOLE_HOUR = new JsonObject().put("type", "events").put("scope", "all")
      .put("from", T9).put("to", T9 + 3_600_000_000L).put("limit", 77);

  @TempDir
  Path dir;

  private StorageConfig device(String database, String name, Path keyFile) {
    return StorageConfig.fromJson(new JsonObject().put("storage", TestSupport.storageTable(dir.resolve(name)))
        .put("http", new JsonObject().put("enabled", false))
        .put("postgres", PgTestSupport.postgresTable(database))
        .put("encryption", new JsonObject().put("enabled", true).put("key_file", keyFile.toString())));
  }

  /** Runs the device's module until PostgreSQL holds {@code events}, then stops it. */
  private static Future<Void> captureAndShip(Vertx vertx, StorageConfig device, List<RawEvent> events,
      VertxTestContext ctx) {
    return StorageModule.deploy(vertx, device, new SimpleMeterRegistry())
        .compose(module -> ReplicationModuleTest.sendDurably(vertx, events)
            .compose(v -> ReplicationModuleTest.status(vertx, 20_000))
            .compose(s -> {
              ctx.verify(() -> assertEquals(true, s.getBoolean("caughtUp"), s.encodePrettily()));
              return module.undeploy();
            }));
  }

  private static UUID deviceId(StorageConfig device) throws Exception {
    return UUID.fromString(PgTestSupport.localRows(device.databasePath(),
        "SELECT value FROM settings WHERE key = 'device_id'").get(0).get(0));
  }

  /** What a scope=all query returns for these events of this device. */
  private static Set<String> expected(List<RawEvent> events, UUID device) {
    Set<String> out = new HashSet<>();
    events.forEach(e -> out.add(EventJson.toJson(e).put("device", device.toString()).encode()));
    return out;
  }

  private static Set<String> encoded(List<JsonObject> events) {
    Set<String> out = new HashSet<>();
    events.forEach(e -> out.add(e.encode()));
    return out;
  }

  @Test
  void devicesSharingAKeyFileReadEachOthersBlocksAndADeviceUnderAnotherKeyIsReportedAsDecrypt(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    String database = TestPostgres.get().createDatabase();
    Path shared = dir.resolve("keys/shared.key");
    StorageConfig laptop = device(database, "laptop", shared);
    StorageConfig desktop = device(database, "desktop", shared);
    StorageConfig stranger = device(database, "stranger", dir.resolve("keys/other.key"));
    List<RawEvent> laptopEvents = ReplicationModuleTest.events(UUID.randomUUID(), UUID.randomUUID(), 0, 300);
    List<RawEvent> strangerEvents = ReplicationModuleTest.events(UUID.randomUUID(), UUID.randomUUID(), 0, 60);
    List<RawEvent> desktopEvents = ReplicationModuleTest.events(UUID.randomUUID(), UUID.randomUUID(), 0, 200);
    JsonArray errors = new JsonArray();
    captureAndShip(vertx, laptop, laptopEvents, ctx)
        .compose(v -> captureAndShip(vertx, stranger, strangerEvents, ctx))
        // The desktop reads while it runs: its own blocks, the laptop's, and not the stranger's.
        .compose(v -> StorageModule.deploy(vertx, desktop, new SimpleMeterRegistry()))
        .compose(module -> ReplicationModuleTest.sendDurably(vertx, desktopEvents)
            .compose(v -> ReplicationModuleTest.status(vertx, 20_000))
            .compose(v -> ReplicationModuleTest.allEvents(vertx, WHOLE_HOUR, null, new ArrayList<>(), errors))
            .compose(events -> module.undeploy().map(events)))
        .compose(events -> vertx.executeBlocking(() -> {
          UUID strangerId = deviceId(stranger);
          long strangerBlocks = PgTestSupport.pgLong(database,
              "SELECT count(*) FROM event_blocks WHERE device_id = '" + strangerId + "'");
          ctx.verify(() -> {
            Set<String> want = expected(laptopEvents, deviceId(laptop));
            want.addAll(expected(desktopEvents, deviceId(desktop)));
            assertEquals(500, events.size(), "every event of both devices once, across pages of 77");
            assertEquals(want, encoded(events), "both devices' events exactly");
            assertTrue(strangerBlocks > 0, "the stranger's blocks are in PostgreSQL");
            assertEquals(strangerBlocks, errors.size(), "each of the stranger's blocks is reported: " + errors);
            for (Object o : errors) {
              JsonObject error = (JsonObject) o;
              assertEquals("DECRYPT", error.getString("code"));
              assertEquals(strangerId.toString(), error.getString("device"));
              assertTrue(error.getString("message").contains("does not unwrap the data keys of device " + strangerId),
                  error.getString("message"));
            }
          });
          return null;
        }))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertOnlyWrappedKeysIn(database, laptop, shared);
          assertOnlyWrappedKeysIn(database, desktop, shared);
          ctx.completeNow();
        })));
    assertTrue(ctx.awaitCompletion(120, TimeUnit.SECONDS));
  }

  /**
   * The device's row holds its data key as stored locally — wrapped: it opens only with the
   * key-encryption key — and the data key's bytes appear nowhere in it.
   */
  private static void assertOnlyWrappedKeysIn(String database, StorageConfig device, Path keyFile) throws Exception {
    UUID id = deviceId(device);
    JsonObject material = new JsonObject(TestPostgres.get().psql(database,
        "SELECT data_keys::text FROM devices WHERE device_id = '" + id + "'").trim());
    String wrapped = PgTestSupport.localRows(device.databasePath(),
        "SELECT value FROM settings WHERE key = 'data_key:1'").get(0).get(0);
    assertEquals(id.toString(), material.getString("device"));
    assertEquals(1, material.getInteger("current"));
    assertEquals(new JsonObject().put("1", wrapped), material.getJsonObject("keys"));
    assertEquals(null, material.getString("salt"), "a key file has no salt");
    byte[] dataKey = new Aead(KeyEncryptionKey.fromFile(keyFile, line -> { })).open(Base64.getDecoder().decode(wrapped), 0,
        "skelly-jelly data key 1".getBytes(StandardCharsets.UTF_8));
    assertEquals(Aead.KEY_BYTES, dataKey.length);
    String row = TestPostgres.get().psql(database, "SELECT d::text FROM devices d WHERE device_id = '" + id + "'");
    assertFalse(row.contains(Base64.getEncoder().encodeToString(dataKey)), "no data key in base64");
    assertFalse(row.toLowerCase().contains(HexFormat.of().formatHex(dataKey)), "no data key in hex");
    String bytes = TestPostgres.get().psql(database,
        "SELECT encode(convert_to(d::text, 'UTF8'), 'hex') FROM devices d WHERE device_id = '" + id + "'");
    assertFalse(bytes.contains(HexFormat.of().formatHex(dataKey)), "no raw data key bytes");
  }

  @Test
  void aDeviceThatReencryptsStaysReadableByARunningReader(Vertx vertx, VertxTestContext ctx) throws Exception {
    String database = TestPostgres.get().createDatabase();
    Path shared = dir.resolve("keys/shared.key");
    StorageConfig laptop = device(database, "laptop", shared);
    StorageConfig desktop = device(database, "desktop", shared);
    UUID session = UUID.randomUUID();
    List<RawEvent> before = ReplicationModuleTest.events(session, session, 0, 100);
    List<RawEvent> after = ReplicationModuleTest.events(session, session, 100, 50);
    // The laptop runs in its own Vert.x, so the desktop's reader keeps its keys cached across the rotation.
    Vertx laptopVertx = Vertx.vertx();
    JsonArray errors = new JsonArray();
    captureAndShip(laptopVertx, laptop, before, ctx)
        .compose(v -> StorageModule.deploy(vertx, desktop, new SimpleMeterRegistry()))
        .compose(reader -> ReplicationModuleTest.allEvents(vertx, WHOLE_HOUR, null, new ArrayList<>(), errors)
            .compose(first -> {
              ctx.verify(() -> {
                assertEquals(expected(before, deviceId(laptop)), encoded(first));
                assertEquals(0, errors.size(), errors.encode());
              });
              return vertx.executeBlocking(() -> { // rotate-key --reencrypt, with the laptop stopped
                try (EventStore store = EventStore.open(laptop.databasePath(), "NORMAL", 5_000, laptop.encryption())) {
                  KeyRotation.reencrypt(store);
                }
                return null;
              });
            })
            .compose(v -> captureAndShip(laptopVertx, laptop, after, ctx))
            .compose(v -> ReplicationModuleTest.allEvents(vertx, WHOLE_HOUR, null, new ArrayList<>(), errors))
            .compose(events -> reader.undeploy().map(events)))
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          Set<String> want = expected(before, deviceId(laptop));
          want.addAll(expected(after, deviceId(laptop)));
          assertEquals(0, errors.size(), "blocks under the retired key and under the new one open: " + errors);
          assertEquals(150, events.size());
          assertEquals(want, encoded(events));
          JsonObject material = new JsonObject(TestPostgres.get().psql(database,
              "SELECT data_keys::text FROM devices WHERE device_id = '" + deviceId(laptop) + "'").trim());
          assertEquals(2, material.getInteger("current"), "the new data key was shipped");
          assertEquals(Set.of("1", "2"), material.getJsonObject("keys").fieldNames(),
              "the retired key stays in PostgreSQL for the blocks shipped under it");
          assertEquals(List.of(List.of("data_key:2")), PgTestSupport.localRows(laptop.databasePath(),
              "SELECT key FROM settings WHERE key LIKE 'data_key:%'"), "the laptop itself forgot key 1");
          ctx.completeNow();
        })));
    try {
      assertTrue(ctx.awaitCompletion(120, TimeUnit.SECONDS));
    } finally {
      laptopVertx.close().await();
    }
  }
}
