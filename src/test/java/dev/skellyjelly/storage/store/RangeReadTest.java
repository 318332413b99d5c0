package dev.skellyjelly.storage.store;

import static dev.skellyjelly.storage.TestSupport.bySessionAndSequence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.event.MouseButton;
import dev.skellyjelly.storage.event.RawEvent;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Range reads find every block that overlaps the range, however long the block spans. */
class RangeReadTest {

  /** 2026-11-10T09:00:00Z */
  private static final long T9 = 1_794_301_200_000_000L;
  private static final long MINUTE = 60_000_000L;

  @TempDir
  Path dir;

  /** Every event of the range, page by page through the reader. */
  static List<RawEvent> read(Path db, long from, long to, int pageSize) throws Exception {
    try (QueryFixture reads = QueryFixture.open(db)) {
      return read(reads, from, to, pageSize);
    }
  }

  /** Every event of the range through {@code reads}, in pages of 500; no block may be unreadable. */
  static List<RawEvent> readWith(QueryFixture reads, long from, long to) throws Exception {
    return read(reads, from, to, 500);
  }

  private static List<RawEvent> read(QueryFixture reads, long from, long to, int pageSize) throws Exception {
    List<RawEvent> out = new ArrayList<>();
    EventReader.Cursor cursor = null;
    do {
      EventReader.Page page = reads.page(new EventReader.Range(from, to, null, null), cursor, pageSize);
      assertEquals(List.of(), page.unreadable());
      out.addAll(page.events());
      cursor = page.next();
    } while (cursor != null);
    return out;
  }

  /** The brute-force answer: every stored event (all blocks decoded) inside the range. */
  static List<RawEvent> bruteForce(Path db, long from, long to) throws Exception {
    return TestSupport.storedEvents(db).stream()
        .filter(e -> e.timestampMicros() >= from && e.timestampMicros() < to).toList();
  }

