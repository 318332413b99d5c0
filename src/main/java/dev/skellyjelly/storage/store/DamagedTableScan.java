package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads the tables of a damaged database, losing only the rows SQLite cannot read: where it reports
 * a damaged page, the scan skips forward past it and comes back for the rows it jumped over. What
 * could not be read is added, one line per stop, to the problems list it was given.
 */
final class DamagedTableScan {

  private static final int PAGE = 256;

  private final Connection connection;
  private final List<String> problems;

  DamagedTableScan(Connection connection, List<String> problems) {
    this.connection = connection;
    this.problems = problems;
  }

  /** Takes one row of the result (the key is column 1, the columns asked for follow). */
  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /**
   * Reads {@code table} in key order after {@code start} ({@code Long.MIN_VALUE} for an integer
   * key), {@link #PAGE} rows at a time. When SQLite reports damage, an integer key skips forward
   * (1, 2, 4, … past the last good key) until reads succeed again, then the keys jumped over are
   * read one by one, so only the rows on damaged pages are lost; other keys stop the scan there.
   * Every stop is named in the problems.
   */
  void scan(String table, String key, String columns, Object start, RowReader reader) {
    Object after = start;
    long lastGood = 0;
    long skip = 1;
    String select = "SELECT " + key + ", " + columns + " FROM " + table + " WHERE " + key;
    String sql = select + " > ? ORDER BY " + key + " LIMIT " + PAGE;
    while (true) {
      int n = 0;
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        ps.setObject(1, after);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Object k = start instanceof Long ? (Object) rs.getLong(1) : rs.getObject(1);
            if (n == 0 && skip > 1) {
              readOneByOne(connection, select, lastGood + 1, (Long) k, reader);
            }
            after = k;
            if (k instanceof Long good) {
              lastGood = good;
            }
            reader.read(rs);
            n++;
          }
        }
        if (n == 0) {
          return;
        }
        skip = 1;
      } catch (SQLException e) {
        if (!(after instanceof Long last) || skip > (1L << 40)) {
          problems.add(table + " after key " + describe(after) + " (" + e.getMessage() + ")");
          return;
        }
        if (skip == 1) {
          problems.add(table + " rows after " + describe(after) + " (" + e.getMessage() + ")");
        }
        after = (last == Long.MIN_VALUE ? 0L : last) + skip;
        skip *= 2;
      }
    }
  }

  /** Point reads of the keys a skip jumped over: those on intact pages are found this way. */
  private static void readOneByOne(Connection c, String select, long from, long to, RowReader reader) {
    if (to - from > 1_000_000) {
      return; // too sparse to probe key by key; the rows in between are reported lost
    }
    for (long k = from; k < to; k++) {
      // A statement that hit SQLITE_CORRUPT is not reused: sqlite-jdbc leaves it unusable.
      try (PreparedStatement ps = c.prepareStatement(select + " = ?")) {
        ps.setLong(1, k);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            reader.read(rs);
          }
        }
      } catch (SQLException onDamagedPage) {
        // this key's row is on a damaged page: lost with the page (the skip reported it)
      }
    }
  }

  private static String describe(Object key) {
    return key instanceof byte[] b ? b.length + "-byte key" : String.valueOf(key);
  }
}
