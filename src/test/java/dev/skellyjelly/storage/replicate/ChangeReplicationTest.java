package dev.skellyjelly.storage.replicate;

import static dev.skellyjelly.storage.replicate.ReplicationShippingTest.LOCAL_BLOCKS;
import static dev.skellyjelly.storage.replicate.ReplicationShippingTest.LOCAL_MINUTES;
import static dev.skellyjelly.storage.replicate.ReplicationShippingTest.PG_BLOCKS;
import static dev.skellyjelly.storage.replicate.ReplicationShippingTest.PG_MINUTES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.BlockMerger;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.KeyRotation;
import dev.skellyjelly.storage.store.Schema;
import dev.skellyjelly.storage.store.SqliteFiles;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What replication follows by change number (schema 4) and what PostgreSQL schema 2 adds: rows
 * committed long after the time they describe, rows updated after they shipped, sessions' sequence
 * ranges, blocks resealed in place, and both schemas upgraded from their previous versions.
 */
class ChangeReplicationTest extends ShippingFixture {

  /** 2026-11-10T09:00:00Z */
  private static final long T9 = 1_794_301_200_000_000L;
  private static final long MINUTE = 60_000_000L;

  /** The same text in both stores (null as "-"). */
  private static final String SCREENSHOTS = "SELECT timestamp_us, sequence, window_title,"
      + " coalesce(masked_regions, -1), coalesce(masked_kinds, '-') FROM screenshot_metadata ORDER BY 1";
  private static final String LOCAL_SCREENSHOTS = SCREENSHOTS;
  private static final String PG_SCREENSHOTS = SCREENSHOTS;
  /** Sealed screenshot titles, byte for byte; PostgreSQL's text columns stay null for them. */
  private static final String LOCAL_SEALED_TITLES = "SELECT lower(hex(window_title)), lower(hex(app_name))"
      + " FROM screenshot_metadata WHERE typeof(window_title) = 'blob' ORDER BY timestamp_us";
  private static final String PG_SEALED_TITLES = "SELECT encode(window_title_sealed, 'hex'), encode(app_name_sealed, 'hex')"
      + " FROM screenshot_metadata WHERE window_title IS NULL AND app_name IS NULL ORDER BY timestamp_us";
  private static final String LOCAL_RANGES = "SELECT lower(hex(s.session_id)), r.lo, r.hi FROM session_seq_ranges r"
      + " JOIN sessions s ON s.session_key = r.session_key ORDER BY 1, 2";
  private static final String PG_RANGES = "SELECT replace(session_id::text, '-', ''), lo, hi FROM session_seq_ranges"
      + " ORDER BY 1, 2";

  private Watermarks shipAll(Watermarks marks) throws Exception {
    return shipAll(marks, 1_000);
  }

  private void assertSameRows(String local, String pg, String what) throws Exception {
    assertEquals(PgTestSupport.localRows(db, local), PgTestSupport.pgRows(database, pg), what);
  }

