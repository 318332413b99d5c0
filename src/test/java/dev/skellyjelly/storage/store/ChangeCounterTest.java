package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.event.RawEvent;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 4: every write replication must follow is stamped with a number from one counter, in
 * commit order — also on a database written by the previous build (fixtures/schema-v3.db).
 */
class ChangeCounterTest {

  /** 2026-11-10T09:00:00Z, as in the fixture. */
  private static final long T9 = 1_794_301_200_000_000L;

  @TempDir
  Path dir;

  private Path v3Fixture() throws Exception {
    Path db = dir.resolve("events.db");
    try (InputStream in = getClass().getResourceAsStream("/fixtures/schema-v3.db")) {
      Files.copy(in, db);
    }
    return db;
  }

  private static List<Long> column(Connection c, String sql) throws Exception {
    List<Long> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private static long counter(Connection c) throws Exception {
    return column(c, "SELECT seq FROM " + Schema.CHANGE_COUNTER).get(0);
  }

  @Test
  void aSchema3DatabaseIsMigratedWithEveryExistingRowNumberedOnceAndNoEventChanged() throws Exception {
    Path db = v3Fixture();
    try (Connection c = SqliteFiles.openReader(db)) {
      assertEquals(3, Schema.userVersion(c));
    }
    List<RawEvent> before = TestSupport.storedEvents(db);
    assertEquals(3890, before.size(), "the fixture's 3,590 + 300 events");
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      Connection c = store.connection();
      assertEquals(Schema.CURRENT_VERSION, Schema.userVersion(c));
      List<Long> stamps = new ArrayList<>();
      stamps.addAll(column(c, "SELECT change_seq FROM event_aggregates_minute"));
      stamps.addAll(column(c, "SELECT change_seq FROM screenshot_metadata"));
      assertEquals(61 + 3, stamps.size(), "61 minutes, 3 screenshot rows");
      Set<Long> distinct = new HashSet<>(stamps);
      assertEquals(stamps.size(), distinct.size(), "each row its own number: " + stamps);
      assertTrue(stamps.stream().allMatch(s -> s > 0 && s <= stamps.size()), stamps::toString);
      assertEquals(stamps.size(), counter(c), "the counter goes on after the numbered rows");
      assertEquals(List.of(0L), column(c, "SELECT max(change_seq) FROM event_blocks"),
          "no block was rewritten in place");
      assertEquals(List.of(4L), column(c, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
          + " AND tbl_name IN ('event_aggregates_minute', 'screenshot_metadata')"));
    }
    assertEquals(before, TestSupport.storedEvents(db), "migration changes no event");
  }

  @Test
  void aCommitStampsTheMinutesItChangesAfterEverythingBefore() throws Exception {
    Path db = v3Fixture();
    UUID sessionA = UUID.fromString("00000000-0000-4000-8000-00000000000a");
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      Connection c = store.connection();
      long before = counter(c);
      // A late event of session a, in the gap its sequences left at 09:16:40.
      store.stage(List.of(new RawEvent.Keystroke(T9 + 1000 * 1_000_000L, sessionA, 1004, 65, 0)));
      store.commit();
      List<Long> minute = column(c, "SELECT change_seq FROM event_aggregates_minute WHERE minute_start_us = "
          + (T9 + 16 * 60_000_000L));
      assertTrue(minute.get(0) > before, "the late event's minute is stamped anew: " + minute);
      List<Long> untouched = column(c, "SELECT count(*) FROM event_aggregates_minute WHERE change_seq > " + before);
      assertEquals(List.of(1L), untouched, "only the one minute changed");
    }
  }

  @Test
  void aBlockPayloadRewrittenInPlaceIsStampedAndFoundThroughItsPartialIndex() throws Exception {
    Path db = TestSupport.databaseWithEvents(dir.resolve("events.db"), T9, 10);
    String table = Schema.blockTableFor(T9);
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      Connection c = store.connection();
      assertEquals(List.of(0L), column(c, "SELECT change_seq FROM " + table), "a fresh block is not stamped");
      long before = counter(c);
      try (Statement st = c.createStatement()) {
        st.execute("UPDATE " + table + " SET payload = payload"); // what a reseal does
      }
      assertEquals(List.of(before + 1), column(c, "SELECT change_seq FROM " + table));
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN SELECT rowid FROM " + table
          + " WHERE " + Schema.REWRITTEN_BLOCK_TERM + " AND change_seq > ? ORDER BY change_seq");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertTrue(rs.getString(4).contains(table + "_rewritten"), rs.getString(4));
      }
    }
  }
}
