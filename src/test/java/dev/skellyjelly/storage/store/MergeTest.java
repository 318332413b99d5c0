package dev.skellyjelly.storage.store;

import static dev.skellyjelly.storage.TestSupport.bySessionAndSequence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.demo.LiveCapture;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.ManualClock;
import dev.skellyjelly.storage.StorageModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Merging small blocks into sealed ones: dense, exact, atomic, and visible to readers only whole. */
@ExtendWith(VertxExtension.class)
class MergeTest {

  /** 2026-11-10T09:00:00Z */
  private static final long T9 = 1_794_301_200_000_000L;
  private static final long HOUR = Maintenance.HOUR_MICROS;
  /** The module's clock in the module test: 09:05, so 08:00–09:00 has ended. */
  private static final long T0_NOW = T9 + 5 * 60_000_000L;

  @TempDir
  Path dir;

  /** Live capture: {@code sessions} people for {@code hours}, one commit per second of input. */
  static List<RawEvent> live(Path db, int sessions, long start, long hours) throws Exception {
    List<RawEvent> all = new ArrayList<>();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      new LiveCapture(sessions, start).write(store, start + hours * HOUR, 1_000_000L, all::addAll);
    }
    return all;
  }

  static long merge(Path db, long sealedBefore) throws Exception {
    long blocks = 0;
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL")) {
      BlockMerger merger = new BlockMerger(c);
      BlockMerger.Result r;
      do {
        r = merger.merge(sealedBefore, 50_000);
        blocks += r.blocksIn();
        assertEquals(List.of(), r.skipped());
      } while (r.more());
    }
    return blocks;
  }


  @Test
  void smallBlocksOfLiveCaptureBecomeOneDenseBlockPerSessionAndHour() throws Exception {
    Path db = dir.resolve("events.db");
    List<RawEvent> sent = live(db, 4, T9, 2);
    long freshBlocks = TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks");
    long freshBytes = TestSupport.queryLong(db, "SELECT sum(length(payload)) FROM event_blocks");
    assertTrue(freshBlocks > 4 * 2 * 600, "live capture wrote small blocks: " + freshBlocks);

    assertEquals(freshBlocks, merge(db, T9 + 3 * HOUR));

    assertEquals(bySessionAndSequence(sent), TestSupport.storedEvents(db), "every event once, nothing else");
    assertEquals(8, TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks"), "4 sessions × 2 hours");
    assertEquals(0, TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks WHERE sealed = 0"));
    double before = freshBytes / (double) sent.size();
    double after = TestSupport.queryLong(db, "SELECT sum(length(payload)) FROM event_blocks") / (double) sent.size();
    assertTrue(after <= 4.0, "sealed payload " + after + " B/event (fresh: " + before + ")");
    assertTrue(after < before / 2, "sealed payload " + after + " B/event against fresh " + before);
    // Readers find them: a sub-range inside the sealed hour, exactly.
    long from = T9 + HOUR / 4;
    long to = T9 + HOUR / 2;
    assertEquals(RangeReadTest.bruteForce(db, from, to), bySessionAndSequence(RangeReadTest.read(db, from, to, 333)));
  }

  @Test
  void theRunningModuleMergesEndedHoursAndCountsIt(Vertx vertx, VertxTestContext ctx) {
    Path db = dir.resolve("db/events.db");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UUID session = UUID.randomUUID();
    ManualClock clock = new ManualClock(T0_NOW);
    StorageModule.deploy(vertx, TestSupport.config(TestSupport.storageTable(dir)), registry, clock)
        .compose(m -> {
          // Ten durable writes of an hour that ended at 09:00 — ten small blocks.
          Future<?> sent = Future.succeededFuture();
          for (int w = 0; w < 10; w++) {
            int first = w * 30;
            sent = sent.compose(v -> {
              List<Future<Object>> writes = new ArrayList<>();
              for (int i = first; i < first + 30; i++) {
                writes.add(vertx.eventBus().request(Addresses.EVENTS_RAW, new RawEvent.Keystroke(
                    T9 - HOUR + i * 1_000_000L, session, i, 65, 0)).map(r -> r.body()));
              }
              return Future.all(writes);
            });
          }
          return sent.compose(v -> vertx.eventBus().<JsonObject>request(Addresses.WRITE_MAINTENANCE,
                  new JsonObject().put("task", "merge")))
              .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
                assertEquals(10, r.body().getInteger("blocksIn"), r.body().encode());
                assertEquals(1, r.body().getInteger("blocksOut"));
                assertEquals(300, r.body().getLong("events"));
                assertEquals(10.0, registry.get("skelly.blocks.merged").counter().count());
                assertEquals(1, TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks WHERE sealed = 1"));
                assertEquals(300, TestSupport.storedEvents(db).size());
              })))
              .compose(r -> m.undeploy());
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void onlyEndedHoursAreMergedAndLateEventsJoinTheirSealedBlock() throws Exception {
    Path db = dir.resolve("events.db");
    List<RawEvent> sent = new ArrayList<>(live(db, 2, T9, 2));
    merge(db, T9 + HOUR + 30_000_000L); // 09:00–10:00 has ended, 10:00–11:00 has not
    assertEquals(2, TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks WHERE sealed = 1"));
    assertTrue(TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks WHERE sealed = 0"
        + " AND start_us < " + (T9 + HOUR)) == 0);
    assertTrue(TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks WHERE sealed = 0") > 100,
        "the open hour stays as it was written");

    // A late event of the first hour, from a capture that buffered it.
    UUID session = new UUID(7, 0);
    RawEvent late = new RawEvent.Keystroke(T9 + 10_000_000L, session, 1_000_000, 65, 0);
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(List.of(late));
      store.commit();
    }
    sent.add(late);
    merge(db, T9 + 3 * HOUR);
    assertEquals(4, TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks"));
    assertEquals(bySessionAndSequence(sent), TestSupport.storedEvents(db));
    assertEquals(List.of(late), RangeReadTest.read(db, T9 + 10_000_000L, T9 + 10_000_001L, 10).stream()
        .filter(e -> e.sequence() == late.sequence()).toList(), "the late event is read in its range");
  }

  @Test
  void aCursorIssuedBeforeAMergeIsRefusedNotAnsweredTwice() throws Exception {
    Path db = dir.resolve("events.db");
    live(db, 2, T9, 1);
    EventReader.Range range = new EventReader.Range(T9, T9 + HOUR, null, null);
    try (QueryFixture reader = QueryFixture.open(db)) {
      EventReader.Page first = reader.page(range, null, 100);
      merge(db, T9 + 2 * HOUR);
      EventReader.StaleCursorException e = assertThrows(EventReader.StaleCursorException.class,
          () -> reader.page(range, first.next(), 100));
      assertTrue(e.getMessage().contains("run the query again"), e.getMessage());
      List<RawEvent> again = new ArrayList<>();
      EventReader.Cursor cursor = null;
      do {
        EventReader.Page page = reader.page(range, cursor, 100);
        again.addAll(page.events());
        cursor = page.next();
      } while (cursor != null);
      assertEquals(RangeReadTest.bruteForce(db, T9, T9 + HOUR), bySessionAndSequence(again), "from the beginning: exact");
    }
  }

  @Test
  void aBlockThatDoesNotDecodeOrLiesAboutItsSpanIsSkippedNamedAndTheRestIsRead() throws Exception {
    Path db = dir.resolve("events.db");
    List<RawEvent> sent = live(db, 1, T9, 1);
    String table = Schema.blockTableFor(T9);
    long corrupt;
    long lying;
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
      corrupt = SqliteFiles.queryLong(st, "SELECT min(rowid) FROM " + table + " WHERE event_count > 3");
      lying = SqliteFiles.queryLong(st, "SELECT max(rowid) FROM " + table + " WHERE event_count > 3");
      // Overwrite the LZ4 data after the header, and shrink another block's stored span.
      st.execute("UPDATE " + table + " SET payload = substr(payload, 1, 3) || zeroblob(length(payload) - 3)"
          + " WHERE rowid = " + corrupt);
      st.execute("UPDATE " + table + " SET end_us = start_us WHERE rowid = " + lying);
    }
    long lost = TestSupport.queryLong(db, "SELECT sum(event_count) FROM " + table + " WHERE rowid IN ("
        + corrupt + ", " + lying + ")");
    try (QueryFixture c = QueryFixture.open(db)) {
      long read = 0;
      JsonArray errors = new JsonArray();
      String cursor = null;
      do {
        JsonObject reply = c.run(new JsonObject().put("type", "events").put("from", T9)
            .put("to", T9 + HOUR).put("limit", 5_000).put("cursor", cursor));
        read += reply.getJsonArray("events").size();
        errors.addAll(reply.getJsonArray("errors", new JsonArray()));
        cursor = reply.getString("next");
      } while (cursor != null);
      assertEquals(sent.size() - lost, read);
      assertEquals(2, errors.size(), errors.encode());
      Map<Long, JsonObject> byBlock = new TreeMap<>();
      errors.forEach(o -> byBlock.put(((JsonObject) o).getLong("block"), (JsonObject) o));
      assertEquals("DECODE", byBlock.get(corrupt).getString("code"));
      assertEquals(table, byBlock.get(corrupt).getString("table"));
      assertTrue(byBlock.get(corrupt).getString("message").contains("block " + corrupt + " of " + table));
      assertTrue(byBlock.get(lying).getString("message").contains("outside the block's stored span"),
          byBlock.get(lying).encode());
    }
  }

  @Test
  void killedInTheMiddleOfMergingLeavesEveryEventExactlyOnce() throws Exception {
    Path db = dir.resolve("events.db");
    List<RawEvent> sent = live(db, 6, T9, 3);
    SplittableRandom random = new SplittableRandom();
    for (int round = 0; round < 3; round++) {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), MergeUntilKilled.class.getName(), db.toString())
          .redirectErrorStream(true).start();
      int killAfter = random.nextInt(1, 4);
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        int merged = 0;
        for (String line; merged < killAfter && (line = out.readLine()) != null; ) {
          merged += line.startsWith("merged") ? 1 : 0;
        }
        p.destroyForcibly(); // SIGKILL, mid-way through the next group's transaction or between two
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
      }
      assertEquals(bySessionAndSequence(sent), TestSupport.storedEvents(db), "round " + round + ": every event exactly once");
    }
    assertTrue(TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks WHERE sealed = 1") > 0,
        "the killed runs did merge some groups");
    merge(db, T9 + 4 * HOUR);
    assertEquals(bySessionAndSequence(sent), TestSupport.storedEvents(db));
    assertEquals(18, TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks"));
  }
}
