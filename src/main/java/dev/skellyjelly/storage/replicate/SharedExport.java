package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.BlockDecryptException;
import dev.skellyjelly.storage.store.EncryptionAtRest;
import dev.skellyjelly.storage.store.EventReader;
import dev.skellyjelly.storage.store.ExportFile;
import dev.skellyjelly.storage.store.Maintenance;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code export --from-postgres}: the events of a time range from the shared PostgreSQL store, of
 * every device or one, written as the local export writes them ({@link ExportFile}), each line
 * naming its {@code device}. Blocks are decoded here (sealed ones with their device's wrapped keys
 * and the local {@code [encryption]} key source, as {@code scope=all} queries do), read page by
 * page in one repeatable-read snapshot, so a merge replacing blocks meanwhile neither duplicates
 * nor drops an event. A block that cannot be read is skipped and named in the result.
 *
 * <p>Blocking: call it from a command's or a test's thread, never from an event loop.
 */
public final class SharedExport {

  /** What was written, and why each skipped block was skipped. */
  public record Result(Path out, long events, List<String> unreadable) {
  }

  /** Blocks per fetch: a merged hour holds up to ~100k events, so a page stays a few MB. */
  static final int BLOCKS_PER_PAGE = 200;

  private SharedExport() {
  }

  /**
   * Writes every event of {@code range} ({@code device} null: every device) held by the
   * {@code [postgres]} server to {@code target}; {@code seal} seals the file under the local
   * database's key-encryption key, as {@code export --encrypt} does.
   */
  public static Result write(Vertx vertx, StorageConfig config, EventReader.Range range, UUID device, Path target,
      ExportFile.Compression compression, boolean seal) throws Exception {
    EncryptionAtRest.KeyEncryptionKeyAndSalt sealing = null;
    if (seal) {
      try (Connection c = SqliteFiles.openReader(config.databasePath())) {
        sealing = EncryptionAtRest.keyEncryptionKey(c, config.encryption());
      }
    }
    Pool pool = PgClients.pool(vertx, config.postgres());
    try {
      SqlConnection c = pool.getConnection().await();
      try {
        c.begin().await();
        // One snapshot for every page: keyset paging over it sees each block exactly once.
        c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute().await();
        if (device != null) {
          requireDevice(c, device);
        }
        Map<UUID, DeviceCryptos.Opener> openers = new DeviceCryptos(vertx, config.encryption()).current(c).await();
        List<String> unreadable = new ArrayList<>();
        try (ExportFile file = ExportFile.open(target, compression, sealing)) {
          Row after = null;
          RowSet<Row> page;
          do {
            page = c.preparedQuery(blocksSql(device != null, after != null)).execute(args(range, device, after)).await();
            for (Row r : page) {
              after = r;
              writeBlock(file, r, range, openers, unreadable);
            }
          } while (page.size() == BLOCKS_PER_PAGE);
          long events = file.lines();
          return new Result(file.commit(), events, List.copyOf(unreadable));
        }
      } finally {
        c.close();
      }
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalStateException(PgErrors.describe(e, config.postgres()), e);
    } finally {
      pool.close();
    }
  }

  private static void requireDevice(SqlConnection c, UUID device) {
    RowSet<Row> rows = c.preparedQuery("SELECT 1 FROM devices WHERE device_id = $1").execute(Tuple.of(device)).await();
    if (rows.size() == 0) {
      throw new IllegalArgumentException("--device " + device + ": no such device in the shared store;"
          + " `stats --from-postgres` lists the devices it holds");
    }
  }

  /**
   * Blocks overlapping the range in (start, device, session, first sequence) order, after the last
   * one read. A day partition holds the blocks starting that day and no block crosses midnight, so
   * the range's first day bounds the scan.
   */
  private static String blocksSql(boolean oneDevice, boolean resumed) {
    String sql = "SELECT start_us, device_id, session_id, first_seq, last_seq, payload FROM event_blocks"
        + " WHERE start_us >= $1 AND start_us < $2 AND end_us >= $3 AND (type_mask & $4) != 0";
    int n = 5;
    if (oneDevice) {
      sql += " AND device_id = $" + n++;
    }
    if (resumed) {
      sql += " AND (start_us, device_id, session_id, first_seq) > ($" + n++ + ", $" + n++ + ", $" + n++ + ", $" + n + ")";
    }
    return sql + " ORDER BY start_us, device_id, session_id, first_seq LIMIT " + BLOCKS_PER_PAGE;
  }

  private static Tuple args(EventReader.Range range, UUID device, Row after) {
    long dayStart = Math.floorDiv(range.fromMicros(), Maintenance.DAY_MICROS) * Maintenance.DAY_MICROS;
    Tuple args = Tuple.of(dayStart, range.toMicros(), range.fromMicros(), range.mask());
    if (device != null) {
      args.addValue(device);
    }
    if (after != null) {
      args.addValue(after.getLong(0)).addValue(after.getUUID(1)).addValue(after.getUUID(2)).addValue(after.getLong(3));
    }
    return args;
  }

  private static void writeBlock(ExportFile file, Row r, EventReader.Range range,
      Map<UUID, DeviceCryptos.Opener> openers, List<String> unreadable) throws java.io.IOException {
    UUID device = r.getUUID(1);
    UUID session = r.getUUID(2);
    List<RawEvent> events;
    try {
      events = DeviceCryptos.decode(openers, device, session, r.getLong(3), r.getLong(4), r.getBuffer(5).getBytes());
    } catch (EventDecodeException | BlockDecryptException e) {
      unreadable.add("a block of device " + device + " session " + session + " from sequence " + r.getLong(3)
          + " was skipped: " + e.getMessage());
      return;
    }
    String deviceId = device.toString();
    for (RawEvent e : events) {
      if (range.matches(e)) {
        file.write(EventJson.toJson(e).put("device", deviceId));
      }
    }
  }
}
