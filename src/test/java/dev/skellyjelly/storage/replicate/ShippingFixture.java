package dev.skellyjelly.storage.replicate;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** One device's local database and a fresh database on the test server, for shipping tests. */
abstract class ShippingFixture {

  @TempDir
  Path dir;
  Vertx vertx;
  Pool pool;
  String database;
  Path db;
  final UUID device = UUID.randomUUID();

  @BeforeEach
  void startShipping() {
    vertx = Vertx.vertx();
    database = TestPostgres.get().createDatabase();
    pool = PgTestSupport.pool(vertx, database);
    db = dir.resolve("events.db");
  }

  @AfterEach
  void stopShipping() {
    pool.close().await();
    vertx.close().await();
  }

  /** Ships every batch of {@link #db} after {@code marks}; returns the marks after the last. */
  Watermarks shipAll(Watermarks marks, long batchEvents) throws Exception {
    return PgTestSupport.shipAll(pool, db, device, marks, batchEvents);
  }
}
