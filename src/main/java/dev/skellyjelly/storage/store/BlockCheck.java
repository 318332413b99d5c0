package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes every event block of a database. {@code PRAGMA integrity_check} sees only SQLite's
 * pages: a block whose LZ4 payload is damaged passes it, so a backup, a restore and the start-up
 * check also decode the blocks themselves.
 */
public final class BlockCheck {

  /** One block that does not decode: where it is and why. */
  public record BadBlock(String table, long rowid, int eventCount, String reason) {
    @Override
    public String toString() {
      return table + " rowid " + rowid + " (" + eventCount + " events): " + reason;
    }
  }

  /** How many blocks and events decoded, and the blocks that did not. */
  public record Result(long blocks, long events, List<BadBlock> bad) {
    public boolean ok() {
      return bad.isEmpty();
    }
  }

  private BlockCheck() {
  }

  /** Every block of every day table; {@code crypto} opens encrypted ones (null: none expected). */
  public static Result checkAll(Connection c, BlockCrypto crypto) throws SQLException {
    return check(c, Long.MAX_VALUE, crypto);
  }

  /** The newest {@code perTable} blocks of each day table (the quick check at start). */
  public static Result checkNewest(Connection c, long perTable, BlockCrypto crypto) throws SQLException {
    return check(c, perTable, crypto);
  }

  private static Result check(Connection c, long perTable, BlockCrypto crypto) throws SQLException {
    BlockCodec codec = new BlockCodec(crypto);
    long blocks = 0;
    long events = 0;
    List<BadBlock> bad = new ArrayList<>();
    for (String table : Schema.blockTables(c)) {
      try (PreparedStatement ps = c.prepareStatement("SELECT b.rowid, b.event_count, b.payload,"
          + " s.session_id, b.first_seq, b.last_seq FROM " + table + " b LEFT JOIN sessions s ON s.session_key = b.session_key"
          + " ORDER BY b.rowid DESC LIMIT ?")) {
        ps.setLong(1, perTable);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            blocks++;
            String reason = decodeProblem(codec, rs.getInt(2), rs.getBytes(3), rs.getBytes(4),
                rs.getLong(5), rs.getLong(6));
            if (reason == null) {
              events += rs.getInt(2);
            } else {
              bad.add(new BadBlock(table, rs.getLong(1), rs.getInt(2), reason));
            }
          }
        }
      }
    }
    return new Result(blocks, events, List.copyOf(bad));
  }

  /** Why a block does not decode to its stated count, or {@code null} if it does. */
  static String decodeProblem(BlockCodec codec, int eventCount, byte[] payload, byte[] sessionId,
      long firstSeq, long lastSeq) {
    if (sessionId == null) {
      return "its session row is missing";
    }
    if (payload == null) {
      return "its payload is missing";
    }
    try {
      int decoded = codec.decode(payload, Uuids.fromBytes(sessionId), firstSeq, lastSeq).size();
      return decoded == eventCount ? null
          : "decodes to " + decoded + " events, the row says " + eventCount;
    } catch (RuntimeException e) { // any failure to decode (typed or not) makes the block bad
      return e.getMessage();
    }
  }
}
