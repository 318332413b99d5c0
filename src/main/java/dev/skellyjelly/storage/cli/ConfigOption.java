package dev.skellyjelly.storage.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}: the TOML configuration, the same default for every command. */
final class ConfigOption {

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "conf/storage.toml",
      description = "TOML configuration. Default: ${DEFAULT-VALUE}.")
  Path file;
}
