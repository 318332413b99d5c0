package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.replicate.ReplicationReport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code replication-status}: how far this device's store is in PostgreSQL. */
@Command(name = "replication-status",
    header = "what of the local store is not yet in PostgreSQL, per table, and the last error",
    description = {"Reads the local database (read-only, safe while the module runs): per block day table the"
        + " replication watermark and the blocks and events not yet shipped, the device id, and the last"
        + " replication error the module recorded. With [postgres] enabled it also asks the server for its schema"
        + " version and this device's blocks there. Exit code 0 when nothing is pending, 1 otherwise. Last line"
        + " JSON."})
final class ReplicationStatusCommand implements Callable<Integer> {

  @Mixin
  DatabaseOptions database;

  @Override
  public Integer call() throws Exception {
    StorageConfig config = database.load();
    JsonObject report = ReplicationReport.local(config);
    if (config.postgres().enabled()) {
      Vertx vertx = Vertx.vertx();
      try {
        report.put("server", ReplicationReport.server(vertx, config, report.getString("device")).await());
      } finally {
        vertx.close().await();
      }
    }
    report.getJsonObject("tables").forEach(e -> System.err.println(e.getKey() + ": "
        + ((JsonObject) e.getValue()).encode()));
    if (report.getString("lastError") != null) {
      System.err.println("last error: " + report.getString("lastError"));
    }
    System.out.println(report.encode());
    return report.getLong("pendingEvents") == 0 ? 0 : 1;
  }
}
