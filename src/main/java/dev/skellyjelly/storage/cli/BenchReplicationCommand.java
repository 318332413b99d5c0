package dev.skellyjelly.storage.cli;

import static dev.skellyjelly.storage.cli.BenchFigures.round;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.LiveCapture;
import dev.skellyjelly.storage.replicate.LocalChanges;
import dev.skellyjelly.storage.replicate.PgClients;
import dev.skellyjelly.storage.replicate.PgPartitions;
import dev.skellyjelly.storage.replicate.PgSchema;
import dev.skellyjelly.storage.replicate.PgShipper;
import dev.skellyjelly.storage.replicate.Watermarks;
import dev.skellyjelly.storage.store.BlockMerger;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.Maintenance;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-replication}: how fast a backlog reaches PostgreSQL. Live-like input is committed
 * once a second (small fresh blocks) and shipped into an empty database; then merged and shipped
 * again into another; the baseline, measured in the same run, is a plain batched insert of the same
 * merged rows into an unpartitioned table without keys — what this server and client take at all.
 */
@Command(name = "bench-replication",
    header = "replication throughput into PostgreSQL: fresh blocks/s, merged backlog events/s",
    description = {"Needs a PostgreSQL server: the [postgres] table of the config (or SKELLY_POSTGRES_*); its user"
        + " must be allowed to CREATE DATABASE. Creates (and drops again) the databases skelly_bench_fresh,"
        + " skelly_bench_merged and skelly_bench_baseline. N people for H hours of live-like input, committed once"
        + " a second; shipped as fresh blocks, then merged and shipped again. Last line JSON: events, freshBlocks,"
        + " freshBlocksPerSec, freshEventsPerSec, mergedBlocks, mergedEventsPerSec, baselineEventsPerSec,"
        + " mergedRatio."})
final class BenchReplicationCommand implements Callable<Integer> {

  @Option(names = "--sessions", paramLabel = "N", defaultValue = "10",
      description = "Capture sessions. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 1000)
  int sessions;

  @Option(names = "--hours", paramLabel = "H", defaultValue = "2",
      description = "Hours of input. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 48)
  int hours;

  @Mixin
  BenchDirectory benchDirectory;

  @Mixin
  DatabaseOptions database;

  private static final long HOUR = Maintenance.HOUR_MICROS;
  /** 2026-11-10T00:00:00Z */
  private static final long START = 1_794_268_800_000_000L;

  @Override
  public Integer call() throws Exception {
    StorageConfig config = database.load();
    Path dir = benchDirectory.path();
    BenchFiles.emptyDirectory(dir);
    Path db = dir.resolve("events.db");
    long events;
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      events = new LiveCapture(sessions, START).write(store, START + hours * HOUR, 1_000_000L, e -> { });
    }
    long freshBlocks = countBlocks(db);
    System.err.printf("%d events in %d fresh blocks%n", events, freshBlocks);
    Vertx vertx = Vertx.vertx();
    try {
      double freshSeconds = ship(vertx, config, db, "skelly_bench_fresh", config.postgres().batchEvents());
      try (Connection c = SqliteFiles.openWriter(db, "NORMAL")) {
        BlockMerger merger = new BlockMerger(c);
        while (merger.merge(START + (hours + 1) * HOUR, 1_000_000).more()) {
          // merge every ended hour
        }
      }
      long mergedBlocks = countBlocks(db);
      double mergedSeconds = ship(vertx, config, db, "skelly_bench_merged", config.postgres().batchEvents());
      double baselineSeconds = baseline(vertx, config, db);
      JsonObject result = new JsonObject().put("events", events).put("freshBlocks", freshBlocks)
          .put("freshSeconds", round(freshSeconds)).put("freshBlocksPerSec", Math.round(freshBlocks / freshSeconds))
          .put("freshEventsPerSec", Math.round(events / freshSeconds)).put("mergedBlocks", mergedBlocks)
          .put("mergedSeconds", round(mergedSeconds)).put("mergedEventsPerSec", Math.round(events / mergedSeconds))
          .put("baselineEventsPerSec", Math.round(events / baselineSeconds))
          .put("mergedRatio", round(baselineSeconds / mergedSeconds));
      System.out.println(result.encode());
    } finally {
      vertx.close().await();
    }
    return 0;
  }


  private static long countBlocks(Path db) throws Exception {
    try (Connection c = SqliteFiles.openReader(db); var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM event_blocks")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** A fresh, empty database named {@code name} on the configured server, and a pool on it. */
  private static Pool freshDatabase(Vertx vertx, StorageConfig config, String name) {
    Pool admin = PgClients.pool(vertx, withDatabase(config, "postgres"));
    try {
      admin.query("DROP DATABASE IF EXISTS " + name).execute().await();
      admin.query("CREATE DATABASE " + name).execute().await();
    } finally {
      admin.close().await();
    }
    return PgClients.pool(vertx, withDatabase(config, name));
  }

  private static StorageConfig.Postgres withDatabase(StorageConfig config, String database) {
    StorageConfig.Postgres p = config.postgres();
    return new StorageConfig.Postgres(true, p.host(), p.port(), database, p.user(), p.password(), p.passwordFile(),
        p.sslMode(), p.poolSize(), p.batchEvents(), p.stopDeadline());
  }

  /** Seconds to ship every block of {@code db}, from the first read to the last commit. */
  private static double ship(Vertx vertx, StorageConfig config, Path db, String database, long batchEvents)
      throws Exception {
    Pool pool = freshDatabase(vertx, config, database);
    try (Connection c = SqliteFiles.openReader(db)) {
      PgSchema.migrate(pool).await();
      PgShipper shipper = new PgShipper(pool, new PgPartitions(pool), UUID.randomUUID());
      LocalChanges changes = new LocalChanges(c);
      Watermarks marks = new Watermarks();
      long t0 = System.nanoTime();
      LocalChanges.Batch batch;
      while (!(batch = changes.next(marks, batchEvents)).isEmpty()) {
        shipper.ship(batch).await();
        marks = batch.marks();
      }
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pool.close().await();
    }
  }

  /** The same (merged) block rows, batched plain inserts into a table without partitions or keys. */
  private static double baseline(Vertx vertx, StorageConfig config, Path db) throws Exception {
    Pool pool = freshDatabase(vertx, config, "skelly_bench_baseline");
    try (Connection c = SqliteFiles.openReader(db)) {
      pool.query("CREATE TABLE blocks (device_id UUID, session_id UUID, start_us BIGINT, end_us BIGINT,"
          + " first_seq BIGINT, last_seq BIGINT, event_count INTEGER, type_mask INTEGER, sealed BOOLEAN,"
          + " payload BYTEA)").execute().await();
      LocalChanges.Batch batch = new LocalChanges(c).next(new Watermarks(), Long.MAX_VALUE);
      UUID device = UUID.randomUUID();
      List<Tuple> rows = new ArrayList<>();
      for (LocalChanges.Block b : batch.blocks()) {
        rows.add(Tuple.from(new Object[] {device, b.session(), b.startMicros(), b.endMicros(), b.firstSeq(),
            b.lastSeq(), b.eventCount(), b.typeMask(), b.sealed(), Buffer.buffer(b.payload())}));
      }
      long t0 = System.nanoTime();
      pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO blocks VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
          .executeBatch(rows)).await();
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pool.close().await();
    }
  }
}
