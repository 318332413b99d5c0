package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.store.DeviceKeys;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** The {@code devices} rows of PostgreSQL: who ships, under which name, with which wrapped data keys. */
final class PgDevices {

  private PgDevices() {
  }

  /**
   * Registers {@code device} (name refreshed, last seen now) with its wrapped data keys
   * ({@code keys}: null for a plaintext database). Wrapped keys the server holds and the device no
   * longer does are kept: a key retired by a local re-encryption may still seal blocks shipped
   * before it.
   */
  static Future<Void> register(Pool pool, UUID device, String name, DeviceKeys keys) {
    return pool.preparedQuery("INSERT INTO devices (device_id, name, data_keys) VALUES ($1, $2, $3::jsonb)"
        + " ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, last_seen = now(),"
        + " data_keys = CASE WHEN excluded.data_keys IS NULL THEN devices.data_keys"
        + " ELSE excluded.data_keys || jsonb_build_object('keys',"
        + " coalesce(devices.data_keys -> 'keys', '{}'::jsonb) || (excluded.data_keys -> 'keys')) END")
        .execute(Tuple.of(device, name, keys == null ? null : keys.toJson())).mapEmpty();
  }
}
