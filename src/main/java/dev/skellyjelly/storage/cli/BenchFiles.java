package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.store.DatabaseLock;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The benchmarks' scratch directories. A benchmark empties its {@code --dir} before it runs, so
 * it claims only a directory that is new, empty, or marked as a bench directory by an earlier
 * run — and never one where a module holds a database's lock. A mistyped {@code --dir} pointing
 * at real data is refused, not wiped.
 */
final class BenchFiles {
  static final String MARK = ".skelly-jelly-bench";

  private BenchFiles() {
  }

  /** Deletes {@code dir} with everything in it and creates it again, empty (700) and marked. */
  static void emptyDirectory(Path dir) throws IOException {
    deleteDirectory(dir);
    claim(dir);
  }

  /** Deletes {@code dir} with everything in it, if it exists and a benchmark made it. */
  static void deleteDirectory(Path dir) throws IOException {
    if (Files.exists(dir)) {
      refuseUnlessOurs(dir);
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** Creates {@code dir} (700) if needed and marks it; refuses a directory that is not ours. */
  static void claim(Path dir) throws IOException {
    if (Files.exists(dir)) {
      refuseUnlessOurs(dir);
    }
    SqliteFiles.ensurePrivateDirectory(dir);
    Path mark = dir.resolve(MARK);
    if (!Files.exists(mark)) {
      Files.createFile(mark, PosixFilePermissions.asFileAttribute(SqliteFiles.PRIVATE_FILE));
    }
  }

  private static void refuseUnlessOurs(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new UsageException("--dir " + dir + " is not a directory; pass a new directory");
    }
    List<Path> entries;
    try (var list = Files.list(dir)) {
      entries = list.toList();
    }
    if (!entries.isEmpty() && !Files.exists(dir.resolve(MARK))) {
      throw new UsageException("--dir " + dir + " holds files a benchmark did not create (no "
          + MARK + " mark); benchmarks empty their directory, so pass a new or empty one");
    }
    for (Path p : entries) {
      if (p.getFileName().toString().endsWith(".db")) {
        try (DatabaseLock lock = DatabaseLock.tryAcquire(p)) {
          if (lock == null) {
            throw new UsageException("a storage module is running against " + p
                + "; stop it before a benchmark reuses --dir " + dir);
          }
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

  /** CPU time this process has used so far (all threads, GC and JIT included), in nanoseconds. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The database file's size once the WAL is folded back in, so every side is measured alike. */
  static long checkpointedSize(Path db) throws IOException {
    try (java.sql.Connection c = SqliteFiles.openWriter(db, "NORMAL"); java.sql.Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot checkpoint " + db + ": " + e.getMessage(), e);
    }
    return Files.size(db);
  }
}
