package dev.skellyjelly.storage.cli;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A launcher command in a JVM of its own (same Java, class path and JVM options as this one), for
 * benchmarks that need separate processes: its output read line by line, its CPU time and
 * resident memory read from {@code /proc}.
 */
final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final List<String> err = new CopyOnWriteArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();
  private volatile Watch watch;

  private record Watch(String text, CompletableFuture<Void> seen) {
  }

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    pump(process.getInputStream(), out);
    pump(process.getErrorStream(), err);
  }

  /** Starts {@code Main} with {@code args} in a new JVM. */
  static ChildJvm start(String name, List<String> args) throws IOException {
    return start(name, List.of(), args);
  }

  /** The same, with {@code jvmOptions} after this JVM's own (so they win, e.g. {@code -Xmx}). */
  static ChildJvm start(String name, List<String> jvmOptions, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!option.startsWith("-agentlib") && !option.startsWith("-javaagent")) {
        command.add(option); // the launcher's --add-opens, -Xmx, ...
      }
    }
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    return new ChildJvm(name, new ProcessBuilder(command).start());
  }

  private void pump(java.io.InputStream stream, List<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
          Watch w = watch;
          if (w != null && line.contains(w.text)) {
            w.seen.complete(null);
          }
        }
      } catch (IOException e) {
        // the process is gone; what it printed is kept
      }
    }, name + "-output");
    t.setDaemon(true);
    t.start();
    pumps.add(t);
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the process prints a line (stdout or stderr) containing {@code text}. */
  void awaitLine(String text, long seconds) throws Exception {
    Watch w = new Watch(text, new CompletableFuture<>());
    watch = w;
    if (out.stream().anyMatch(l -> l.contains(text)) || err.stream().anyMatch(l -> l.contains(text))) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      stopIfAsked();
      try {
        w.seen.get(200, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(name + " did not print '" + text + "' within " + seconds
              + " s; its last output:\n" + tail());
        }
      }
    }
  }

  /** Waits for the exit; the last stdout line, which must be JSON. */
  JsonObject result(long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
      stopIfAsked();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not finish within " + seconds + " s:\n" + tail());
      }
    }
    for (Thread t : pumps) {
      t.join(10_000);
    }
    String last = out.isEmpty() ? "" : out.get(out.size() - 1);
    if (!last.startsWith("{")) {
      throw new IllegalStateException(name + " exited " + process.exitValue()
          + " without a JSON result:\n" + tail());
    }
    return new JsonObject(last);
  }

  /** On a stop request, stops the child too (its own clean stop) and throws {@code Stopped}. */
  private void stopIfAsked() throws InterruptedException {
    if (StopSignals.requested()) {
      process.toHandle().destroy();
      process.waitFor(StopSignals.DEADLINE_SECONDS / 2, TimeUnit.SECONDS);
      StopSignals.check();
    }
  }

  /** User + system CPU seconds the process has used so far (Linux {@code /proc}). */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    return ticks / (double) clockTicksPerSecond();
  }

  /** Peak resident memory so far, MiB ({@code VmHWM}). */
  double peakRssMb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IOException("no VmHWM in /proc/" + pid() + "/status");
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL (kill -9), then waits for the exit. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends SIGTERM and returns at once. */
  void sigterm() {
    process.toHandle().destroy();
  }

  /** Waits at most {@code seconds} for the exit; its code, or -1 if still running. */
  int awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  /** How many lines printed so far (stdout or stderr) contain {@code text}. */
  long linesContaining(String text) {
    return out.stream().filter(l -> l.contains(text)).count()
        + err.stream().filter(l -> l.contains(text)).count();
  }

  /** Everything printed so far, stderr then stdout. */
  String output() {
    return tail();
  }

  /** SIGTERM, then waits for the exit. */
  int terminate(long seconds) throws Exception {
    process.toHandle().destroy();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " did not stop within " + seconds + " s of SIGTERM");
    }
    return process.exitValue();
  }

  private String tail() {
    List<String> all = new ArrayList<>(err);
    all.addAll(out);
    return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
  }

  private static long clockTicks;

  /** The unit of /proc's CPU times ({@code getconf CLK_TCK}, USER_HZ). */
  private static synchronized long clockTicksPerSecond() throws IOException {
    if (clockTicks == 0) {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      String value = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      try {
        getconf.waitFor(10, TimeUnit.SECONDS);
        clockTicks = Long.parseLong(value);
      } catch (InterruptedException | NumberFormatException e) {
        throw new IOException("cannot read the clock tick rate from 'getconf CLK_TCK' (got '"
            + value + "'): " + e.getMessage(), e);
      }
    }
    return clockTicks;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
