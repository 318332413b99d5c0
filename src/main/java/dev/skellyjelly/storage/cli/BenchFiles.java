package dev.skellyjelly.storage.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The benchmarks' scratch directories. */
final class BenchFiles {
  private BenchFiles() {
  }

  /** Deletes {@code dir} with everything in it and creates it again, empty. */
  static void emptyDirectory(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
  }
}
