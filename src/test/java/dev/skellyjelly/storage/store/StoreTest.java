package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.ManualClock;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventBatch;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class StoreTest {

  private static final long DAY = Maintenance.DAY_MICROS;
  /** 2026-11-10T00:00:00Z */
  private static final long T0 = 1_794_268_800_000_000L;

  @TempDir
  Path dir;

  /** Writes {@code count} demo-mix events, {@code gapMicros} apart, straight through EventStore. */
  static List<RawEvent> fill(Path db, long start, int count, long gapMicros) throws Exception {
    List<RawEvent> all = new ArrayList<>(count);
    SyntheticCapture capture = new SyntheticCapture(UUID.randomUUID(), 11);
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      List<RawEvent> batch = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        RawEvent e = capture.next(start + i * gapMicros);
        batch.add(e);
        all.add(e);
        if (batch.size() == 20_000 || i == count - 1) {
          store.stage(batch);
          store.commit();
          batch.clear();
        }
      }
    }
    return all;
  }

  private static long single(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  @Test
  void aggregatesEqualARecomputationFromTheRawEventsAndRollupsAreIdempotent() throws Exception {
    Path db = dir.resolve("a.db");
    List<RawEvent> events = fill(db, T0, 50_000, 150_000); // ~2 hours
    long keystrokes = events.stream().filter(e -> e instanceof RawEvent.Keystroke).count();
    long clicks = events.stream().filter(e -> e instanceof RawEvent.MouseClick).count();
    long switches = events.stream().filter(e -> e instanceof RawEvent.WindowFocus).count();
    long activeSeconds = events.stream().filter(e -> e instanceof RawEvent.Keystroke
            || e instanceof RawEvent.MouseMove || e instanceof RawEvent.MouseClick)
        .map(e -> Math.floorDiv(e.timestampMicros(), 1_000_000L)).distinct().count();
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL")) {
      assertEquals(keystrokes, single(c, "SELECT sum(keystroke_count) FROM event_aggregates_minute"));
      assertEquals(clicks, single(c, "SELECT sum(mouse_clicks) FROM event_aggregates_minute"));
      assertEquals(switches, single(c, "SELECT sum(window_switches) FROM event_aggregates_minute"));
      assertEquals(activeSeconds * 1000, single(c, "SELECT sum(active_time_ms) FROM event_aggregates_minute"));
      Maintenance m = new Maintenance(c);
      m.rollup(0, T0 + 2 * DAY);
      String snapshot = "SELECT group_concat(hour_start_us || ':' || keystroke_count || ':' || active_time_ms)"
          + " FROM (SELECT * FROM event_aggregates_hourly ORDER BY hour_start_us)";
      String first;
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(snapshot)) {
        first = rs.next() ? rs.getString(1) : null;
      }
      m.rollup(0, T0 + 2 * DAY);
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(snapshot)) {
        assertEquals(first, rs.next() ? rs.getString(1) : null, "running twice changes nothing");
      }
      assertEquals(keystrokes, single(c, "SELECT sum(keystroke_count) FROM event_aggregates_hourly"));
      assertEquals(keystrokes, single(c, "SELECT sum(keystroke_count) FROM event_aggregates_daily"));
      assertEquals(activeSeconds * 1000, single(c, "SELECT sum(active_time_ms) FROM event_aggregates_daily"));
    }
  }

  @Test
  void retentionDropsExactlyTheExpiredDataAtTheInjectedTime(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Path db = dir.resolve("db/events.db");
    // Events on three days: 2026-11-10, -11 and -12.
    List<RawEvent> events = fill(db, T0 + 12 * 3_600_000_000L, 3_000, 90_000_000L); // ≈ 3.1 days
    long kept = events.stream().filter(e -> e.timestampMicros() >= T0 + 2 * DAY).count();
    ManualClock clock = new ManualClock(T0 + 9 * DAY + 1); // 7 days of raw retention from here
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir));
    List<String> before;
    try (Connection c = SqliteFiles.openReader(db)) {
      before = Schema.blockTables(c);
    }
    assertEquals(List.of("event_blocks_20261110", "event_blocks_20261111", "event_blocks_20261112",
        "event_blocks_20261113"), before);
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry(), clock)
        .compose(m -> vertx.eventBus().<JsonObject>request(Addresses.WRITE_MAINTENANCE,
                new JsonObject().put("task", "rollup"))
            .compose(r -> vertx.eventBus().<JsonObject>request(Addresses.WRITE_MAINTENANCE,
                new JsonObject().put("task", "retention")))
            .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
              // now = Nov 19 00:00 + 1 µs; cutoff = Nov 12 00:00 + 1 µs: days ending by then go.
              assertEquals(new JsonArray().add("event_blocks_20261110").add("event_blocks_20261111"),
                  r.body().getJsonArray("droppedTables"));
              try (Connection c = SqliteFiles.openReader(db)) {
                assertEquals(List.of("event_blocks_20261112", "event_blocks_20261113"), Schema.blockTables(c));
                assertEquals(0, single(c, "SELECT count(*) FROM event_aggregates_minute WHERE minute_start_us < "
                    + (T0 + 2 * DAY + 1)));
                assertTrue(single(c, "SELECT count(*) FROM event_aggregates_minute") > 0, "newer minutes stay");
                assertTrue(single(c, "SELECT count(*) FROM event_aggregates_hourly WHERE hour_start_us < "
                    + (T0 + 2 * DAY)) > 0, "hourly rollups of dropped days stay (30 day retention)");
                assertEquals(kept, single(c, "SELECT sum(event_count) FROM event_blocks"),
                    "exactly the events of the days kept remain, and the view covers them");
              }
              m.undeploy().onComplete(ctx.succeedingThenComplete());
            }))));
  }

  @Test
  void compactionReturnsFreedPagesAndReportsItsLongestPause(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Path db = dir.resolve("db/events.db");
    fill(db, T0, 200_000, 1_000_000L); // 200,000 s ≈ 2.3 days, one event a second
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir));
    long sizeBefore = java.nio.file.Files.size(db);
    StorageModule.deploy(vertx, config, registry, new ManualClock(T0 + 9 * DAY))
        .compose(m -> vertx.eventBus().<JsonObject>request(Addresses.WRITE_MAINTENANCE,
                new JsonObject().put("task", "retention"))
            .compose(r -> vertx.eventBus().<JsonObject>request(Addresses.WRITE_MAINTENANCE,
                new JsonObject().put("task", "compact")))
            .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
              io.micrometer.core.instrument.Timer pause = registry.get("skelly.compaction.pause").timer();
              assertEquals(1, pause.count());
              double longestMs = r.body().getDouble("longestPauseMs");
              assertTrue(longestMs > 0, "vacuum steps ran, each takes time: " + longestMs);
              assertEquals(longestMs, pause.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS), 1e-3,
                  "the reply and the metric report the same longest step");
              try (Connection c = SqliteFiles.openReader(db)) {
                assertEquals(0, single(c, "PRAGMA freelist_count"), "freed pages returned");
              }
              assertTrue(java.nio.file.Files.size(db) < sizeBefore, "the file shrank");
              m.undeploy().onComplete(ctx.succeedingThenComplete());
            }))));
  }

  @Test
  void aMillionEventsStreamInBoundedPages(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path db = dir.resolve("db/events.db");
    fill(db, T0, 1_000_000, 20_000); // 20 ms apart: about 5.5 hours
    // A generous deadline, so that paging on a loaded machine never meets it.
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir).put("query_timeout_ms", 10_000));
    long[] total = {0};
    int[] pages = {0};
    int[] largest = {0};
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry())
        .compose(m -> pageThrough(vertx, null, total, pages, largest).map(m))
        .onComplete(ctx.succeeding(m -> ctx.verify(() -> {
          assertEquals(1_000_000, total[0]);
          assertTrue(largest[0] <= 1000, "never more than a page in memory: " + largest[0]);
          assertEquals(1000, pages[0]);
          m.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  /**
   * A deadline interrupts a scan: finding a rare kind among a million events decodes every block,
   * which no machine does in the query's 1 ms (a margin of two orders of magnitude, not a race
   * of similar durations); the pool's one connection then serves the next query.
   */
  @Test
  void aQueryPastItsDeadlineTimesOutAndThePoolStaysUsable(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path db = dir.resolve("db/events.db");
    fill(db, T0, 1_000_000, 20_000);
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir).put("database_pool_size", 1)
        .put("query_timeout_ms", 10_000));
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry()).compose(m -> vertx.eventBus()
        .<JsonObject>request(Addresses.QUERY, new JsonObject().put("type", "events").put("from", T0)
            .put("to", T0 + DAY).put("timeoutMs", 1).put("kinds", "process_start").put("limit", 10_000))
        .transform(ar -> {
          ctx.verify(() -> {
            assertTrue(ar.failed(), "scanning a million events for a rare kind outlasts 1 ms");
            ReplyException re = (ReplyException) ar.cause();
            assertEquals(ErrorCode.TIMEOUT.failureCode(), re.failureCode());
            assertTrue(re.getMessage().contains("deadline of 1 ms and was interrupted"), re.getMessage());
          });
          return vertx.eventBus().<JsonObject>request(Addresses.QUERY, new JsonObject()
              .put("type", "events").put("from", T0).put("to", T0 + 10_000_000).put("limit", 10));
        }).map(after -> {
          ctx.verify(() -> assertEquals(10, after.body().getJsonArray("events").size()));
          return m;
        })).onComplete(ctx.succeeding(m -> m.undeploy().onComplete(ctx.succeedingThenComplete())));
  }

  private Future<Void> pageThrough(Vertx vertx, String cursor, long[] total, int[] pages, int[] largest) {
    JsonObject q = new JsonObject().put("type", "events").put("from", T0).put("to", T0 + DAY)
        .put("limit", 1000);
    if (cursor != null) {
      q.put("cursor", cursor);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.QUERY, q, new io.vertx.core.eventbus.DeliveryOptions()
        .setSendTimeout(30_000)).compose(r -> {
          int n = r.body().getJsonArray("events").size();
          total[0] += n;
          pages[0]++;
          largest[0] = Math.max(largest[0], n);
          String next = r.body().getString("next");
          return next == null ? Future.succeededFuture() : pageThrough(vertx, next, total, pages, largest);
        });
  }

  @Test
  void replayReturnsTheEventsOfTheEmittedBatchAndBadParametersAreNamed(Vertx vertx,
      VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir).put("batch_window_seconds", 0.2));
    UUID session = UUID.randomUUID();
    SyntheticCapture capture = new SyntheticCapture(session, 5);
    List<EventBatch> emitted = new ArrayList<>();
    vertx.eventBus().<EventBatch>consumer(Addresses.EVENT_BATCHES, m -> emitted.add(m.body()));
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry()).compose(m -> {
      List<Future<Object>> sent = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        sent.add(vertx.eventBus().request(Addresses.EVENTS_RAW, capture.next(T0 + i * 1000L)).map(x -> x.body()));
      }
      return Future.all(sent).compose(v -> vertx.eventBus().request(Addresses.BATCH_FLUSH, null))
          .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.QUERY, new JsonObject()
              .put("type", "window").put("id", emitted.get(0).windowId().toString())))
          .compose(replay -> {
            ctx.verify(() -> {
              JsonArray expected = new JsonArray();
              emitted.get(0).events().forEach(e -> expected.add(EventJson.toJson(e)));
              assertEquals(expected, replay.body().getJsonArray("events"));
              assertEquals(emitted.get(0).startMicros(), replay.body().getLong("startMicros"));
            });
            return vertx.eventBus().request(Addresses.QUERY, new JsonObject().put("type", "events")
                .put("from", "yesterday").put("to", T0));
          })
          .transform(ar -> {
            ctx.verify(() -> {
              ReplyException re = (ReplyException) ar.cause();
              assertEquals(ErrorCode.BAD_REQUEST.failureCode(), re.failureCode());
              assertTrue(re.getMessage().contains("parameter 'from'"), re.getMessage());
            });
            return m.undeploy();
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void backupWhileWritingThenRestoreRoundTrip(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir));
    UUID session = UUID.randomUUID();
    SyntheticCapture capture = new SyntheticCapture(session, 9);
    long[] writer = {-1};
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry()).compose(m -> {
      writer[0] = vertx.setPeriodic(2, id -> {
        for (int i = 0; i < 200; i++) {
          vertx.eventBus().send(Addresses.EVENTS_RAW, capture.next(T0 + capture.produced() * 1000));
        }
      });
      // The backup is taken once something is committed, while the writes go on.
      io.vertx.core.Promise<Void> committed = io.vertx.core.Promise.promise();
      vertx.eventBus().<JsonObject>consumer(Addresses.WRITE_COMMITTED, c -> {
        if (c.body().getInteger("events", 0) > 0) {
          committed.tryComplete();
        }
      });
      return committed.future()
          .compose(t -> vertx.eventBus().<JsonObject>request(Addresses.BACKUP, null))
          .compose(b -> {
            vertx.cancelTimer(writer[0]);
            Path backup = Path.of(b.body().getString("backup"));
            return vertx.executeBlocking(() -> {
              ctx.verify(() -> {
                assertEquals("ok", Backup.integrity(backup));
                assertThrows(IllegalStateException.class, () -> Restore.restore(backup, config.databasePath(), EncryptionAtRest.OFF),
                    "restore is refused while the module runs");
              });
              return backup;
            }).compose(p -> m.undeploy().map(p));
          });
    }).compose(backup -> vertx.executeBlocking(() -> {
      long inBackup;
      try (Connection c = SqliteFiles.openReader(backup)) {
        inBackup = single(c, "SELECT sum(event_count) FROM event_blocks");
      }
      long atEnd = TestSupport.storedEvents(config.databasePath()).size();
      Path previous = Restore.restore(backup, config.databasePath(), EncryptionAtRest.OFF).previous();
      ctx.verify(() -> {
        assertTrue(inBackup > 0 && inBackup <= atEnd, inBackup + " of " + atEnd);
        assertNotNull(previous);
        assertEquals(atEnd, TestSupport.storedEvents(previous).size(), "the previous database was kept aside");
        assertEquals(inBackup, TestSupport.storedEvents(config.databasePath()).size());
        assertEquals("ok", Backup.integrity(config.databasePath()));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
            java.nio.file.Files.getPosixFilePermissions(config.databasePath())));
      });
      return null;
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void exportIsGzipOrLz4JsonLinesOfExactlyTheRange() throws Exception {
    Path db = dir.resolve("e.db");
    List<RawEvent> events = fill(db, T0, 20_000, 50_000);
    long from = T0 + 100 * 50_000L;
    long to = T0 + 15_000 * 50_000L;
    List<String> expected = events.stream().filter(e -> e.timestampMicros() >= from && e.timestampMicros() < to)
        .map(e -> EventJson.toJson(e).encode()).toList();
    for (ExportFile.Compression compression : ExportFile.Compression.values()) {
      Path out = dir.resolve(compression == ExportFile.Compression.LZ4 ? "x.jsonl.lz4" : "x.jsonl.gz");
      Export.Result result = Export.write(db, EncryptionAtRest.OFF, new EventReader.Range(from, to, null, null), out,
          compression, false);
      assertEquals(expected.size(), result.events());
      assertEquals(List.of(), result.unreadable());
      // What zcat / lz4cat and jq would see: the whole stream decompresses (gzip checks its CRC
      // and length trailer, the LZ4 frame its end mark) and every line is one JSON object.
      try (var in = compression == ExportFile.Compression.LZ4
          ? new net.jpountz.lz4.LZ4FrameInputStream(java.nio.file.Files.newInputStream(out))
          : new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(out))) {
        List<String> lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
            .map(line -> new JsonObject(line).encode()).toList();
        assertEquals(expected.size(), lines.size(), compression + ": one line per event of the range");
        for (int i = 0; i < lines.size(); i++) {
          assertEquals(expected.get(i), lines.get(i), compression + ": line " + (i + 1));
        }
      }
      assertEquals(List.of(), dev.skellyjelly.storage.PrivateFilesAssert.filesNamed(dir, ".tmp"), "temp left");
    }
  }
}
