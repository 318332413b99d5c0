package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/** What the shared PostgreSQL store holds, per device and in total ({@code stats --from-postgres}). */
public final class SharedStats {

  private SharedStats() {
  }

  public static Future<JsonObject> of(Vertx vertx, StorageConfig config) {
    Pool pool = PgClients.pool(vertx, config.postgres());
    String sql = "SELECT d.device_id, d.name, coalesce(b.events, 0), coalesce(b.blocks, 0), b.oldest, b.newest,"
        + " (SELECT count(*) FROM sessions s WHERE s.device_id = d.device_id),"
        + " (SELECT count(*) FROM windows w WHERE w.device_id = d.device_id)"
        + " FROM devices d LEFT JOIN (SELECT device_id, sum(event_count) AS events, count(*) AS blocks,"
        + " min(start_us) AS oldest, max(end_us) AS newest FROM event_blocks GROUP BY device_id) b"
        + " ON b.device_id = d.device_id ORDER BY d.name, d.device_id";
    return pool.query(sql).execute().map(rows -> {
      JsonArray devices = new JsonArray();
      long events = 0;
      long blocks = 0;
      for (Row r : rows) {
        events += r.getLong(2);
        blocks += r.getLong(3);
        devices.add(new JsonObject().put("device", r.getUUID(0).toString()).put("name", r.getString(1))
            .put("events", r.getLong(2)).put("blocks", r.getLong(3))
            .put("oldestEvent", r.getLong(4) == null ? null : Instant.ofEpochSecond(0, r.getLong(4) * 1000).toString())
            .put("newestEvent", r.getLong(5) == null ? null : Instant.ofEpochSecond(0, r.getLong(5) * 1000).toString())
            .put("sessions", r.getLong(6)).put("windows", r.getLong(7)));
      }
      return new JsonObject().put("server", config.postgres().toString()).put("events", events)
          .put("blocks", blocks).put("devices", devices);
    }).recover(err -> Future.failedFuture(new IllegalStateException(PgErrors.describe(err, config.postgres()), err)))
        .eventually(pool::close);
  }
}
