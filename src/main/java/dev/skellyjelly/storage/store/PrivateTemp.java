package dev.skellyjelly.storage.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary files of the tools (export, backup, restore): created 600 inside a 700 directory
 * from the first byte, named {@code <base>.<pid>.tmp} so that the next run of the same command
 * can tell a file left by a killed process (its pid is gone) from one a live run is writing.
 */
public final class PrivateTemp {

  private static final Pattern OWNER = Pattern.compile("\\.(\\d+)\\.tmp(-journal|-wal|-shm)?$");

  private PrivateTemp() {
  }

  /** A new empty 600 file {@code <dir>/<base>.<this pid>.tmp}; an old one of that name is replaced. */
  public static Path create(Path dir, String base) throws IOException {
    SqliteFiles.ensurePrivateDirectory(dir);
    Path temp = dir.resolve(base + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(temp);
    Files.createFile(temp, PosixFilePermissions.asFileAttribute(SqliteFiles.PRIVATE_FILE));
    return temp;
  }

  /**
   * Deletes the temp files {@code <base>.<pid>.tmp} in {@code dir} whose base matches the glob
   * {@code baseGlob} and whose process is no longer alive (SQLite's {@code -journal}, {@code -wal}
   * and {@code -shm} files of such a temp included).
   *
   * @return the files deleted
   */
  public static List<Path> removeStale(Path dir, String baseGlob) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, baseGlob + ".*.tmp*")) {
      for (Path file : files) {
        Matcher m = OWNER.matcher(file.getFileName().toString());
        if (m.find() && !alive(Long.parseLong(m.group(1))) && Files.deleteIfExists(file)) {
          removed.add(file);
        }
      }
    }
    return removed;
  }

  private static boolean alive(long pid) {
    return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** {@code literal} as a glob matching only itself. */
  public static String literal(String literal) {
    return literal.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
  }
}
