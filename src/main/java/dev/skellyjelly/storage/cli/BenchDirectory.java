package dev.skellyjelly.storage.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A benchmark's {@code --dir}: its scratch directory, {@code data/<command>} unless given. */
final class BenchDirectory {

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "data/${COMMAND-NAME}",
      description = "Scratch directory, emptied first: only a new or empty one, or one an earlier benchmark made."
          + " Default: ${DEFAULT-VALUE}.")
  Path dir;

  /** The directory as an absolute path. */
  Path path() {
    return dir.toAbsolutePath();
  }
}