  /** Equal lists, the counts compared first so that a miss reads as "expected 600 but was 0". */
  private static void assertSameEvents(List<RawEvent> expected, List<RawEvent> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": events returned");
    assertEquals(expected, actual, what);
  }


  @Test
  void aBacklogBlockSpanningThirtyMinutesAnswersASubRangeInsideIt() throws Exception {
    Path db = dir.resolve("events.db");
    UUID session = UUID.randomUUID();
    List<RawEvent> backlog = new ArrayList<>();
    for (int i = 0; i < 1800; i++) { // 09:00–09:30, one event a second, committed at once
      backlog.add(new RawEvent.MouseClick(T9 + i * 1_000_000L, session, i, i, i, MouseButton.LEFT, 1));
    }
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(backlog);
      store.commit();
    }
    assertEquals(1, TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks"), "one block spans 30 minutes");

    List<RawEvent> expected = backlog.subList(600, 1200);
    assertSameEvents(expected, read(db, T9 + 10 * MINUTE, T9 + 20 * MINUTE, 1000), "09:10–09:20");
    assertSameEvents(expected, read(db, T9 + 10 * MINUTE, T9 + 20 * MINUTE, 7), "09:10–09:20 in pages of 7");
    assertSameEvents(List.of(backlog.get(1799)), read(db, T9 + 1799 * 1_000_000L, T9 + 31 * MINUTE, 10),
        "a range touching only the block's last event");
    assertSameEvents(List.of(), read(db, T9 + 31 * MINUTE, T9 + 40 * MINUTE, 10), "after the block");
  }

  @Test
  void oneCommitAcrossMidnightWritesEachDaysEventsToThatDaysTable() throws Exception {
    Path db = dir.resolve("events.db");
    UUID session = UUID.randomUUID();
    long midnight = Math.floorDiv(T9, 86_400_000_000L) * 86_400_000_000L + 86_400_000_000L;
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i < 120; i++) { // 23:59:00 to 00:00:59, one event a second
      events.add(new RawEvent.MouseClick(midnight - MINUTE + i * 1_000_000L, session, i, i, i, MouseButton.LEFT, 1));
    }
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(events);
      store.commit();
    }
    assertEquals(60, TestSupport.queryLong(db, "SELECT sum(event_count) FROM " + Schema.blockTableFor(midnight - 1)),
        "the day before: 23:59:00-23:59:59");
    assertEquals(60, TestSupport.queryLong(db, "SELECT sum(event_count) FROM " + Schema.blockTableFor(midnight)),
        "the day after: 00:00:00-00:00:59");
    assertSameEvents(events, read(db, midnight - MINUTE, midnight + MINUTE, 50), "both days");
  }

  @Test
  void bothHalvesOfTheOverlapQueryUseAnIndex() throws Exception {
    Path db = dir.resolve("events.db");
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stage(TestSupport.everyKind(UUID.randomUUID(), T9));
      store.commit();
    }
    try (Connection c = SqliteFiles.openReader(db);
        PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN "
            + BlockScan.overlapping(Schema.blockTableFor(T9)))) {
      io.vertx.sqlclient.Tuple args = BlockScan.overlapArgs(new EventReader.Range(T9, T9 + MINUTE, null, null));
      for (int i = 0; i < args.size(); i++) {
        ps.setLong(i + 1, args.getLong(i));
      }
      List<String> plan = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.add(rs.getString(4));
        }
      }
      String table = Schema.blockTableFor(T9);
      assertTrue(plan.stream().anyMatch(p -> p.contains("USING INDEX " + table + "_time")), plan::toString);
      assertTrue(plan.stream().anyMatch(p -> p.contains("USING INDEX " + table + "_long")), plan::toString);
      assertFalse(plan.stream().anyMatch(p -> p.startsWith("SCAN")), "no full scan: " + plan);
    }
  }

  @Test
  void aDatabaseWrittenBySchemaVersion2IsMigratedAndItsBacklogBlockIsFound() throws Exception {
    // Written by the previous release (fixtures/schema-v2-generator.java.txt): session ...0a sent
    // 09:00–09:30 at once (one block), session ...0b live at 09:10–09:11 (one block a second).
    Path db = dir.resolve("events.db");
    try (InputStream in = getClass().getResourceAsStream("/fixtures/schema-v2.db")) {
      Files.copy(in, db);
    }
    try (Connection c = SqliteFiles.openReader(db)) {
      assertEquals(2, Schema.userVersion(c));
    }
    List<RawEvent> before = TestSupport.storedEvents(db);
    assertEquals(2100, before.size());

    try (EventStore store = EventStore.open(db, "NORMAL")) {
      assertEquals(Schema.CURRENT_VERSION, Schema.userVersion(store.connection()));
      try (Statement st = store.connection().createStatement(); ResultSet rs = st.executeQuery(
          "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'event_blocks_20261110_long'")) {
        assertTrue(rs.next() && rs.getInt(1) == 1, "the long-block index is added to existing day tables");
      }
      try (Statement st = store.connection().createStatement()) {
        st.execute("INSERT INTO settings (key, value) VALUES ('probe', 'x')"); // the v3 table exists
        st.execute("UPDATE screenshot_metadata SET masked_regions = 0, masked_kinds = ''"); // and columns
      }
    }
    assertEquals(before, TestSupport.storedEvents(db), "migration changes no event");

    long from = T9 + 10 * MINUTE;
    long to = T9 + 20 * MINUTE;
    List<RawEvent> expected = bruteForce(db, from, to);
    assertEquals(600 + 300, expected.size(), "the backlog's 600 events and the live minute's 300");
    assertSameEvents(bySessionAndSequence(expected), bySessionAndSequence(read(db, from, to, 1000)), "09:10–09:20");
    assertSameEvents(bySessionAndSequence(expected), bySessionAndSequence(read(db, from, to, 13)), "09:10–09:20 in pages of 13");
  }
}
