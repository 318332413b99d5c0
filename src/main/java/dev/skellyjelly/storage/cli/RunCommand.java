package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: the module as a service, until SIGINT/SIGTERM. */
@Command(name = "run",
    header = "run the storage module with conf/storage.toml until stopped (Ctrl-C)",
    description = {"Runs the module: receives events on storage.events.raw, emits windows on analysis.event-batches"
        + " and stores events in the SQLite file named by storage.database_path. Stops cleanly on Ctrl-C / SIGTERM"
        + " (open window emitted, write buffer committed, durable senders answered, held screenshots deleted),"
        + " prints JSON with \"stopped\" and exits 0; a second signal exits at once with 130."})
final class RunCommand implements Callable<Integer> {

  @Mixin
  ConfigOption configOption;

  @Option(names = "--cluster", description = "Join the clustered event bus (Hazelcast, conf/cluster.xml), as"
      + " cluster.enabled = true does.")
  boolean cluster;

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  /** What a person checks first in the log: which files, which ports, which features. */
  static String banner(Path configFile, StorageConfig config) {
    return String.join("\n",
        "Skelly-Jelly Storage is running",
        "  config       " + configFile.toAbsolutePath(),
        "  database     " + config.databasePath() + " (synchronous=" + config.synchronous() + ")",
        "  screenshots  " + config.screenshotDir(),
        "  http         " + (config.http().enabled()
            ? "http://" + config.http().host() + ":" + config.http().port() + "/  (/metrics /health /ready)"
            : "off"),
        "  event bus    " + (config.cluster().enabled()
            ? "clustered (" + config.cluster().hazelcastConfig() + ")" : "local"),
        "  dev mode     " + (config.devMode()
            ? "ON: keeps the last " + config.devModeScreenshotCount() + " screenshots" : "off"),
        "  backups      " + (config.scheduledBackups()
            ? "every " + config.backupInterval().toHours() + " h to " + config.backupDir() : "off"));
  }

  @Override
  public Integer call() throws Exception {
    Path configFile = configOption.file;
    var json = ConfigFiles.loadJson(configFile, j -> { }, ConfigFiles.MODULE_KEYS);
    if (cluster) {
      ConfigFiles.table(json, "cluster").put("enabled", true);
    }
    StorageConfig config = StorageConfig.fromJson(json);
    ModuleHost host = ModuleHost.start(config);
    LOG.info(banner(configFile, config));
    String signal;
    try {
      StopSignals.await(0);
      signal = StopSignals.onStop().getNow("");
      LOG.info(signal + ": stopping — emitting the open window, committing the write buffer,"
          + " answering durable senders, deleting held screenshots");
    } finally {
      host.close();
    }
    System.out.println(new io.vertx.core.json.JsonObject().put("stopped", signal)
        .put("config", configFile.toAbsolutePath().toString()).encode());
    return 0;
  }
}
