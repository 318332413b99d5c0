package dev.skellyjelly.storage.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import io.vertx.core.json.JsonObject;

/** The benchmarks' scratch directories. */
final class BenchFiles {
  private BenchFiles() {
  }

  /** Deletes {@code dir} with everything in it and creates it again, empty. */
  static void emptyDirectory(Path dir) throws IOException {
    deleteDirectory(dir);
    Files.createDirectories(dir);
  }

  /** Deletes {@code dir} with everything in it, if it exists. */
  static void deleteDirectory(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * Runs a benchmark. Stopped by SIGINT/SIGTERM, it leaves no partial figures and no scratch
   * databases: the directory is removed and the last stdout line says the run was stopped.
   */
  static int stoppable(String command, Path dir, Callable<Integer> benchmark) throws Exception {
    try {
      return benchmark.call();
    } catch (Exception e) {
      StopSignals.Stopped stopped = StopSignals.stoppedIn(e);
      if (stopped == null) {
        throw e;
      }
      deleteDirectory(dir);
      System.err.println(command + ": " + stopped.getMessage() + "; removed " + dir);
      System.out.println(new JsonObject().put("command", command).put("stopped", stopped.signal)
          .put("completed", false).put("removed", dir.toString()).encode());
      return 0;
    }
  }
}
