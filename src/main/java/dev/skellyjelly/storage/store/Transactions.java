package dev.skellyjelly.storage.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** One write transaction: {@code BEGIN IMMEDIATE}, the work, {@code COMMIT} — or rollback and rethrow. */
final class Transactions {

  /** Work inside the transaction, given a statement of its connection. */
  interface Work {
    void run(Statement st) throws SQLException;
  }

  private Transactions() {
  }

  static void immediate(Connection c, Work work) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      try {
        work.run(st);
        st.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          st.execute("ROLLBACK");
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    }
  }
}
