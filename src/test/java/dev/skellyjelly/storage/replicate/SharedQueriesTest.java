package dev.skellyjelly.storage.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.store.Deadline;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.QueryService;
import dev.skellyjelly.storage.store.BlockCrypto;
import dev.skellyjelly.storage.store.SqliteReadPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one query service on PostgreSQL: the same pages as on SQLite, and the deadline. */
class SharedQueriesTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private Pool pg;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    pg = PgTestSupport.pool(vertx, TestPostgres.get().createDatabase());
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private static JsonObject windowsPage(QueryService queries, long from, Object cursor) {
    JsonObject q = new JsonObject().put("type", "windows").put("from", from).put("to", from + 3_600_000_000L)
        .put("limit", 10).put("cursor", cursor);
    Deadline deadline = Deadline.in(10_000);
    return queries.read(deadline, true, s -> queries.windows(s, q)).await();
  }

  /** Every row of the range, page by page; the page sizes go to {@code sizes}. */
  private static List<JsonObject> allWindows(QueryService queries, long from, List<Integer> sizes) {
    List<JsonObject> rows = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = windowsPage(queries, from, cursor);
      sizes.add(page.getJsonArray("windows").size());
      page.getJsonArray("windows").forEach(o -> rows.add((JsonObject) o));
      cursor = page.getString("next");
    } while (cursor != null);
    return rows;
  }

  @Test
  void windowsPageWithTheSameStatementOnSqliteAndOnPostgresWhereTheDeviceJoinsTheKey() throws Exception {
    long now = System.currentTimeMillis() * 1000L;
    long from = now - now % 3_600_000_000L;
    PgSchema.migrate(pg).await();
    new PgPartitions(pg).ensureAhead(now, 1).await();
    Path db = dir.resolve("events.db");
    UUID[] devices = {UUID.randomUUID(), UUID.randomUUID()};
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      for (int i = 0; i < 25; i++) {
        long start = from + (i / 2) * 30_000_000L; // pairs share a start: the ids break the tie
        UUID id = UUID.randomUUID();
        store.stageWindow(new WindowRecord(id, start, start + 30_000_000L, i, Map.of(), List.of()));
        // The same window on two devices in the shared store: 50 rows.
        for (UUID device : devices) {
          pg.preparedQuery("INSERT INTO windows (device_id, window_id, start_us, end_us, event_count, members,"
              + " screenshot_refs) VALUES ($1, $2, $3, $4, $5, '\\x'::bytea, '\\x'::bytea)")
              .execute(Tuple.of(device, id, start, start + 30_000_000L, i)).await();
        }
      }
      store.commit();
    }

    List<Integer> localSizes = new ArrayList<>();
    QueryService local = new QueryService(SqliteReadPool.open(vertx, db, 1), (BlockCrypto) null);
    List<JsonObject> localRows = allWindows(local, from, localSizes);
    assertEquals(List.of(10, 10, 5), localSizes);
    List<Integer> sharedSizes = new ArrayList<>();
    QueryService sharedQueries = QueryService.shared(new SharedReadPool(pg), null);
    List<JsonObject> shared = allWindows(sharedQueries, from, sharedSizes);
    assertEquals(List.of(10, 10, 10, 10, 10), sharedSizes);

    Set<String> keys = new HashSet<>();
    shared.forEach(w -> keys.add(w.getString("device") + "/" + w.getString("windowId")));
    assertEquals(50, keys.size(), "every (device, window) once");
    for (int i = 1; i < shared.size(); i++) {
      assertTrue(shared.get(i - 1).getLong("startMicros") <= shared.get(i).getLong("startMicros"), "in time order");
    }
    Set<String> localIds = new HashSet<>();
    localRows.forEach(w -> localIds.add(w.getString("windowId")));
    Set<String> sharedIds = new HashSet<>();
    shared.forEach(w -> sharedIds.add(w.getString("windowId")));
    assertEquals(localIds, sharedIds, "the same windows on both back ends");
    assertEquals(25, localIds.size());

    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> windowsPage(sharedQueries, from, "12:x"));
    assertEquals("parameter 'cursor' = '12:x' is not one a scope=all query returned", bad.getMessage());
  }

  @Test
  void postgresCancelsAStatementAtItsDeadlineAndThePoolAnswersTheNextQuery() {
    long t0 = System.nanoTime();
    QueryService shared = QueryService.shared(new SharedReadPool(pg), null);
    Throwable failure = shared.read(Deadline.in(200), true,
            s -> s.select("SELECT pg_sleep(20)").map(rows -> new JsonObject()))
        .transform(ar -> Future.succeededFuture(ar.cause())).await();
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
    StorageException timeout = (StorageException) failure;
    assertEquals(ErrorCode.TIMEOUT, timeout.code());
    assertTrue(timeout.getMessage().contains("deadline of 200 ms"), timeout.getMessage());
    assertTrue(elapsedMs < 15_000, "cancelled by the server, not waited out: " + elapsedMs + " ms");
    assertEquals(1, pg.query("SELECT 1").execute().await().iterator().next().getInteger(0), "the pool answers");
  }
}
