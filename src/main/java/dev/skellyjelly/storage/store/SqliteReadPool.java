package dev.skellyjelly.storage.store;

import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.Function;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteDataSource;

/**
 * The read-only query pool over the SQLite file: the Vert.x JDBC client's {@link Pool} (statements
 * run on worker threads, never an event loop) over read-only connections. Each connection carries
 * its query deadline: {@code SELECT skelly_deadline(nanoTime)} arms it, and a progress handler
 * interrupts the running statement once it has passed (SQLITE_INTERRUPT), exactly as
 * sqlite3_interrupt would, leaving the connection usable.
 */
public final class SqliteReadPool {

  /** The statement that arms a connection's deadline; its argument is a {@link System#nanoTime()} instant. */
  static final String ARM_DEADLINE = "SELECT skelly_deadline(?)";

  /** VM steps between deadline checks: ~1k steps take microseconds, so a deadline is kept to well under a millisecond. */
  private static final int STEPS_PER_CHECK = 1_000;

  private SqliteReadPool() {
  }

  /** A pool of at most {@code size} read-only connections to {@code db}, opened on demand. */
  public static Pool open(Vertx vertx, Path db, int size) {
    return JDBCPool.pool(vertx, new ReadOnlySource(db), new PoolOptions().setMaxSize(size));
  }

  /** Opens read-only connections and installs the deadline on each. */
  private static final class ReadOnlySource extends SQLiteDataSource {
    ReadOnlySource(Path db) {
      super(SqliteFiles.readerConfig());
      setUrl(SqliteFiles.url(db));
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = super.getConnection();
      try {
        installDeadline(c);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return c;
    }
  }

  /**
   * Fires once per armed deadline: after interrupting a statement it disarms itself, so the
   * rollback that follows and the next query's own arming are never interrupted.
   */
  static void installDeadline(Connection c) throws SQLException {
    long[] deadline = {Long.MAX_VALUE};
    boolean[] armed = {false};
    Function.create(c, "skelly_deadline", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        deadline[0] = value_long(0);
        armed[0] = true;
        result(1);
      }
    });
    ProgressHandler.setHandler(c, STEPS_PER_CHECK, new ProgressHandler() {
      @Override
      protected int progress() {
        if (armed[0] && System.nanoTime() - deadline[0] >= 0) {
          armed[0] = false;
          return 1; // non-zero: SQLite stops the statement with SQLITE_INTERRUPT
        }
        return 0;
      }
    });
  }
}
