package dev.skellyjelly.storage.replicate;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * The shared PostgreSQL schema, versioned in {@code skelly_schema(version)} and migrated one step
 * per version at start, each step in one transaction under an advisory lock, so several devices
 * starting together migrate it once. A schema newer than this build is refused: replication stops
 * with a message, local capture goes on.
 *
 * <p>Every row carries its {@code device_id}. Event blocks and windows are range-partitioned by
 * UTC day of their start, aggregates and screenshot metadata by UTC month ({@link PgPartitions});
 * retention drops whole partitions.
 *
 * <p>Changelog:
 * <ul>
 *   <li>1 — devices (with their wrapped data keys), sessions, event_blocks (payload opaque: as
 *       stored on the device), event_aggregates_minute/hourly/daily, windows, screenshot_metadata.</li>
 *   <li>2 — session_seq_ranges: which sequence numbers of each device's sessions are stored on the
 *       device (as of the last shipped batch), one row per range; screenshot_metadata's
 *       window_title_sealed and app_name_sealed (BYTEA): an encrypted device's sealed titles as
 *       stored, the text columns then null (sealed bytes are not text).</li>
 * </ul>
 */
public final class PgSchema {

  public static final int CURRENT_VERSION = 2;
  /** Serialises schema and partition DDL of every device on one server. */
  static final long DDL_LOCK = 0x736b656c6c79L; // "skelly"

  private static final String COUNTS = "keystroke_count BIGINT NOT NULL, mouse_clicks BIGINT NOT NULL,"
      + " window_switches BIGINT NOT NULL, active_time_ms BIGINT NOT NULL, screenshot_count BIGINT NOT NULL";

  private static final List<String> V1 = List.of(
      // data_keys: the device's data keys wrapped under its key-encryption key (DeviceKeys), null
      // for a plaintext device; never a key in the clear.
      "CREATE TABLE devices (device_id UUID PRIMARY KEY, name TEXT NOT NULL,"
          + " first_seen TIMESTAMPTZ NOT NULL DEFAULT now(), last_seen TIMESTAMPTZ NOT NULL DEFAULT now(),"
          + " data_keys JSONB)",
      "CREATE TABLE sessions (device_id UUID NOT NULL, session_id UUID NOT NULL,"
          + " PRIMARY KEY (device_id, session_id))",
      // One block is (device, session, first sequence): a session's blocks hold disjoint sequences.
      "CREATE TABLE event_blocks (device_id UUID NOT NULL, session_id UUID NOT NULL,"
          + " start_us BIGINT NOT NULL, end_us BIGINT NOT NULL, first_seq BIGINT NOT NULL,"
          + " last_seq BIGINT NOT NULL, event_count INTEGER NOT NULL, type_mask INTEGER NOT NULL,"
          + " sealed BOOLEAN NOT NULL, payload BYTEA NOT NULL,"
          + " PRIMARY KEY (device_id, session_id, first_seq, start_us)) PARTITION BY RANGE (start_us)",
      "CREATE INDEX event_blocks_start ON event_blocks (start_us)",
      "CREATE TABLE event_aggregates_minute (device_id UUID NOT NULL, minute_start_us BIGINT NOT NULL, "
          + COUNTS + ", active_seconds_mask BIGINT NOT NULL, PRIMARY KEY (device_id, minute_start_us))"
          + " PARTITION BY RANGE (minute_start_us)",
      "CREATE TABLE event_aggregates_hourly (device_id UUID NOT NULL, hour_start_us BIGINT NOT NULL, "
          + COUNTS + ", PRIMARY KEY (device_id, hour_start_us)) PARTITION BY RANGE (hour_start_us)",
      "CREATE TABLE event_aggregates_daily (device_id UUID NOT NULL, day_start_us BIGINT NOT NULL, "
          + COUNTS + ", PRIMARY KEY (device_id, day_start_us)) PARTITION BY RANGE (day_start_us)",
      "CREATE TABLE windows (device_id UUID NOT NULL, window_id UUID NOT NULL, start_us BIGINT NOT NULL,"
          + " end_us BIGINT NOT NULL, event_count INTEGER NOT NULL, members BYTEA NOT NULL,"
          + " screenshot_refs BYTEA NOT NULL, PRIMARY KEY (device_id, window_id, start_us))"
          + " PARTITION BY RANGE (start_us)",
      "CREATE INDEX windows_start ON windows (start_us)",
      // Text fields as stored on the device: ciphertext there when its encryption is on.
      "CREATE TABLE screenshot_metadata (device_id UUID NOT NULL, screenshot_id UUID NOT NULL,"
          + " timestamp_us BIGINT NOT NULL, session_id UUID NOT NULL, sequence BIGINT NOT NULL,"
          + " window_title TEXT NOT NULL, app_name TEXT NOT NULL, region_x INTEGER NOT NULL,"
          + " region_y INTEGER NOT NULL, region_width INTEGER NOT NULL, region_height INTEGER NOT NULL,"
          + " width INTEGER NOT NULL, height INTEGER NOT NULL, format TEXT NOT NULL, size_bytes BIGINT NOT NULL,"
          + " storage TEXT NOT NULL, text_density DOUBLE PRECISION, ui_element_count INTEGER,"
          + " dominant_colors TEXT, privacy_masked BOOLEAN NOT NULL, analysis_error TEXT,"
          + " masked_regions INTEGER, masked_kinds TEXT, PRIMARY KEY (device_id, screenshot_id, timestamp_us))"
          + " PARTITION BY RANGE (timestamp_us)",
      "CREATE INDEX screenshot_metadata_time ON screenshot_metadata (timestamp_us)");

