package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.RawEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the small blocks of live capture into one sealed block per session and hour, once the
 * hour is over: the events of every block of that session starting in that hour (fresh ones, and
 * a sealed one that late events joined) are re-encoded into one {@link SealedBlockFormat} block
 * that replaces exactly them — same session, the union of their sequence numbers — in one
 * transaction. A crash leaves the old blocks or the new one, never both; a reader's query sees one
 * or the other. Each merge of a day table bumps its generation in {@code settings}, so that a
 * cursor issued before the merge is refused rather than answered with events twice or not at all.
 *
 * <p>Runs on the writer's connection and thread, a bounded number of events per call so that
 * ingest never waits long; call again while {@link Result#more()}.
 */
public final class BlockMerger {

  private static final Logger LOG = LoggerFactory.getLogger(BlockMerger.class);

  /** What one call merged; {@code more} when sealed groups are left for the next call. */
  public record Result(int groups, int blocksIn, long events, long bytesIn, long bytesOut,
      List<String> skipped, boolean more) {
  }

  private record Group(String table, long sessionKey, long hourStart) {
  }

  private record Block(long rowid, UUID session, long firstSeq, long lastSeq, byte[] payload) {
  }

  private final Connection connection;
  private final BlockCrypto crypto;
  private final BlockCodec codec;

  /** A merger for a plaintext database. */
  public BlockMerger(Connection connection) {
    this(connection, null);
  }

  /** A merger that opens and seals blocks with {@code crypto} (the writer's; null: plaintext). */
  public BlockMerger(Connection connection, BlockCrypto crypto) {
    this.connection = connection;
    this.crypto = crypto;
    this.codec = new BlockCodec(crypto);
  }

  /** The {@code settings} key holding how many merges changed {@code table}. */
  static String generationKey(String table) {
    return GENERATION_KEY_PREFIX + table;
  }

  /** Settings keys holding a day table's merge generation: this prefix and the table's name. */
  static final String GENERATION_KEY_PREFIX = "merge_generation:";

  /**
   * Merges the groups whose hour ended before {@code sealedBeforeMicros}, until about
   * {@code maxEvents} events have been re-encoded.
   */
  public Result merge(long sealedBeforeMicros, long maxEvents) throws SQLException {
    long sealedHourEnd = Math.floorDiv(sealedBeforeMicros, Maintenance.HOUR_MICROS) * Maintenance.HOUR_MICROS;
    int groups = 0;
    int blocksIn = 0;
    long events = 0;
    long bytesIn = 0;
    long bytesOut = 0;
    List<String> skipped = new ArrayList<>();
    for (Group group : sealedGroups(sealedHourEnd)) {
      if (events >= maxEvents) {
        return new Result(groups, blocksIn, events, bytesIn, bytesOut, skipped, true);
      }
      if (crypto != null) {
        crypto.reserve(1); // the merged block's nonce, durable before the transaction
      }
      try {
        Merged m = Transactions.returning(connection, st -> mergeGroup(group));
        groups++;
        blocksIn += m.blocksIn();
        events += m.events();
        bytesIn += m.bytesIn();
        bytesOut += m.bytesOut();
      } catch (EventDecodeException | BlockDecryptException e) {
        // Never merge what cannot be read back: the group stays as it is (rolled back), and says why.
        String what = group.table() + " session_key " + group.sessionKey() + " hour "
            + group.hourStart() + ": " + e.getMessage();
        LOG.error("not merging the blocks of " + what);
        skipped.add(what);
      }
    }
    return new Result(groups, blocksIn, events, bytesIn, bytesOut, skipped, false);
  }

  /** What merging one group did. */
  private record Merged(int blocksIn, int events, long bytesIn, long bytesOut) {
  }

  /** Replaces the group's blocks by one sealed block; inside the caller's transaction. */
  private Merged mergeGroup(Group group) throws SQLException {
    List<Block> blocks = blocksOf(group);
    List<RawEvent> merged = decodeAll(group, blocks);
    byte[] payload = codec.encodeSealed(merged);
    BlockRows.insert(connection, group.table(), group.sessionKey(), merged, payload, true);
    deleteBlocks(group.table(), blocks);
    bumpGeneration(group.table());
    return new Merged(blocks.size(), merged.size(), blocks.stream().mapToLong(b -> b.payload().length).sum(),
        payload.length);
  }

  /** (table, session, hour) of every fresh block in an hour that has ended, oldest first. */
  private Set<Group> sealedGroups(long sealedHourEnd) throws SQLException {
    Set<Group> groups = new LinkedHashSet<>();
    for (String table : Schema.blockTables(connection)) {
      if (Schema.dayStartMicros(table) >= sealedHourEnd) {
        continue;
      }
      try (PreparedStatement ps = connection.prepareStatement("SELECT DISTINCT session_key, start_us / "
          + Maintenance.HOUR_MICROS + " FROM " + table + " WHERE sealed = 0 AND start_us < ?")) {
        ps.setLong(1, sealedHourEnd);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            groups.add(new Group(table, rs.getLong(1), rs.getLong(2) * Maintenance.HOUR_MICROS));
          }
        }
      }
    }
    return groups;
  }

  private List<Block> blocksOf(Group g) throws SQLException {
    List<Block> blocks = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT b.rowid, s.session_id, b.first_seq, b.last_seq,"
        + " b.payload FROM " + g.table() + " b JOIN sessions s ON s.session_key = b.session_key"
        + " WHERE b.session_key = ? AND b.start_us >= ? AND b.start_us < ?")) {
      ps.setLong(1, g.sessionKey());
      ps.setLong(2, g.hourStart());
      ps.setLong(3, g.hourStart() + Maintenance.HOUR_MICROS);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          blocks.add(new Block(rs.getLong(1), Uuids.fromBytes(rs.getBytes(2)), rs.getLong(3), rs.getLong(4),
              rs.getBytes(5)));
        }
      }
    }
    return blocks;
  }

  private List<RawEvent> decodeAll(Group g, List<Block> blocks) {
    List<RawEvent> events = new ArrayList<>();
    for (Block b : blocks) {
      try {
        events.addAll(codec.decode(b.payload(), b.session(), b.firstSeq(), b.lastSeq()));
      } catch (EventDecodeException | BlockDecryptException e) {
        throw new EventDecodeException("block rowid " + b.rowid() + " does not decode: " + e.getMessage(), e);
      }
    }
    events.sort(Comparator.comparingLong(RawEvent::sequence));
    for (int i = 1; i < events.size(); i++) {
      if (events.get(i).sequence() == events.get(i - 1).sequence()) {
        throw new EventDecodeException("sequence " + events.get(i).sequence() + " is stored twice");
      }
    }
    return events;
  }

  private void deleteBlocks(String table, List<Block> blocks) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table + " WHERE rowid = ?")) {
      for (Block b : blocks) {
        ps.setLong(1, b.rowid());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void bumpGeneration(String table) throws SQLException {
    Settings.put(connection, generationKey(table), Long.toString(generation(connection, table) + 1));
  }

  /** How many merges have changed {@code table} (0: none). */
  static long generation(Connection c, String table) throws SQLException {
    String value = Settings.get(c, generationKey(table));
    return value == null ? 0 : Long.parseLong(value);
  }
}
