package dev.skellyjelly.storage.store;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Where the query service reads: a pool of read-only sessions on one back end, each query
 * stopped at its deadline by the back end itself ({@link SqliteReadPool} for the local file;
 * the replication room's pool for the shared PostgreSQL store).
 */
public interface ReadPool {

  /** What differs in this back end's SQL and values. */
  SqlDialect dialect();

  /**
   * Runs {@code query} on one session, read-only, with {@code deadline} armed in the back end
   * (a statement still running when it passes fails as {@link SqlDialect#interrupted}), in one
   * snapshot when {@code oneSnapshot} asks for it. The session goes back to the pool usable.
   */
  <T> Future<T> read(Deadline deadline, boolean oneSnapshot, Function<ReadSession, Future<T>> query);

  /** Closes the pool's connections. */
  Future<Void> close();
}
