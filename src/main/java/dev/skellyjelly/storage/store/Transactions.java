package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one write-transaction wrapper of the store: {@code BEGIN IMMEDIATE}, the work,
 * {@code COMMIT} — or, when the work throws, {@code ROLLBACK} and the work's exception rethrown
 * (a failing rollback is added to it as suppressed, never hides it).
 */
final class Transactions {

  /** Work inside the transaction, given a statement of its connection. */
  interface Work {
    void run(Statement st) throws SQLException;
  }

  /** Work inside the transaction that computes a result. */
  interface ResultWork<T> {
    T run(Statement st) throws SQLException;
  }

  private Transactions() {
  }

  static void immediate(Connection c, Work work) throws SQLException {
    returning(c, st -> {
      work.run(st);
      return null;
    });
  }

  /** Like {@link #immediate}, returning what the work computed once it is committed. */
  static <T> T returning(Connection c, ResultWork<T> work) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      T result;
      try {
        result = work.run(st);
        st.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          st.execute("ROLLBACK");
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
      return result;
    }
  }
}
