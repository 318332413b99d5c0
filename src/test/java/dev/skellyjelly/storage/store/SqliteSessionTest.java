package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local read session: values as SQLite types them, rows read as they come, one snapshot, kept statements. */
class SqliteSessionTest {

  @TempDir
  Path dir;

  private Path db;

  @BeforeEach
  void fill() throws Exception {
    db = dir.resolve("t.db");
    try (Connection w = SqliteFiles.openWriter(db, "NORMAL"); Statement st = w.createStatement()) {
      st.execute("CREATE TABLE t (n INTEGER, big INTEGER, x REAL, s TEXT, b BLOB)");
      st.execute("INSERT INTO t VALUES (0, 5000000000, 0.5, 'zero', x'00ff'), (NULL, NULL, NULL, NULL, NULL)");
      st.execute("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 100)"
          + " INSERT INTO t (n) SELECT i FROM k");
    }
  }

  private static <T> T now(Future<T> f) throws Throwable {
    assertTrue(f.isComplete(), "the local session answers on the calling thread");
    if (f.failed()) {
      throw f.cause();
    }
    return f.result();
  }

  @Test
  void readsValuesAsSqliteTypesThemAndNullApartFromZero() throws Throwable {
    try (SqliteSession s = SqliteSession.open(db)) {
      List<Tuple> rows = now(s.select("SELECT n, big, x, s, b FROM t WHERE rowid <= 2 ORDER BY rowid", Tuple.tuple()));
      Tuple zero = rows.get(0);
      assertEquals(0L, zero.getLong(0), "a stored 0 is 0");
      assertEquals(5_000_000_000L, zero.getLong(1));
      assertEquals(0.5, zero.getDouble(2));
      assertEquals("zero", zero.getString(3));
      assertArrayEquals(new byte[] {0, (byte) 0xff}, (byte[]) zero.getValue(4));
      Tuple nulls = rows.get(1);
      for (int c = 0; c < 5; c++) {
        assertNull(nulls.getValue(c), "column " + c);
      }
      assertNull(nulls.getLong(0), "NULL is not read as 0");
      assertNull(nulls.getInteger(0));
    }
  }

  @Test
  void aVisitorStopsTheStatementAndTheKeptStatementStartsOverNextTime() throws Throwable {
    try (SqliteSession s = SqliteSession.open(db)) {
      String sql = "SELECT n FROM t WHERE n > ? ORDER BY n";
      List<Long> seen = new ArrayList<>();
      now(s.visit(sql, Tuple.of(0), r -> seen.add(r.getLong(0)) && seen.size() < 3));
      assertEquals(List.of(1L, 2L, 3L), seen, "nothing read after the visitor said stop");
      assertEquals(100, now(s.select(sql, Tuple.of(0))).size(), "the same statement again reads from its start");
    }
  }

  @Test
  void aFailedStatementFailsItsQueryAndTheSessionAnswersTheNext() throws Throwable {
    try (SqliteSession s = SqliteSession.open(db)) {
      Future<List<Tuple>> bad = s.select("SELECT nope FROM t", Tuple.tuple());
      assertTrue(bad.failed() && bad.cause() instanceof SQLException, String.valueOf(bad.cause()));
      assertTrue(bad.cause().getMessage().contains("no such column: nope"), bad.cause().getMessage());
      RuntimeException thrown = new IllegalArgumentException("a bad value in row 1");
      Future<Void> visitorFailed = s.visit("SELECT n FROM t", Tuple.tuple(), r -> {
        throw thrown;
      });
      assertEquals(thrown, visitorFailed.cause(), "what the visitor threw is the query's failure");
      assertEquals(102L, now(s.select("SELECT count(*) FROM t", Tuple.tuple())).get(0).getLong(0));
    }
  }

  @Test
  void oneSnapshotDoesNotSeeACommitMadeBetweenItsStatements() throws Exception {
    try (SqliteSession s = SqliteSession.open(db); Connection writer = SqliteFiles.openWriter(db, "NORMAL")) {
      long[] counts = s.run(Deadline.in(10_000), true, session -> session.select("SELECT count(*) FROM t")
          .compose(first -> {
            try (Statement st = writer.createStatement()) {
              st.execute("INSERT INTO t (n) VALUES (1000)");
            } catch (SQLException e) {
              return Future.failedFuture(e);
            }
            return session.select("SELECT count(*) FROM t")
                .map(second -> new long[] {first.get(0).getLong(0), second.get(0).getLong(0)});
          }));
      assertEquals(102L, counts[0]);
      assertEquals(102L, counts[1], "the second statement reads the same snapshot");
      long after = s.run(Deadline.in(10_000), false, session -> session.select("SELECT count(*) FROM t")
          .map(rows -> rows.get(0).getLong(0)));
      assertEquals(103L, after, "the next query sees the commit");
    }
  }
}
