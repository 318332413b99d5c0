package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.replicate.SharedStats;
import dev.skellyjelly.storage.store.Stats;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stats}: what the database holds ({@link Stats}), or the shared PostgreSQL store. */
@Command(name = "stats",
    header = "print what the database holds, as JSON (read-only, safe while the module runs)",
    description = {"One JSON object: events, blocks, windows, screenshots (metadata rows), sessions, oldest/newest"
        + " event time, dbBytes (file plus WAL); salvage: what was saved and lost when a damaged database was"
        + " replaced at start (null if never), quarantined: the damaged files kept aside."})
final class StatsCommand implements Callable<Integer> {

  @Option(names = "--from-postgres", description = "The shared store of the configuration's [postgres] server"
      + " instead: events, blocks, sessions, windows and time span per device.")
  boolean fromPostgres;

  @Mixin
  DatabaseOptions database;

  @Override
  public Integer call() throws Exception {
    StorageConfig config = database.load();
    if (fromPostgres) {
      Vertx vertx = Vertx.vertx();
      try {
        System.out.println(SharedStats.of(vertx, config).await().encode());
      } finally {
        vertx.close().await();
      }
      return 0;
    }
    System.out.println(Stats.of(config.databasePath()).encode());
    return 0;
  }
}
