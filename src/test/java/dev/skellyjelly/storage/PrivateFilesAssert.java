package dev.skellyjelly.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/** Assertions on what a user finds on disk: private modes, no leftovers. */
public final class PrivateFilesAssert {

  /** A pid no process can have (above Linux's pid_max), for files "left by a killed run". */
  public static final long DEAD_PID = 2_000_000_000L;

  private PrivateFilesAssert() {
  }

  /** Every file below {@code root} is 600 and every directory below it 700. */
  public static void assertPrivateTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.filter(p -> !p.equals(root)).toList()) {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode, p + " is " + mode);
      }
    }
  }

  /** The names of the files below {@code root} that contain {@code part}. */
  public static List<String> filesNamed(Path root, String part) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.map(p -> p.getFileName().toString()).filter(n -> n.contains(part)).toList();
    }
  }
}
