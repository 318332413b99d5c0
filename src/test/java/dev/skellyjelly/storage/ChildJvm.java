package dev.skellyjelly.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A java process on the test classpath, for tests that must kill or halt a real process. */
public final class ChildJvm {
  private ChildJvm() {
  }

  /** Starts {@code mainClass} with {@code args}; stdout and stderr go to {@code log}. */
  public static Process start(Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  /** Runs to the end (at most two minutes) and returns the exit code. */
  public static int run(Path log, String mainClass, String... args) throws Exception {
    Process p = start(log, mainClass, args);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(mainClass + " did not finish in 2 minutes; output: " + output(log));
    }
    return p.exitValue();
  }

  public static String output(Path log) throws IOException {
    return java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
  }
}