  private static final List<String> V2 = List.of(
      "CREATE TABLE session_seq_ranges (device_id UUID NOT NULL, session_id UUID NOT NULL, lo BIGINT NOT NULL,"
          + " hi BIGINT NOT NULL, PRIMARY KEY (device_id, session_id, lo))",
      "ALTER TABLE screenshot_metadata ALTER COLUMN window_title DROP NOT NULL,"
          + " ALTER COLUMN app_name DROP NOT NULL, ADD COLUMN window_title_sealed BYTEA,"
          + " ADD COLUMN app_name_sealed BYTEA");

  private PgSchema() {
  }

  /** Thrown when the server holds a schema this build does not know. */
  public static final class NewerSchemaException extends RuntimeException {
    NewerSchemaException(int found) {
      super("the PostgreSQL schema is version " + found + ", newer than this build understands ("
          + CURRENT_VERSION + "); replication is stopped (local capture goes on): upgrade this storage module");
    }
  }

  /** Brings the server's schema to {@link #CURRENT_VERSION}; fails with {@link NewerSchemaException}. */
  public static Future<Integer> migrate(Pool pool) {
    return migrate(pool, CURRENT_VERSION);
  }

  /** Brings the server's schema to {@code target} (tests start from an older version with it). */
  static Future<Integer> migrate(Pool pool, int target) {
    return pool.withTransaction(c -> lock(c)
        .compose(v -> c.query("CREATE TABLE IF NOT EXISTS skelly_schema (version INTEGER NOT NULL)").execute())
        .compose(v -> c.query("SELECT version FROM skelly_schema").execute())
        .compose(rows -> {
          int version = rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0);
          if (version > CURRENT_VERSION) {
            return Future.failedFuture(new NewerSchemaException(version));
          }
          Future<Void> steps = rows.size() == 0
              ? c.query("INSERT INTO skelly_schema VALUES (0)").execute().mapEmpty()
              : Future.succeededFuture();
          for (int next = version + 1; next <= target; next++) {
            int step = next;
            steps = steps.compose(v -> step(c, step));
          }
          return steps.map(v -> Math.max(version, target));
        }));
  }

  private static Future<Void> step(SqlConnection c, int version) {
    List<String> sql = switch (version) {
      case 1 -> V1;
      case 2 -> V2;
      default -> throw new IllegalStateException("no PostgreSQL migration to version " + version);
    };
    Future<Void> f = Future.succeededFuture();
    for (String statement : sql) {
      f = f.compose(v -> c.query(statement).execute().mapEmpty());
    }
    return f.compose(v -> c.preparedQuery("UPDATE skelly_schema SET version = $1")
        .execute(Tuple.of(version)).mapEmpty());
  }

  /** Takes the DDL advisory lock for the current transaction. */
  static Future<Void> lock(SqlConnection c) {
    return c.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(DDL_LOCK)).mapEmpty();
  }
}
