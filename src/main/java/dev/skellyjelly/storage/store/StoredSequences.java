package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.SequenceRanges;
import dev.skellyjelly.storage.event.Uuids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Which sequence numbers of each session are stored ({@code session_seq_ranges}): read from the
 * database the first time a session is seen, then kept in memory, so that telling a retried
 * event from a new one costs no query.
 */
final class StoredSequences {

  private final Connection connection;
  private final Map<UUID, SequenceRanges> committed = new HashMap<>();

  StoredSequences(Connection connection) {
    this.connection = connection;
  }

  boolean contains(UUID session, long sequence) {
    return of(session).contains(sequence);
  }

  /**
   * Writes the stored ranges of every session in {@code staged} as they will be once this
   * transaction commits: the committed ones merged with the staged ones.
   */
  void write(Map<UUID, SequenceRanges> staged, SessionKeys sessionKeys) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM session_seq_ranges WHERE session_key = ?");
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO session_seq_ranges (session_key, lo, hi) VALUES (?, ?, ?)")) {
      for (Map.Entry<UUID, SequenceRanges> e : staged.entrySet()) {
        if (e.getValue().isEmpty()) {
          continue;
        }
        SequenceRanges merged = new SequenceRanges();
        merged.addAll(of(e.getKey()));
        merged.addAll(e.getValue());
        long key = sessionKeys.keyOf(e.getKey());
        delete.setLong(1, key);
        delete.executeUpdate();
        for (long[] range : merged.intervals()) {
          insert.setLong(1, key);
          insert.setLong(2, range[0]);
          insert.setLong(3, range[1]);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }

  /** After the commit: the staged ranges are stored now. */
  void committed(Map<UUID, SequenceRanges> staged) {
    staged.forEach((session, ranges) -> of(session).addAll(ranges));
  }

  /** The stored sequence numbers of a session, loaded from the database on first sight. */
  private SequenceRanges of(UUID session) {
    return committed.computeIfAbsent(session, s -> {
      SequenceRanges ranges = new SequenceRanges();
      try (PreparedStatement ps = connection.prepareStatement("SELECT r.lo, r.hi FROM"
          + " session_seq_ranges r JOIN sessions s ON s.session_key = r.session_key"
          + " WHERE s.session_id = ?")) {
        ps.setBytes(1, Uuids.toBytes(s));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ranges.addRange(rs.getLong(1), rs.getLong(2));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read stored sequence ranges of session " + s
            + ": " + e.getMessage(), e);
      }
      return ranges;
    });
  }
}
