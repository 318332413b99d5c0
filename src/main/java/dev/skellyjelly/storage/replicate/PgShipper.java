package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.store.Maintenance;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Writes one {@link LocalChanges.Batch} into PostgreSQL in one transaction, idempotently, so a
 * batch shipped twice (a watermark lost in a crash) changes nothing:
 * <ul>
 *   <li>a fresh block is inserted unless present ({@code ON CONFLICT DO NOTHING});</li>
 *   <li>a sealed block replaces every block of its device, session and start hour — what local
 *       merging replaced — so no event is ever counted twice. Blocks of that hour later than the
 *       sealed one (late events) come after it in rowid order, so the deletes run first;</li>
 *   <li>a block rewritten in place locally (sealed when encryption was turned on, resealed by
 *       {@code rotate-key --reencrypt}) replaces its copy, identified by device, session and
 *       sequence range, so PostgreSQL holds no payload the device no longer has;</li>
 *   <li>a session's sequence ranges are replaced by the device's current ones;</li>
 *   <li>minute aggregates are replaced by the device's current values, and the hourly and daily
 *       rows of the hours and days they fall in are recomputed from them;</li>
 *   <li>windows are inserted unless present; screenshot metadata rows are inserted or replaced
 *       (masking results and resealed titles arrive after the row).</li>
 * </ul>
 */
public final class PgShipper {

  /**
   * A statement of a batch that runs longer (a server stuck on a lock, or far too slow) fails the
   * batch, so the breaker backs off instead of replication hanging on it.
   */
  static final long STATEMENT_TIMEOUT_MS = 60_000;

  private final Pool pool;
  private final PgPartitions partitions;
  private final UUID device;

  private final long statementTimeoutMs;

  public PgShipper(Pool pool, PgPartitions partitions, UUID device) {
    this(pool, partitions, device, STATEMENT_TIMEOUT_MS);
  }

  PgShipper(Pool pool, PgPartitions partitions, UUID device, long statementTimeoutMs) {
    this.pool = pool;
    this.partitions = partitions;
    this.device = device;
    this.statementTimeoutMs = statementTimeoutMs;
  }

  public Future<Void> ship(LocalChanges.Batch batch) {
    return ensurePartitions(batch).compose(v -> pool.withTransaction(c -> c.query("SET LOCAL statement_timeout = "
            + statementTimeoutMs).execute()
        .compose(x -> sessions(c, batch))
        .compose(x -> replaceMergedHours(c, batch))
        .compose(x -> insertBlocks(c, batch.blocks(), "DO NOTHING"))
        .compose(x -> insertBlocks(c, batch.rewritten(), "DO UPDATE SET payload = excluded.payload"))
        .compose(x -> PgAggregateRows.replace(c, device, batch.minutes()))
        .compose(x -> windows(c, batch))
        .compose(x -> PgScreenshotRows.upsert(c, device, batch.screenshots()))
        .compose(x -> sequenceRanges(c, batch))));
  }

  private Future<Void> ensurePartitions(LocalChanges.Batch batch) {
    List<Long> blockTimes = java.util.stream.Stream.concat(batch.blocks().stream(), batch.rewritten().stream())
        .map(LocalChanges.Block::startMicros).toList();
    List<Long> minuteTimes = batch.minutes().stream().map(LocalChanges.Minute::startMicros).toList();
    List<Long> windowTimes = batch.windows().stream().map(LocalChanges.WindowRow::startMicros).toList();
    return partitions.ensure(PgPartitions.BLOCKS, blockTimes)
        .compose(v -> partitions.ensure(PgPartitions.MINUTES, minuteTimes))
        .compose(v -> partitions.ensure(PgPartitions.HOURLY, minuteTimes))
        .compose(v -> partitions.ensure(PgPartitions.DAILY, minuteTimes))
        .compose(v -> partitions.ensure(PgPartitions.WINDOWS, windowTimes))
        .compose(v -> partitions.ensure(PgPartitions.SCREENSHOTS,
            batch.screenshots().stream().map(LocalChanges.ScreenshotRow::timestampMicros).toList()));
  }

  private Future<Void> sessions(SqlConnection c, LocalChanges.Batch batch) {
    Set<UUID> sessions = new LinkedHashSet<>();
    batch.blocks().forEach(b -> sessions.add(b.session()));
    batch.sessionRanges().forEach(r -> sessions.add(r.session()));
    List<Tuple> rows = new ArrayList<>();
    sessions.forEach(s -> rows.add(Tuple.of(device, s)));
    return batch(c, "INSERT INTO sessions (device_id, session_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", rows);
  }

