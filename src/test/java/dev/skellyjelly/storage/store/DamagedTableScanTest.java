package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The salvage scan on rows that fail to read. The failure is made without corrupting a file: a
 * view computes {@code abs(-9223372036854775808)}, an integer overflow SQLite reports as an error,
 * for some keys, so the rows that fail are known exactly.
 */
class DamagedTableScanTest {

  @TempDir
  Path dir;

  private Connection withUnreadableRows(String keyType, String key, String failing) throws Exception {
    Connection c = SqliteFiles.openWriter(dir.resolve("damaged.db"), "NORMAL");
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (k " + keyType + " PRIMARY KEY, v INTEGER NOT NULL)");
      st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
          + " INSERT INTO t SELECT " + key + ", i * 10 FROM n");
      st.execute("CREATE VIEW damaged AS SELECT k, CASE WHEN " + failing
          + " THEN abs(-9223372036854775808) ELSE v END AS v FROM t");
    }
    return c;
  }

  @Test
  void anIntegerKeySkipsPastTheUnreadableRowsAndComesBackForTheOthers() throws Exception {
    List<String> problems = new ArrayList<>();
    List<Long> keys = new ArrayList<>();
    try (Connection c = withUnreadableRows("INTEGER", "i", "k BETWEEN 300 AND 310")) {
      new DamagedTableScan(c, problems).scan("damaged", "k", "v", Long.MIN_VALUE, rs -> {
        assertEquals(rs.getLong(1) * 10, rs.getLong(2), "the row's own values");
        keys.add(rs.getLong(1));
      });
    }
    List<Long> lost = LongStream.rangeClosed(1, 1000).filter(k -> !keys.contains(k)).boxed().toList();
    assertEquals(LongStream.rangeClosed(300, 310).boxed().toList(), lost, "only the unreadable rows are lost");
    assertEquals(989, keys.size(), "every readable row once");
    assertEquals(keys.stream().sorted().toList(), keys, "in key order");
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("damaged rows after 299 ("), problems.get(0));
    assertTrue(problems.get(0).contains("integer overflow"), "names SQLite's error: " + problems.get(0));
  }

  @Test
  void anotherKeyStopsAtTheFirstUnreadableRowAndSaysWhere() throws Exception {
    List<String> problems = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    try (Connection c = withUnreadableRows("TEXT", "printf('k%04d', i)", "k = 'k0600'")) {
      new DamagedTableScan(c, problems).scan("damaged", "k", "v", "", rs -> keys.add(rs.getString(1)));
    }
    assertEquals(599, keys.size(), "the rows before the unreadable one");
    assertEquals("k0599", keys.get(keys.size() - 1));
    assertEquals(List.of(), problems.stream().filter(p -> !p.startsWith("damaged after key k0599 (")).toList());
    assertEquals(1, problems.size());
  }
}