  @Test
  void aScreenshotRowCommittedLongAfterItsCaptureArrivesAndSoDoesItsMaskingRecordedLater() throws Exception {
    UUID s = UUID.randomUUID();
    ScreenshotMetadata late = ReplicationShippingTest.screenshot(T9, s, 1);
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(List.of(new RawEvent.Keystroke(T9 + 30 * MINUTE, s, 0, 65, 1)));
      store.stageScreenshot(ReplicationShippingTest.screenshot(T9 + 30 * MINUTE, s, 2));
      store.commit();
    }
    Watermarks marks = shipAll(new Watermarks());
    assertEquals(1, PgTestSupport.pgLong(database, "SELECT count(*) FROM screenshot_metadata"));
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      // Captured 30 minutes before the newest row shipped (the old time look-back was 10 minutes).
      store.stageScreenshot(late);
      store.commit();
    }
    marks = shipAll(marks);
    assertEquals(2, PgTestSupport.pgLong(database, "SELECT count(*) FROM screenshot_metadata"));
    assertSameRows(LOCAL_MINUTES, PG_MINUTES, "the late row's minute count arrives with it");
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stageMasking(new MaskingRecorded(late.id(), 3, "EMAIL,PHONE", 0.125));
      store.commit();
    }
    marks = shipAll(marks);
    assertSameRows(LOCAL_SCREENSHOTS, PG_SCREENSHOTS, "masking found after shipping replaces the row's fields");
    assertEquals("3|EMAIL,PHONE|0.125", TestPostgres.get().psql(database,
        "SELECT masked_regions, masked_kinds, text_density FROM screenshot_metadata WHERE timestamp_us = " + T9),
        "and the text density OCR measured");
    // Nothing new: the next read is empty, and shipping everything again changes nothing.
    try (Connection c = SqliteFiles.openReader(db)) {
      assertTrue(new LocalChanges(c).next(marks, 1_000).isEmpty());
    }
    shipAll(new Watermarks());
    assertEquals(2, PgTestSupport.pgLong(database, "SELECT count(*) FROM screenshot_metadata"));
    assertSameRows(LOCAL_SCREENSHOTS, PG_SCREENSHOTS, "unchanged by a second shipping");
  }

  @Test
  void theMinutesOfADeviceOfflineUntilItsBlocksWereMergedArriveAllTheSame() throws Exception {
    UUID s = UUID.randomUUID();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(List.of(new RawEvent.Keystroke(T9 - 120 * MINUTE, s, 1_000, 65, 0))); // shipped: the session is known
      store.commit();
    }
    Watermarks marks = shipAll(new Watermarks());
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      for (int m = 0; m < 30; m++) { // 09:00-09:30, one commit a minute, then offline
        List<RawEvent> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          batch.add(new RawEvent.Keystroke(T9 + m * MINUTE + i * 1_000_000L, s, m * 10L + i, 65, 0));
        }
        store.stage(batch);
        store.commit();
      }
      // The hour merged before replication ever saw its fresh blocks (merging changes no aggregate).
      new BlockMerger(store.connection()).merge(T9 + 90 * MINUTE, 1_000_000);
    }
    assertEquals(1, TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks WHERE sealed = 1 AND start_us >= " + T9),
        "09:00-09:30 is one sealed block");
    shipAll(marks);
    assertSameRows(LOCAL_MINUTES, PG_MINUTES, "all 30 minute rows of the merged hour, and the earlier one");
    assertEquals(31, PgTestSupport.pgLong(database, "SELECT count(*) FROM event_aggregates_minute"));
    assertEquals(List.of(List.of(hex(s), "0", "299"), List.of(hex(s), "1000", "1000")),
        PgTestSupport.pgRows(database, PG_RANGES), "the known session's ranges follow its merged block");
  }

  @Test
  void sessionSequenceRangesAreReplacedAsTheyChangeLocally() throws Exception {
    UUID s = UUID.randomUUID();
    List<RawEvent> gap = new ArrayList<>();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      List<RawEvent> events = new ArrayList<>();
      for (int seq = 0; seq < 100; seq++) {
        RawEvent e = new RawEvent.Keystroke(T9 + seq * 1_000_000L, s, seq, 65, 0);
        (seq >= 40 && seq < 50 ? gap : events).add(e);
      }
      store.stage(events);
      store.commit();
    }
    Watermarks marks = shipAll(new Watermarks());
    assertEquals(List.of(List.of(hex(s), "0", "39"), List.of(hex(s), "50", "99")),
        PgTestSupport.pgRows(database, PG_RANGES), "two ranges around the gap");
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(gap); // the retried events fill the gap: one range locally
      store.commit();
    }
    shipAll(marks);
    assertEquals(List.of(List.of(hex(s), "0", "99")), PgTestSupport.pgRows(database, PG_RANGES),
        "the merged range replaces both; no stale row");
    assertSameRows(LOCAL_RANGES, PG_RANGES, "as stored locally");
    assertEquals(100, PgTestSupport.pgLong(database, "SELECT sum(event_count) FROM event_blocks"));
  }

  private static String hex(UUID id) {
    return id.toString().replace("-", "");
  }

  @Test
  void reencryptedBlocksReplaceTheirCopiesInPostgresMergedAndFreshAlike() throws Exception {
    StorageConfig.Encryption encryption = new StorageConfig.Encryption(true, dir.resolve("keys/storage.key"), null, null);
    UUID s = UUID.randomUUID();
    long events = 0;
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, encryption)) {
      for (int commit = 0; commit < 6; commit++) { // 09:00-09:50 and 10:00-10:50, one block each
        List<RawEvent> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          long seq = commit * 20L + i;
          batch.add(new RawEvent.Keystroke(T9 + commit * 20 * MINUTE + i * 1_000_000L, s, seq, 65, 0));
        }
        store.stage(batch);
        store.commit();
        events += batch.size();
      }
      new BlockMerger(store.connection(), store.crypto()).merge(T9 + 90 * MINUTE, 1_000_000); // 09:00-10:00 sealed
      store.stageScreenshot(ReplicationShippingTest.screenshot(T9 + 5 * MINUTE, s, 1_000));
      store.commit();
    }
    Watermarks marks = shipAll(new Watermarks());
    assertSameRows(LOCAL_BLOCKS, PG_BLOCKS, "shipped as stored, sealed under the first data key");
    assertSameRows(LOCAL_SEALED_TITLES, PG_SEALED_TITLES, "sealed titles travel as their bytes, never as text");
    String firstTitle = PgTestSupport.pgRows(database, PG_SEALED_TITLES).get(0).get(0);
    Set<String> firstPayloads = new HashSet<>(PgTestSupport.localRows(db, "SELECT lower(hex(payload)) FROM event_blocks")
        .stream().map(r -> r.get(0)).toList());

    long[] resealed;
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, encryption)) {
      resealed = KeyRotation.reencrypt(store); // rotate-key --reencrypt
    }
    assertEquals(4, resealed[0], "the merged block and the three fresh ones of 10:00");
    marks = shipAll(marks);
    assertSameRows(LOCAL_BLOCKS, PG_BLOCKS, "every resealed block replaced its copy, byte for byte");
    assertSameRows(LOCAL_SEALED_TITLES, PG_SEALED_TITLES, "the resealed title replaced its copy");
    assertNotEquals(firstTitle, PgTestSupport.pgRows(database, PG_SEALED_TITLES).get(0).get(0));
    for (List<String> row : PgTestSupport.pgRows(database, "SELECT encode(payload, 'hex') FROM event_blocks")) {
      assertTrue(!firstPayloads.contains(row.get(0)), "no payload under the retired key is left in PostgreSQL");
    }
    assertEquals(events, PgTestSupport.pgLong(database, "SELECT sum(event_count) FROM event_blocks"),
        "replaced, not added");
    try (Connection c = SqliteFiles.openReader(db)) {
      assertTrue(new LocalChanges(c).next(marks, 1_000).isEmpty(), "nothing left to ship");
    }
  }

  @Test
  void aDatabaseOfTheSchema3BuildShipsEverythingAfterItsUpgrade() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/fixtures/schema-v3.db")) {
      Files.copy(in, db);
    }
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
      assertEquals(3, Schema.userVersion(c));
      // The schema-3 build's screenshot mark (a capture time): the upgrade must not take it for anything.
      st.execute("INSERT INTO settings (key, value) VALUES ('replication.watermark.screenshots', '"
          + (T9 + 90 * MINUTE) + "')");
    }
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      assertEquals(Schema.CURRENT_VERSION, Schema.userVersion(store.connection()));
    }
    Watermarks stored;
    try (Connection c = SqliteFiles.openReader(db)) {
      stored = Watermarks.read(c);
    }
    shipAll(stored);
    assertEquals(3890, PgTestSupport.pgLong(database, "SELECT sum(event_count) FROM event_blocks"));
    assertSameRows(LOCAL_BLOCKS, PG_BLOCKS, "blocks");
    assertSameRows(LOCAL_MINUTES, PG_MINUTES, "minutes");
    assertSameRows(LOCAL_SCREENSHOTS, PG_SCREENSHOTS, "screenshot rows, the masked one included");
    assertSameRows(LOCAL_RANGES, PG_RANGES, "sequence ranges, with session a's gap");
    assertEquals(3, PgTestSupport.pgLong(database, "SELECT count(*) FROM session_seq_ranges"));
  }

  @Test
  void postgresSchema1IsMigratedTo2KeepingItsRowsAndThenTakesSequenceRanges() throws Exception {
    assertEquals(1, PgSchema.migrate(pool, 1).await());
    assertEquals("", TestPostgres.get().psql(database, "SELECT to_regclass('session_seq_ranges')"),
        "schema 1 has no sequence ranges");
    UUID s = UUID.randomUUID();
    TestPostgres.get().psql(database, "INSERT INTO devices (device_id, name) VALUES ('" + device + "', 'old');"
        + " INSERT INTO sessions VALUES ('" + device + "', '" + s + "')");
    assertEquals(PgSchema.CURRENT_VERSION, PgSchema.migrate(pool).await());
    assertEquals("2", TestPostgres.get().psql(database, "SELECT version FROM skelly_schema"));
    assertEquals("old|" + s, TestPostgres.get().psql(database, "SELECT d.name, s.session_id FROM devices d"
        + " JOIN sessions s USING (device_id)"), "schema 1's rows are kept");
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(List.of(new RawEvent.Keystroke(T9, s, 7, 65, 0), new RawEvent.Keystroke(T9 + 1, s, 8, 66, 0)));
      store.commit();
    }
    shipAll(new Watermarks());
    assertEquals(List.of(List.of(hex(s), "7", "8")), PgTestSupport.pgRows(database, PG_RANGES));
    assertEquals(1, PgTestSupport.pgLong(database, "SELECT count(*) FROM sessions"), "the same session, once");
  }
}
