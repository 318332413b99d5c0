package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What differs between SQLite and PostgreSQL for the one query service, and the SQLite deadline. */
class SqlDialectTest {

  @TempDir
  Path dir;

  @Test
  void postgresNumbersThePlaceholdersAndLeavesQuotedQuestionMarksAlone() {
    String sql = "SELECT a FROM t WHERE x = ? AND (k, id) > (?, ?) AND note <> 'why?' LIMIT ?";
    assertEquals("SELECT a FROM t WHERE x = $1 AND (k, id) > ($2, $3) AND note <> 'why?' LIMIT $4",
        SqlDialect.POSTGRES.sql(sql));
    assertEquals(sql, SqlDialect.SQLITE.sql(sql), "SQLite takes ? as it is");
  }

  @Test
  void aUuidIsSixteenBytesInSqliteAndAUuidInPostgres() {
    UUID id = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
    assertArrayEquals(new byte[] {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88, (byte) 0x99,
        (byte) 0xaa, (byte) 0xbb, (byte) 0xcc, (byte) 0xdd, (byte) 0xee, (byte) 0xff}, (byte[]) SqlDialect.SQLITE.uuid(id));
    assertEquals(id, SqlDialect.POSTGRES.uuid(id));
  }

  @Test
  void eachBackEndRecognisesOnlyItsOwnDeadlineInterruption() {
    Exception pgCancel = new PgException("canceling statement due to statement timeout", "ERROR", "57014", null);
    Exception pgOther = new PgException("relation does not exist", "ERROR", "42P01", null);
    Exception sqliteInterrupt = new org.sqlite.SQLiteException("interrupted", org.sqlite.SQLiteErrorCode.SQLITE_INTERRUPT);
    assertTrue(SqlDialect.POSTGRES.interrupted(pgCancel));
    assertFalse(SqlDialect.POSTGRES.interrupted(pgOther));
    assertFalse(SqlDialect.POSTGRES.interrupted(sqliteInterrupt));
    assertTrue(SqlDialect.SQLITE.interrupted(sqliteInterrupt));
    assertFalse(SqlDialect.SQLITE.interrupted(pgCancel));
  }

  /** A statement far longer than its deadline (counting to ten billion takes minutes). */
  private static final String LONG = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
      + " WHERE i < 10000000000) SELECT count(*) FROM n";

  @Test
  void sqliteStopsARunningStatementAtItsDeadlineAndTheConnectionAnswersTheNextQuery() throws Exception {
    Path db = dir.resolve("events.db");
    EventStore.open(db, "NORMAL").close();
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      // one connection: the next query gets the same one
      QueryService queries = new QueryService(SqliteReadPool.open(vertx, db, 1), (BlockCrypto) null);
      long t0 = System.nanoTime();
      Throwable failure = queries.read(Deadline.in(100), false,
              s -> s.select(LONG).map(rows -> new JsonObject()))
          .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      StorageException timeout = (StorageException) failure;
      assertEquals(ErrorCode.TIMEOUT, timeout.code());
      assertTrue(timeout.getMessage().contains("deadline of 100 ms and was interrupted"), timeout.getMessage());
      assertTrue(elapsedMs >= 100, "not before its deadline: " + elapsedMs + " ms");
      assertTrue(elapsedMs < 30_000, "stopped inside the statement, not after it: " + elapsedMs + " ms");

      JsonObject next = queries.query(new JsonObject().put("type", "aggregates").put("from", 0).put("to", 1),
          Deadline.in(5_000)).await();
      assertEquals(0, next.getJsonArray("rows").size(), "the same connection answers, its deadline re-armed");
    } finally {
      vertx.close().await();
    }
  }
}
