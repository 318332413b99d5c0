package dev.skellyjelly.storage.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * Queries a database file from a test thread as the query verticle's pool does — the query
 * service on a read-only {@link SqliteSession}, a page of events in one snapshot, the deadline
 * armed (generous: these tests are about answers, the deadline tests set their own) — but on
 * the test thread itself: the pool's only addition, the hand-off to its worker and back, is
 * tested through the pool and the verticle, and would cost these many-query tests seconds.
 */
final class QueryFixture implements AutoCloseable {

  private final SqliteSession session;
  private final QueryService queries;
  private final BlockCrypto crypto;

  private QueryFixture(Path db, BlockCrypto crypto) throws SQLException {
    this.session = SqliteSession.open(db);
    this.crypto = crypto;
    this.queries = new QueryService(new OnThisThread(), crypto);
  }

  static QueryFixture open(Path db) throws SQLException {
    return new QueryFixture(db, null);
  }

  /** On a database whose blocks and columns {@code crypto} opens. */
  static QueryFixture open(Path db, BlockCrypto crypto) throws SQLException {
    return new QueryFixture(db, crypto);
  }

  /** The reply to {@code q} (null: a window not found); a failure is thrown as it is. */
  JsonObject run(JsonObject q) {
    return queries.query(q, Deadline.in(60_000)).await();
  }

  /** One page of events, in its own snapshot. */
  EventReader.Page page(EventReader.Range range, EventReader.Cursor cursor, int limit) {
    Deadline deadline = Deadline.in(60_000);
    return new OnThisThread().read(deadline, true, s -> new EventReader(s, crypto, deadline).page(range, cursor, limit))
        .await();
  }

  @Override
  public void close() throws SQLException {
    session.close();
  }

  /** The session as a pool of one that answers on the calling thread. */
  private final class OnThisThread implements ReadPool {
    @Override
    public SqlDialect dialect() {
      return SqlDialect.SQLITE;
    }

    @Override
    public <T> Future<T> read(Deadline deadline, boolean oneSnapshot, Function<ReadSession, Future<T>> query) {
      try {
        return Future.succeededFuture(session.run(deadline, oneSnapshot, query));
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
