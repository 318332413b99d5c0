package dev.skellyjelly.storage.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.demo.LiveCapture;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.BlockMerger;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.Maintenance;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Shipping batches from a real SQLite store into a real PostgreSQL: exact counts, merges replicated
 * as replacements, idempotent re-shipping, schema versions, and retention by whole partitions.
 */
class ReplicationShippingTest extends ShippingFixture {

  /** 2026-11-10T09:00:00Z */
  private static final long T9 = 1_794_301_200_000_000L;
  private static final long HOUR = Maintenance.HOUR_MICROS;
  private static final long DAY = Maintenance.DAY_MICROS;

  private long localEvents() throws Exception {
    return TestSupport.queryLong(db, "SELECT coalesce(sum(event_count), 0) FROM event_blocks");
  }

  static final String LOCAL_BLOCKS = "SELECT lower(hex(s.session_id)), b.first_seq, b.last_seq,"
      + " b.event_count, b.sealed, b.start_us, b.end_us, lower(hex(b.payload)) FROM event_blocks b"
      + " JOIN sessions s ON s.session_key = b.session_key ORDER BY 1, 2";
  static final String PG_BLOCKS = "SELECT replace(session_id::text, '-', ''), first_seq, last_seq,"
      + " event_count, sealed::int, start_us, end_us, encode(payload, 'hex') FROM event_blocks ORDER BY 1, 2";
  static final String LOCAL_MINUTES = "SELECT minute_start_us, keystroke_count, mouse_clicks,"
      + " window_switches, active_time_ms, screenshot_count, active_seconds_mask FROM event_aggregates_minute ORDER BY 1";
  static final String PG_MINUTES = "SELECT minute_start_us, keystroke_count, mouse_clicks,"
      + " window_switches, active_time_ms, screenshot_count, active_seconds_mask FROM event_aggregates_minute ORDER BY 1";

  @Test
  void blocksAndAggregatesArriveExactlyAndAMergeReplicatesAsAReplacement() throws Exception {
    List<RawEvent> sent = new ArrayList<>();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      new LiveCapture(3, T9).write(store, T9 + HOUR + 20 * 60_000_000L, 1_000_000L, sent::addAll);
    }
    long local = localEvents();
    assertEquals(sent.size(), local);
    // Small batches so the blocks of one hour travel in many transactions.
    Watermarks marks = shipAll(new Watermarks(), 2_000);
    assertEquals(local, PgTestSupport.pgLong(database, "SELECT sum(event_count) FROM event_blocks"));
    assertEquals(PgTestSupport.localRows(db, LOCAL_BLOCKS), PgTestSupport.pgRows(database, PG_BLOCKS),
        "every block arrives as stored, payload byte for byte");
    assertEquals(PgTestSupport.localRows(db, LOCAL_MINUTES), PgTestSupport.pgRows(database, PG_MINUTES));
    assertEquals(1, PgTestSupport.pgLong(database, "SELECT count(*) FROM devices WHERE device_id = '" + device + "'"));
    assertEquals(3, PgTestSupport.pgLong(database, "SELECT count(*) FROM sessions"));