  private Future<Void> replaceMergedHours(SqlConnection c, LocalChanges.Batch batch) {
    List<Tuple> rows = new ArrayList<>();
    for (LocalChanges.Block b : batch.blocks()) {
      if (b.sealed()) {
        long hour = Math.floorDiv(b.startMicros(), Maintenance.HOUR_MICROS) * Maintenance.HOUR_MICROS;
        rows.add(Tuple.of(device, b.session(), hour, hour + Maintenance.HOUR_MICROS));
      }
    }
    return batch(c, "DELETE FROM event_blocks WHERE device_id = $1 AND session_id = $2"
        + " AND start_us >= $3 AND start_us < $4", rows);
  }

  /**
   * All blocks of the batch in one statement: arrays unnested server-side cost one round trip and
   * one plan, where a pipelined statement per block costs one execution each (measured ~3× slower).
   */
  private Future<Void> insertBlocks(SqlConnection c, List<LocalChanges.Block> blocks, String onConflict) {
    if (blocks.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = blocks.size();
    UUID[] sessions = new UUID[n];
    Long[] starts = new Long[n];
    Long[] ends = new Long[n];
    Long[] firsts = new Long[n];
    Long[] lasts = new Long[n];
    Integer[] counts = new Integer[n];
    Integer[] masks = new Integer[n];
    Boolean[] sealed = new Boolean[n];
    Buffer[] payloads = new Buffer[n];
    for (int i = 0; i < n; i++) {
      LocalChanges.Block b = blocks.get(i);
      sessions[i] = b.session();
      starts[i] = b.startMicros();
      ends[i] = b.endMicros();
      firsts[i] = b.firstSeq();
      lasts[i] = b.lastSeq();
      counts[i] = b.eventCount();
      masks[i] = b.typeMask();
      sealed[i] = b.sealed();
      payloads[i] = Buffer.buffer(b.payload());
    }
    return c.preparedQuery("INSERT INTO event_blocks (device_id, session_id, start_us, end_us, first_seq, last_seq,"
        + " event_count, type_mask, sealed, payload) SELECT $1, * FROM unnest($2::uuid[], $3::int8[], $4::int8[],"
        + " $5::int8[], $6::int8[], $7::int4[], $8::int4[], $9::bool[], $10::bytea[])"
        + " ON CONFLICT (device_id, session_id, first_seq, start_us) " + onConflict)
        .execute(Tuple.from(new Object[] {device, sessions, starts, ends, firsts, lasts, counts, masks, sealed, payloads}))
        .mapEmpty();
  }

  private Future<Void> windows(SqlConnection c, LocalChanges.Batch batch) {
    List<Tuple> rows = new ArrayList<>();
    for (LocalChanges.WindowRow w : batch.windows()) {
      rows.add(Tuple.from(new Object[] {device, w.id(), w.startMicros(), w.endMicros(), w.eventCount(),
          Buffer.buffer(w.members()), Buffer.buffer(w.screenshotRefs())}));
    }
    return batch(c, "INSERT INTO windows (device_id, window_id, start_us, end_us, event_count, members,"
        + " screenshot_refs) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING", rows);
  }

  /** Each changed session's ranges replaced by the device's current ones (merged ranges leave no stale row). */
  private Future<Void> sequenceRanges(SqlConnection c, LocalChanges.Batch batch) {
    if (batch.sessionRanges().isEmpty()) {
      return Future.succeededFuture();
    }
    List<UUID> changed = new ArrayList<>();
    List<UUID> sessions = new ArrayList<>();
    List<Long> los = new ArrayList<>();
    List<Long> his = new ArrayList<>();
    for (LocalChanges.SessionRanges r : batch.sessionRanges()) {
      changed.add(r.session());
      for (long[] range : r.ranges().intervals()) {
        sessions.add(r.session());
        los.add(range[0]);
        his.add(range[1]);
      }
    }
    return c.preparedQuery("DELETE FROM session_seq_ranges WHERE device_id = $1 AND session_id = ANY($2::uuid[])")
        .execute(Tuple.from(new Object[] {device, changed.toArray(new UUID[0])}))
        .compose(v -> sessions.isEmpty() ? Future.succeededFuture() : c.preparedQuery(
            "INSERT INTO session_seq_ranges (device_id, session_id, lo, hi) SELECT $1, * FROM"
                + " unnest($2::uuid[], $3::int8[], $4::int8[])")
            .execute(Tuple.from(new Object[] {device, sessions.toArray(new UUID[0]), los.toArray(new Long[0]),
                his.toArray(new Long[0])})))
        .mapEmpty();
  }

  /** {@code sql} once per row of {@code rows}, as one batch (nothing when there are none). */
  static Future<Void> batch(SqlConnection c, String sql, List<Tuple> rows) {
    return rows.isEmpty() ? Future.succeededFuture() : c.preparedQuery(sql).executeBatch(rows).mapEmpty();
  }
}
