package dev.skellyjelly.storage.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.sqlite.ProgressHandler;

/**
 * One read-only connection to the SQLite file, answering a whole query on the thread that runs
 * it: no hand-off per statement. Its prepared statements are kept (the query service asks the
 * same few again and again). A progress handler stops a statement still running at the
 * query's deadline (SQLITE_INTERRUPT), exactly as sqlite3_interrupt would, leaving the
 * connection usable.
 */
final class SqliteSession implements ReadSession, AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqliteSession.class);
  /** VM steps between deadline checks: ~1k steps take microseconds, so a deadline is kept to well under a millisecond. */
  private static final int STEPS_PER_CHECK = 1_000;
  /** Prepared statements kept per connection, least recently used dropped first (a query uses one to three). */
  private static final int KEPT_STATEMENTS = 32;

  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
      if (size() <= KEPT_STATEMENTS) {
        return false;
      }
      closeQuietly(eldest.getValue());
      return true;
    }
  };
  /** When the running statement must stop ({@link System#nanoTime()}), while {@link #armed}. */
  private volatile long deadline;
  private volatile boolean armed;

  private SqliteSession(Connection connection) throws SQLException {
    this.connection = connection;
    ProgressHandler.setHandler(connection, STEPS_PER_CHECK, new ProgressHandler() {
      @Override
      protected int progress() {
        if (armed && System.nanoTime() - deadline >= 0) {
          armed = false; // fires once: the rollback after it is never interrupted
          return 1; // non-zero: SQLite stops the statement with SQLITE_INTERRUPT
        }
        return 0;
      }
    });
  }

  /** A session on a new read-only connection to {@code db}. */
  static SqliteSession open(Path db) throws SQLException {
    Connection c = SqliteFiles.openReader(db);
    try {
      return new SqliteSession(c);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Runs {@code query} here, now, with {@code limit} armed, in one read transaction when
   * {@code oneSnapshot} asks for it; its answer, or its failure thrown.
   */
  <T> T run(Deadline limit, boolean oneSnapshot, Function<ReadSession, Future<T>> query) throws Exception {
    deadline = limit.nanoTime();
    armed = true;
    boolean inTransaction = false;
    try {
      if (oneSnapshot) {
        connection.setAutoCommit(false);
        inTransaction = true;
      }
      Future<T> answer = query.apply(this);
      if (!answer.isComplete()) {
        throw new IllegalStateException("a query of the local store waited for something other than its"
            + " own statements; it must answer on the thread that runs it");
      }
      if (answer.failed()) {
        throw answer.cause() instanceof Exception e ? e : new IllegalStateException(answer.cause());
      }
      return answer.result();
    } finally {
      armed = false;
      if (inTransaction) {
        connection.setAutoCommit(true); // ends the read transaction
      }
    }
  }

  @Override
  public Future<List<Tuple>> select(String sql, Tuple args) {
    List<Tuple> rows = new ArrayList<>();
    return visit(sql, args, row -> rows.add(((CurrentRow) row).copy())).map(rows);
  }

  @Override
  public Future<Void> visit(String sql, Tuple args, Predicate<Tuple> rows) {
    PreparedStatement ps = null;
    try {
      ps = statements.get(sql);
      if (ps == null) {
        ps = connection.prepareStatement(sql);
        statements.put(sql, ps);
      }
      for (int i = 0; i < args.size(); i++) {
        Object value = args.getValue(i);
        ps.setObject(i + 1, value instanceof Buffer b ? b.getBytes() : value);
      }
      try (ResultSet rs = ps.executeQuery()) {
        CurrentRow row = new CurrentRow(rs);
        while (rs.next() && rows.test(row)) {
          // the visitor reads the row
        }
      }
      return Future.succeededFuture();
    } catch (SQLException e) {
      if (ps != null) {
        statements.remove(sql); // never reuse a statement in an unknown state
        closeQuietly(ps);
      }
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      return Future.failedFuture(e); // what the visitor threw: a bad value, a deadline
    }
  }

  @Override
  public void close() throws SQLException {
    statements.values().forEach(SqliteSession::closeQuietly);
    statements.clear();
    connection.close();
  }

  private static void closeQuietly(PreparedStatement ps) {
    try {
      ps.close();
    } catch (SQLException e) {
      LOG.warn("a kept read statement did not close: {}", e.getMessage()); // no data depends on it
    }
  }
}
