package dev.skellyjelly.storage.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A [postgres] table pointing at a fresh database of the test server, and comparisons of both stores. */
final class PgTestSupport {

  private PgTestSupport() {
  }

  static JsonObject postgresTable(String database) {
    TestPostgres pg = TestPostgres.get();
    return new JsonObject().put("enabled", true).put("host", pg.host()).put("port", pg.port())
        .put("database", database).put("user", pg.user()).put("password", pg.password())
        .put("ssl_mode", "disable").put("stop_deadline_seconds", 10);
  }

  static StorageConfig.Postgres postgres(String database) {
    return StorageConfig.fromJson(new JsonObject().put("postgres", postgresTable(database))).postgres();
  }

  static Pool pool(Vertx vertx, String database) {
    return PgClients.pool(vertx, postgres(database));
  }

  /** Rows of a local query, each as a list of column values rendered as text. */
  static List<List<String>> localRows(Path db, String sql) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = SqliteFiles.openReader(db); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** Rows of a query on the test server, as psql prints them (columns separated by '|'). */
  static List<List<String>> pgRows(String database, String sql) {
    String out = TestPostgres.get().psql(database, sql);
    List<List<String>> rows = new ArrayList<>();
    if (out.isEmpty()) {
      return rows;
    }
    for (String line : out.split("\n")) {
      rows.add(List.of(line.split("\\|", -1)));
    }
    return rows;
  }

  /**
   * Ships every batch of {@code db} after {@code marks} as {@code device} (schema migrated, device
   * registered first); returns the marks after the last batch.
   */
  static Watermarks shipAll(Pool pool, Path db, UUID device, Watermarks marks, long batchEvents) throws Exception {
    PgShipper shipper = new PgShipper(pool, new PgPartitions(pool), device);
    PgSchema.migrate(pool).await();
    try (Connection c = SqliteFiles.openReader(db)) {
      PgDevices.register(pool, device, "test-device", dev.skellyjelly.storage.store.DeviceKeys.read(c)).await();
      LocalChanges changes = new LocalChanges(c);
      while (true) {
        LocalChanges.Batch batch = changes.next(marks, batchEvents);
        if (batch.isEmpty()) {
          assertEquals(0, batch.pendingEvents(), "nothing pending once a read finds nothing new");
          return marks;
        }
        shipper.ship(batch).await();
        marks = batch.marks();
      }
    }
  }

  static long pgLong(String database, String sql) {
    String out = TestPostgres.get().psql(database, sql);
    return out.isEmpty() ? 0 : Long.parseLong(out.trim());
  }
}