    // Merging the ended hour locally: the sealed blocks replace the fresh ones in PostgreSQL.
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL")) {
      BlockMerger.Result r;
      do {
        r = new BlockMerger(c).merge(T9 + HOUR + 10 * 60_000_000L, 1_000_000);
      } while (r.more());
      assertTrue(r.groups() > 0 || r.blocksIn() >= 0);
    }
    long sealedLocal = TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks WHERE sealed = 1");
    assertEquals(3, sealedLocal, "one sealed block per session for 09:00-10:00");
    marks = shipAll(marks, 2_000);
    assertEquals(local, PgTestSupport.pgLong(database, "SELECT sum(event_count) FROM event_blocks"),
        "no event counted twice after the merge");
    assertEquals(PgTestSupport.localRows(db, LOCAL_BLOCKS), PgTestSupport.pgRows(database, PG_BLOCKS));

    // Late events into the merged hour make fresh blocks there, merged again later: same rule.
    List<RawEvent> late = new ArrayList<>();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      UUID session = sent.get(0).sessionId();
      for (int i = 0; i < 5; i++) {
        late.add(new RawEvent.Keystroke(T9 + 30 * 60_000_000L + i, session, 1_000_000 + i, 65, 1));
      }
      store.stage(late);
      store.commit();
    }
    marks = shipAll(marks, 2_000);
    assertEquals(local + 5, PgTestSupport.pgLong(database, "SELECT sum(event_count) FROM event_blocks"));
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL")) {
      new BlockMerger(c).merge(T9 + HOUR + 10 * 60_000_000L, 1_000_000);
    }
    marks = shipAll(marks, 2_000);
    assertEquals(local + 5, PgTestSupport.pgLong(database, "SELECT sum(event_count) FROM event_blocks"));
    assertEquals(PgTestSupport.localRows(db, LOCAL_BLOCKS), PgTestSupport.pgRows(database, PG_BLOCKS));
    assertEquals(PgTestSupport.localRows(db, LOCAL_MINUTES), PgTestSupport.pgRows(database, PG_MINUTES));

    // Hourly and daily rows in PostgreSQL equal the device's own rollups.
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL")) {
      new Maintenance(c).rollup(0, T9 + DAY);
    }
    assertEquals(PgTestSupport.localRows(db, "SELECT hour_start_us, keystroke_count, mouse_clicks, window_switches,"
            + " active_time_ms, screenshot_count FROM event_aggregates_hourly ORDER BY 1"),
        PgTestSupport.pgRows(database, "SELECT hour_start_us, keystroke_count, mouse_clicks, window_switches,"
            + " active_time_ms, screenshot_count FROM event_aggregates_hourly ORDER BY 1"));
    assertEquals(PgTestSupport.localRows(db, "SELECT day_start_us, keystroke_count FROM event_aggregates_daily"),
        PgTestSupport.pgRows(database, "SELECT day_start_us, keystroke_count FROM event_aggregates_daily"));

    // A lost watermark (crash before it was recorded): shipping everything again changes nothing.
    shipAll(new Watermarks(), 5_000);
    assertEquals(local + 5, PgTestSupport.pgLong(database, "SELECT sum(event_count) FROM event_blocks"));
    assertEquals(PgTestSupport.localRows(db, LOCAL_BLOCKS), PgTestSupport.pgRows(database, PG_BLOCKS));
    assertEquals(PgTestSupport.localRows(db, LOCAL_MINUTES), PgTestSupport.pgRows(database, PG_MINUTES));
  }

  @Test
  void aServerStuckOnALockFailsTheBatchAtItsTimeoutAndTheSameBatchShipsLater() throws Exception {
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(List.of(new RawEvent.Keystroke(T9, UUID.randomUUID(), 0, 65, 1)));
      store.commit();
    }
    shipAll(new Watermarks(), 1_000); // schema and partitions in place, the one event shipped
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(List.of(new RawEvent.Keystroke(T9 + 1, UUID.randomUUID(), 0, 66, 1)));
      store.commit();
    }
    // Another client holds a lock the batch needs, as a slow or stuck server would make it wait.
    io.vertx.sqlclient.SqlConnection holder = pool.getConnection().await();
    holder.query("BEGIN").execute().await();
    holder.query("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE").execute().await();
    PgShipper shipper = new PgShipper(pool, new PgPartitions(pool), device, 300);
    try (Connection c = SqliteFiles.openReader(db)) {
      LocalChanges.Batch batch = new LocalChanges(c).next(new Watermarks(), 1_000);
      long t0 = System.nanoTime();
      Throwable err = assertThrowsAwait(shipper.ship(batch));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(err instanceof io.vertx.pgclient.PgException pe && "57014".equals(pe.getSqlState()), err.toString());
      assertTrue(ms < 10_000, "failed at its timeout, not after " + ms + " ms");
      assertTrue(PgErrors.describe(err, PgTestSupport.postgres(database)).contains("SQLSTATE 57014"));
      holder.query("ROLLBACK").execute().await();
      shipper.ship(batch).await(); // the same batch again: idempotent
    } finally {
      holder.close().await();
    }
    assertEquals(2, PgTestSupport.pgLong(database, "SELECT sum(event_count) FROM event_blocks"));
  }

  static dev.skellyjelly.storage.bus.ScreenshotMetadata screenshot(long t, UUID session, long seq) {
    return new dev.skellyjelly.storage.bus.ScreenshotMetadata(dev.skellyjelly.storage.event.ScreenshotId.random(),
        t, session, seq, "Inbox — Mail", "Thunderbird", new dev.skellyjelly.storage.event.ScreenRegion(0, 0, 800, 600),
        800, 600, dev.skellyjelly.storage.event.ImageFormat.PNG, 1234, dev.skellyjelly.storage.bus.ScreenshotStorage.MEMORY, 0.25, 7, List.of("#ffffff"), false, null);
  }

  @Test
  void screenshotMetadataArrivesAlsoWhenItCommitsBehindALaterCaptureAndItsMinuteCountsFollow() throws Exception {
    UUID s = UUID.randomUUID();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(List.of(new RawEvent.Keystroke(T9, s, 0, 65, 1)));
      store.stageScreenshot(screenshot(T9 + 2_000_000, s, 1));
      store.stageScreenshot(screenshot(T9 + 70_000_000, s, 3)); // the next minute, no event there
      store.commit();
    }
    Watermarks marks = shipAll(new Watermarks(), 1_000);
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stageScreenshot(screenshot(T9 + 30_000_000, s, 2)); // captured earlier, committed later
      store.commit();
    }
    shipAll(marks, 1_000);
    assertEquals(3, PgTestSupport.pgLong(database, "SELECT count(*) FROM screenshot_metadata"));
    assertEquals(PgTestSupport.localRows(db, "SELECT timestamp_us, sequence, window_title, width, format, text_density"
            + " FROM screenshot_metadata ORDER BY 1"),
        PgTestSupport.pgRows(database, "SELECT timestamp_us, sequence, window_title, width, format, text_density"
            + " FROM screenshot_metadata ORDER BY 1"));
    assertEquals(PgTestSupport.localRows(db, LOCAL_MINUTES), PgTestSupport.pgRows(database, PG_MINUTES),
        "the minute counts of screenshots committed without events arrive too");
    // Shipping everything again (a lost watermark) changes nothing.
    shipAll(new Watermarks(), 1_000);
    assertEquals(3, PgTestSupport.pgLong(database, "SELECT count(*) FROM screenshot_metadata"));
  }

  @Test
  void schemaIsMigratedFromEmptyOnceAndANewerOneIsRefused() {
    assertEquals(PgSchema.CURRENT_VERSION, PgSchema.migrate(pool).await());
    assertEquals(PgSchema.CURRENT_VERSION, PgSchema.migrate(pool).await(), "a second start changes nothing");
    assertEquals("1", TestPostgres.get().psql(database, "SELECT count(*) FROM skelly_schema"));
    assertEquals("p", TestPostgres.get().psql(database,
        "SELECT relkind FROM pg_class WHERE relname = 'event_blocks'"), "event_blocks is partitioned");
    assertEquals("session_seq_ranges", TestPostgres.get().psql(database, "SELECT to_regclass('session_seq_ranges')"),
        "schema 2's table exists in a database migrated from empty");
    TestPostgres.get().psql(database, "UPDATE skelly_schema SET version = " + (PgSchema.CURRENT_VERSION + 1));
    Future<Integer> refused = PgSchema.migrate(pool);
    Throwable err = assertThrowsAwait(refused);
    assertTrue(err instanceof PgSchema.NewerSchemaException, err.toString());
    assertTrue(PgErrors.permanent(err));
    assertTrue(err.getMessage().contains("newer than this build understands"), err.getMessage());
    assertTrue(err.getMessage().contains("local capture goes on"), err.getMessage());
  }

  private static Throwable assertThrowsAwait(Future<?> f) {
    try {
      f.await();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void retentionDropsWholePartitionsByTheInjectedClock() throws Exception {
    // Blocks on three days: 10, 11 and 20 November.
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      UUID s = UUID.randomUUID();
      long seq = 0;
      for (long day : new long[] {T9, T9 + DAY, T9 + 10 * DAY}) {
        store.stage(List.of(new RawEvent.Keystroke(day, s, seq++, 65, 1), new RawEvent.Keystroke(day + 1, s, seq++, 66, 1)));
        store.commit();
      }
    }
    shipAll(new Watermarks(), 1_000);
    PgPartitions partitions = new PgPartitions(pool);
    String partitionsSql = "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        + " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'event_blocks' ORDER BY 1";
    assertTrue(TestPostgres.get().psql(database, partitionsSql).contains("event_blocks_p20261110"));
    dev.skellyjelly.storage.config.StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("raw_events_retention_days", 7));
    // Now = 18 November 12:00: the 10th is past 7 days, the 11th ends exactly at the cutoff... the 20th stays.
    long now = T9 + 8 * DAY - 9 * HOUR + 12 * HOUR;
    List<String> dropped = new PgRetention(partitions, config).run(now).await();
    assertTrue(dropped.contains("event_blocks_p20261110"), dropped.toString());
    assertFalse(dropped.contains("event_blocks_p20261120"), dropped.toString());
    String left = TestPostgres.get().psql(database, partitionsSql);
    assertFalse(left.contains("event_blocks_p20261110"), left);
    assertTrue(left.contains("event_blocks_p20261120"), left);
    assertEquals(2, PgTestSupport.pgLong(database,
        "SELECT sum(event_count) FROM event_blocks WHERE start_us >= " + (T9 + 10 * DAY - 9 * HOUR)));
    assertEquals(0, PgTestSupport.pgLong(database,
        "SELECT count(*) FROM event_blocks WHERE start_us < " + (T9 + DAY - 9 * HOUR)),
        "the expired day's rows went with its partition");
    // Minute aggregates are monthly: November is not past retention yet, so it stays whole.
    assertFalse(dropped.stream().anyMatch(n -> n.startsWith("event_aggregates_minute")), dropped.toString());
  }
}
