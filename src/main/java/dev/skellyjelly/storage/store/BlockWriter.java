package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.RawEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a session's new events as fresh blocks: one per UTC day they fall in (normally one), in
 * that day's table, which it creates on first use (with the view over all day tables).
 */
final class BlockWriter {

  private final Connection connection;
  private final BlockCodec codec;
  /** The day tables known to exist, so that a commit asks the schema only for a new day. */
  private final Set<String> tables = new HashSet<>();
  /** Set after a rollback, which takes the tables that transaction created with it. */
  private boolean tablesUnsure;
  /** The last day written and its table's name: nearly every commit writes to today's table. */
  private long lastDay = Long.MIN_VALUE;
  private String lastTable;

  BlockWriter(Connection connection, BlockCrypto crypto) throws SQLException {
    this.connection = connection;
    this.codec = new BlockCodec(crypto);
    tables.addAll(Schema.blockTables(connection));
  }

  /**
   * Writes the events of one session (sorted here by sequence) and adds them to the minute counts.
   *
   * @return how many blocks were written
   */
  int write(long sessionKey, List<RawEvent> events, MinuteAggregates aggregates) throws SQLException {
    if (tablesUnsure) {
      reloadTables();
    }
    events.sort(Comparator.comparingLong(RawEvent::sequence));
    // Keyed by day number, the table's name made once per day: formatting it per event cost more
    // than the rest of the loop.
    Map<Long, List<RawEvent>> byDay = new LinkedHashMap<>();
    long currentDay = Long.MIN_VALUE;
    List<RawEvent> current = null;
    for (RawEvent e : events) {
      long day = Schema.epochDay(e.timestampMicros());
      if (day != currentDay) {
        currentDay = day;
        current = byDay.computeIfAbsent(day, d -> new ArrayList<>());
      }
      current.add(e);
      aggregates.addEvent(e);
    }
    for (Map.Entry<Long, List<RawEvent>> day : byDay.entrySet()) {
      String table = ensureTable(tableFor(day.getKey()));
      BlockRows.insert(connection, table, sessionKey, day.getValue(), codec.encode(day.getValue()), false);
    }
    return byDay.size();
  }

  private String tableFor(long day) {
    if (day != lastDay) {
      lastTable = Schema.blockTableForDay(day);
      lastDay = day;
    }
    return lastTable;
  }

  private String ensureTable(String table) throws SQLException {
    if (tables.add(table)) {
      try (Statement st = connection.createStatement()) {
        for (String sql : Schema.createBlockTable(table)) {
          st.execute(sql);
        }
        Schema.recreateBlockView(connection);
      } catch (SQLException e) {
        tables.remove(table);
        throw e;
      }
    }
    return table;
  }

  /** Reads the day tables again, after maintenance dropped some. */
  void reloadTables() throws SQLException {
    tables.clear();
    tables.addAll(Schema.blockTables(connection));
    tablesUnsure = false;
  }

  /** After a rollback: the tables are read again before the next write. */
  void forgetUncommitted() {
    tablesUnsure = true;
  }
}
