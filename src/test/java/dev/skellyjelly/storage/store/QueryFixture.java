package dev.skellyjelly.storage.store;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * Queries a database file from a test thread exactly as the query verticle does: the read pool,
 * a page of events in one snapshot, the deadline armed (generous: these tests are
 * about answers, the deadline tests set their own).
 */
final class QueryFixture implements AutoCloseable {

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final SqliteReadPool pool;
  private final QueryService queries;
  private final BlockCrypto crypto;

  private QueryFixture(Vertx vertx, boolean ownsVertx, Path db, BlockCrypto crypto) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.pool = SqliteReadPool.open(vertx, db, 2);
    this.crypto = crypto;
    this.queries = new QueryService(pool, crypto);
  }

  static QueryFixture open(Path db) {
    return new QueryFixture(Vertx.vertx(), true, db, null);
  }

  /** On a database whose blocks and columns {@code crypto} opens. */
  static QueryFixture open(Path db, BlockCrypto crypto) {
    return new QueryFixture(Vertx.vertx(), true, db, crypto);
  }

  /** On {@code vertx}, which outlives the fixture (many databases, one Vert.x: closing one costs ~0.1 s). */
  static QueryFixture open(Vertx vertx, Path db) {
    return new QueryFixture(vertx, false, db, null);
  }

  /** The reply to {@code q} (null: a window not found); a failure is thrown as it is. */
  JsonObject run(JsonObject q) {
    Deadline deadline = Deadline.in(60_000);
    return queries.query(q, deadline).await();
  }

  /** One page of events, in its own snapshot. */
  EventReader.Page page(EventReader.Range range, EventReader.Cursor cursor, int limit) {
    return pool.read(Deadline.in(60_000), true, s -> new EventReader(s, crypto, Deadline.in(60_000))
        .page(range, cursor, limit)).await();
  }

  @Override
  public void close() {
    pool.close().await();
    if (ownsVertx) {
      vertx.close().await();
    }
  }
}
