package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.store.Deadline;
import dev.skellyjelly.storage.store.ReadPool;
import dev.skellyjelly.storage.store.ReadSession;
import dev.skellyjelly.storage.store.SqlDialect;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The shared PostgreSQL store as a {@link ReadPool} for the one query service: each query runs
 * in a read-only transaction whose {@code statement_timeout} is the query's deadline (so it is
 * one snapshot whether or not the query asks for one: {@code SET LOCAL} lasts until the
 * transaction ends).
 */
final class SharedReadPool implements ReadPool {

  private final Pool pool;

  SharedReadPool(Pool pool) {
    this.pool = pool;
  }

  /** {@code c} as a session: statements written with {@code ?} placeholders, in PostgreSQL's form. */
  static ReadSession session(SqlConnection c) {
    return new ReadSession() {
      @Override
      public Future<List<Tuple>> select(String sql, Tuple args) {
        return c.preparedQuery(SqlDialect.POSTGRES.sql(sql)).execute(args).map(rows -> {
          List<Tuple> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(r);
          }
          return out;
        });
      }

      @Override
      public Future<Void> visit(String sql, Tuple args, Predicate<Tuple> rows) {
        return select(sql, args).map(all -> {
          for (Tuple r : all) {
            if (!rows.test(r)) {
              break;
            }
          }
          return null;
        });
      }
    };
  }

  @Override
  public SqlDialect dialect() {
    return SqlDialect.POSTGRES;
  }

  @Override
  public <T> Future<T> read(Deadline deadline, boolean oneSnapshot, Function<ReadSession, Future<T>> query) {
    return pool.withTransaction(c -> c.query("SET TRANSACTION READ ONLY").execute()
        // SET takes no parameters; the value is a number computed here.
        .compose(v -> c.query("SET LOCAL statement_timeout = " + deadline.remainingMs()).execute())
        .compose(v -> query.apply(session(c))));
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }
}
