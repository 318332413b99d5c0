package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import static dev.skellyjelly.storage.PrivateFilesAssert.assertPrivateTree;
import static dev.skellyjelly.storage.PrivateFilesAssert.filesNamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A damaged database at start: quarantined, salvaged, and the module starts saying so. */
@ExtendWith(VertxExtension.class)
class SalvageTest {

  private static final long T0 = 1_794_268_800_000_000L;
  private static final int SESSIONS = 300;
  private static final int EVENTS_PER_SESSION = 400;

  @TempDir
  Path dir;

  /** One block per session; returns every event written. */
  private static List<RawEvent> fill(Path db) throws Exception {
    List<RawEvent> all = new ArrayList<>();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      for (int s = 0; s < SESSIONS; s++) {
        var capture = new dev.skellyjelly.storage.demo.SyntheticCapture(UUID.randomUUID(), s);
        List<RawEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS_PER_SESSION; i++) {
          events.add(capture.next(T0 + i * 50_000L));
        }
        store.stage(events);
        all.addAll(events);
      }
      store.commit();
      try (Statement st = store.connection().createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
    return all;
  }

  /** Overwrites {@code count} pages in the middle of the file with random bytes. */
  private static void overwriteMiddlePages(Path db, int count) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      long pages = f.length() / 4096;
      byte[] garbage = new byte[4096];
      Random random = new Random(13);
      for (int i = 0; i < count; i++) {
        random.nextBytes(garbage);
        f.seek((pages / 2 + i) * 4096);
        f.write(garbage);
      }
    }
  }

  @Test
  void fourOverwrittenPagesAreQuarantinedAndEveryReadableBlockSalvaged(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    StorageConfig config = TestSupport.config(dir);
    Path db = config.databasePath();
    List<RawEvent> written = fill(db);
    overwriteMiddlePages(db, 4);
    assertTrue(StartupCheck.damage(db, EncryptionAtRest.OFF) != null, "the quick check sees the damage");

    StorageModule.deploy(vertx, config, new SimpleMeterRegistry())
        .compose(m -> vertx.eventBus().<JsonObject>request(Addresses.HEALTH, null)
            .compose(health -> m.undeploy().map(health.body())))
        .compose(health -> vertx.executeBlocking(() -> {
          ctx.verify(() -> {
            JsonObject integrity = health.getJsonObject("integrity");
            assertEquals("salvaged", integrity.getString("status"), health.encode());
            Path quarantined = Path.of(integrity.getString("quarantined"));
            assertTrue(Files.exists(quarantined) && quarantined.getFileName().toString()
                .startsWith("events.db.corrupt-"), quarantined.toString());

            List<RawEvent> saved = TestSupport.storedEvents(db);
            assertEquals(integrity.getLong("eventsSaved"), (long) saved.size());
            assertTrue(new HashSet<>(written).containsAll(saved), "nothing invented");
            // Every block still readable and decodable in the damaged file was saved.
            long readable = readableEvents(quarantined);
            assertTrue(saved.size() >= readable, saved.size() + " saved < " + readable + " readable: " + integrity.encode());
            assertTrue(saved.size() >= written.size() / 2, "most survive 4 bad pages: " + saved.size());
            assertNull(Verification.problem(db), "the fresh database is whole");
            JsonObject stats = dev.skellyjelly.storage.store.Stats.of(db);
            assertEquals(integrity.getLong("eventsSaved"), stats.getJsonObject("salvage").getLong("eventsSaved"));
            assertEquals(quarantined.toString(), stats.getJsonArray("quarantined").getString(0));
            assertPrivateTree(db.getParent());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Events of the blocks that can be read one by one from the damaged file and decode. */
  private static long readableEvents(Path damaged) throws Exception {
    long events = 0;
    BlockCodec codec = new BlockCodec();
    String table = Schema.blockTableFor(T0);
    Set<Long> seen = new HashSet<>();
    try (Connection c = SqliteFiles.openReader(damaged)) {
      for (long rowid = 1; rowid <= SESSIONS; rowid++) {
        try (PreparedStatement ps = c.prepareStatement("SELECT b.payload, s.session_id FROM " + table
            + " b JOIN sessions s ON s.session_key = b.session_key WHERE b.rowid = ?")) {
          ps.setLong(1, rowid);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next() && seen.add(rowid)) {
              events += codec.decode(rs.getBytes(1), Uuids.fromBytes(rs.getBytes(2))).size();
            }
          }
        } catch (java.sql.SQLException | RuntimeException unreadable) {
          // this block is on a damaged page: it cannot be salvaged either
        }
      }
    }
    return events;
  }

  @Test
  void aFileWithABadHeaderIsMovedAsideAndTheModuleStartsOnAFreshDatabase(Vertx vertx,
      VertxTestContext ctx) throws Exception {
    StorageConfig config = TestSupport.config(dir);
    Path db = config.databasePath();
    SqliteFiles.ensurePrivateDirectory(db.getParent());
    Files.write(db, new byte[8192]);
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry())
        .compose(m -> vertx.eventBus().<JsonObject>request(Addresses.HEALTH, null)
            .compose(health -> m.undeploy().map(health.body())))
        .onComplete(ctx.succeeding(health -> ctx.verify(() -> {
          JsonObject integrity = health.getJsonObject("integrity");
          assertEquals("salvaged", integrity.getString("status"));
          assertTrue(integrity.getString("damage").contains("header"), integrity.encode());
          assertEquals(1, filesNamed(db.getParent(), ".corrupt-").size());
          assertEquals(0, TestSupport.storedEvents(db).size());
          assertPrivateTree(db.getParent());
          ctx.completeNow();
        })));
  }

  @Test
  void aHealthyDatabaseIsReportedOkAndLeftAlone(Vertx vertx, VertxTestContext ctx) throws Exception {
    StorageConfig config = TestSupport.config(dir);
    Path db = config.databasePath();
    List<RawEvent> written = fill(db);
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry())
        .compose(m -> vertx.eventBus().<JsonObject>request(Addresses.HEALTH, null)
            .compose(health -> m.undeploy().map(health.body())))
        .onComplete(ctx.succeeding(health -> ctx.verify(() -> {
          assertEquals("ok", health.getJsonObject("integrity").getString("status"));
          assertEquals(List.of(), filesNamed(db.getParent(), ".corrupt-"));
          assertEquals(written.size(), TestSupport.storedEvents(db).size());
          ctx.completeNow();
        })));
  }

  @Test
  void aDatabaseFromANewerBuildStopsStartUpUntouched(Vertx vertx, VertxTestContext ctx) throws Exception {
    StorageConfig config = TestSupport.config(dir);
    Path db = config.databasePath();
    fill(db);
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version = " + (Schema.CURRENT_VERSION + 1));
    }
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry())
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertTrue(err.getMessage().contains("newer than this build"), err.getMessage());
          assertEquals(List.of(), filesNamed(db.getParent(), ".corrupt-"));
          assertEquals(SESSIONS * EVENTS_PER_SESSION, TestSupport.storedEvents(db).size());
          ctx.completeNow();
        })));
  }
}
