package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.Schema;
import dev.skellyjelly.storage.store.Settings;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * What {@code replication-status} prints: from the local database (read-only, safe while the
 * module runs) each day table's watermark and what is not yet shipped, the device id and the last
 * replication error recorded; and from PostgreSQL, whether it answers and what it holds of this
 * device.
 */
public final class ReplicationReport {

  private ReplicationReport() {
  }

  /** The local half: per table {watermark, pendingBlocks, pendingEvents}, totals, device, last error. */
  public static JsonObject local(StorageConfig config) throws SQLException {
    try (Connection c = SqliteFiles.openReader(config.databasePath())) {
      Watermarks marks = Watermarks.read(c);
      JsonObject tables = new JsonObject();
      long blocks = 0;
      long events = 0;
      for (String table : Schema.blockTables(c)) {
        long[] pending = LocalChanges.pending(c, table, marks.block(table));
        tables.put(table, new JsonObject().put("watermark", marks.block(table))
            .put("pendingBlocks", pending[0]).put("pendingEvents", pending[1]));
        blocks += pending[0];
        events += pending[1];
      }
      JsonObject changes = new JsonObject()
          .put("minutes", changed(c, "event_aggregates_minute", "change_seq > ?", marks.minutes()))
          .put("screenshots", changed(c, "screenshot_metadata", "change_seq > ?", marks.screenshots()))
          .put("newSessions", changed(c, "sessions", "session_key > ?", marks.sessions()))
          .put("rewrittenBlocks", rewritten(c, marks));
      String device = config.device().id().isEmpty() ? Settings.get(c, "device_id") : config.device().id();
      String lastError = Settings.get(c, "replication.last_error");
      return new JsonObject().put("enabled", config.postgres().enabled()).put("device", device)
          .put("pendingBlocks", blocks).put("pendingEvents", events).put("tables", tables).put("changes", changes)
          .put("lastError", lastError == null || lastError.isEmpty() ? null : lastError);
    }
  }

  /** {watermark, pending}: rows of {@code table} stamped after the change number shipped. */
  private static JsonObject changed(Connection c, String table, String where, long mark) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + where)) {
      ps.setLong(1, mark);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new JsonObject().put("watermark", mark).put("pending", rs.getLong(1));
      }
    }
  }

  /** Blocks rewritten in place (re-encrypted) after the change number shipped, over every day table. */
  private static JsonObject rewritten(Connection c, Watermarks marks) throws SQLException {
    long pending = 0;
    for (String table : Schema.blockTables(c)) {
      pending += changed(c, table, Schema.REWRITTEN_BLOCK_TERM + " AND change_seq > ?", marks.rewritten())
          .getLong("pending");
    }
    return new JsonObject().put("watermark", marks.rewritten()).put("pending", pending);
  }

  /** The server half: its schema version and this device's blocks there, or the error line. */
  public static Future<JsonObject> server(Vertx vertx, StorageConfig config, String device) {
    Pool pool;
    try {
      pool = PgClients.pool(vertx, config.postgres());
    } catch (RuntimeException e) {
      return Future.succeededFuture(new JsonObject().put("reachable", false).put("error", e.getMessage()));
    }
    UUID id = device == null ? new UUID(0, 0) : UUID.fromString(device);
    return pool.query("SELECT version FROM skelly_schema").execute()
        .compose(v -> pool.preparedQuery("SELECT count(*), coalesce(sum(event_count), 0) FROM event_blocks"
            + " WHERE device_id = $1").execute(Tuple.of(id)).map(rows -> {
              Row r = rows.iterator().next();
              return new JsonObject().put("reachable", true)
                  .put("schemaVersion", v.iterator().next().getInteger(0))
                  .put("blocks", r.getLong(0)).put("events", r.getLong(1));
            }))
        .otherwise(err -> new JsonObject().put("reachable", false)
            .put("error", PgErrors.describe(err, config.postgres())))
        .eventually(pool::close);
  }
}
