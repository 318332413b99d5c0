package dev.skellyjelly.storage.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A storage.toml for a throw-away cluster of launcher processes (benchmarks, tests): the data
 * under one directory, HTTP off, and a cluster name of its own, so it never joins — or takes
 * events from — another cluster on the same host.
 */
final class ClusterConfigFile {
  private ClusterConfigFile() {
  }

  /**
   * Writes the file; {@code storageLines} are added to its [storage] table.
   *
   * @return {@code file}
   */
  static Path write(Path file, Path dataDir, Path hazelcastXml, String... storageLines)
      throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "[storage]",
        "database_path = \"" + dataDir.resolve("events.db") + "\"",
        "screenshot_dir = \"" + dataDir.resolve("shots") + "\"",
        "backup_dir = \"" + dataDir.resolve("backups") + "\"",
        "backup_interval_hours = 0"));
    lines.addAll(List.of(storageLines));
    lines.addAll(List.of(
        "[http]",
        "enabled = false",
        "[cluster]",
        "name = \"throwaway-" + UUID.randomUUID() + "\"",
        "hazelcast_config = \"" + hazelcastXml.toAbsolutePath() + "\"",
        ""));
    Files.writeString(file, String.join("\n", lines));
    return file;
  }
}
