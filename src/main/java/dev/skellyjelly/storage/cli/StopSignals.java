package dev.skellyjelly.storage.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM for the launcher's long-running commands. The first signal asks the running
 * command to stop cleanly — commit what is staged, answer durable senders, record the open
 * window, remove scratch files, print its summary — and exit 0; a second signal exits at once
 * with 130. A stop that has not finished after {@link #DEADLINE_SECONDS} exits with 1 rather than
 * hang. Shutdown hooks cannot do this: the JVM exits 143 after them and ignores a second signal.
 *
 * <p>Signals belong to the process, so this is process-wide state, installed once by
 * {@link Main#main}; a command run in-process without it just never sees a stop request.
 */
final class StopSignals {

  /** How long a clean stop may take before the process exits anyway. */
  static final long DEADLINE_SECONDS = 20;

  private static final CompletableFuture<String> REQUESTED = new CompletableFuture<>();

  private StopSignals() {
  }

  /** Handles INT and TERM from now on. */
  static void install() {
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> onSignal("SIG" + signal.getName()));
    }
  }

  private static void onSignal(String name) {
    if (!REQUESTED.complete(name)) {
      System.err.println(name + " again: exiting now, without a clean stop");
      Runtime.getRuntime().halt(130);
    }
    System.err.println(name + ": stopping cleanly (send it again to exit at once)");
    Thread deadline = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("the clean stop did not finish within " + DEADLINE_SECONDS
          + " s; exiting with 1");
      Runtime.getRuntime().halt(1);
    }, "stop-deadline");
    deadline.setDaemon(true);
    deadline.start();
  }

  /** Thrown by {@link #check} in a long loop once a stop is asked for. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String signal;

    Stopped(String signal) {
      super("stopped by " + signal);
      this.signal = signal;
    }
  }

  /** Throws {@link Stopped} if a stop was asked for. */
  static void check() {
    if (requested()) {
      throw new Stopped(REQUESTED.getNow(""));
    }
  }

  /** The {@link Stopped} in {@code e}'s cause chain, or {@code null}. */
  static Stopped stoppedIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Stopped s) {
        return s;
      }
    }
    return null;
  }

  /** Whether a stop was asked for. */
  static boolean requested() {
    return REQUESTED.isDone();
  }

  /** Completes with the signal's name when a stop is asked for. */
  static CompletableFuture<String> onStop() {
    return REQUESTED;
  }

  /** Blocks until a stop is asked for, or {@code seconds} pass (0: no limit); true if asked. */
  static boolean await(long seconds) throws InterruptedException {
    try {
      if (seconds > 0) {
        REQUESTED.get(seconds, TimeUnit.SECONDS);
      } else {
        REQUESTED.get();
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the stop request cannot fail", e);
    }
  }
}
