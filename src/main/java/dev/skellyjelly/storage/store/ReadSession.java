package dev.skellyjelly.storage.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.Predicate;

/**
 * One query's session on a {@link ReadPool}: read-only statements written once with {@code ?}
 * placeholders, their rows as tuples. The local SQLite file answers on the thread that runs the
 * query (the futures are complete when returned); the shared PostgreSQL store answers later.
 */
public interface ReadSession {

  /** The rows of {@code sql} with its placeholders bound to {@code args}, in order. */
  Future<List<Tuple>> select(String sql, Tuple args);

  /**
   * Hands the rows of {@code sql} to {@code rows}, in order, until it returns false: the rows
   * are not kept, and a statement stopped early reads no further. The tuple is only valid during
   * the call (the local store reads it from its result set as it goes).
   */
  Future<Void> visit(String sql, Tuple args, Predicate<Tuple> rows);

  /** The rows of {@code sql}, which takes no parameters. */
  default Future<List<Tuple>> select(String sql) {
    return select(sql, Tuple.tuple());
  }
}
