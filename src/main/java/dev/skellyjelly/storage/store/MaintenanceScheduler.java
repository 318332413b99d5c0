package dev.skellyjelly.storage.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the writer's housekeeping runs. Each job runs every interval; a job with more to do
 * (a long merge done in steps) runs its next step at once after whatever commit is due. A job
 * that must not compete with ingest (compaction) is <em>deferred</em> while ingest is busy: tried
 * again after {@code busyRetryMs}, run as soon as ingest is quiet — and run anyway once it has
 * waited {@code maxDeferMs}, so steady ingest cannot postpone it for ever.
 *
 * <p>Runs on the writer's thread; timers and time are injected, so tests move time instead of
 * waiting for it.
 */
final class MaintenanceScheduler {

  /** Sets and cancels one-shot timers (Vert.x's on the writer's context). */
  interface Timers {
    long set(long delayMs, Runnable action);

    void cancel(long id);
  }

  /** One step of a job. */
  interface Step {
    /** @return whether another step should follow at once */
    boolean run() throws Exception;
  }

  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceScheduler.class);
  /** Before the next step of a job with more to do: time for a due commit to go first. */
  static final long NEXT_STEP_MS = 1;

  private final Timers timers;
  private final LongSupplier nowMs;
  private final BooleanSupplier ingestBusy;
  private final long busyRetryMs;
  private final long maxDeferMs;
  private final List<Scheduled> jobs = new ArrayList<>();
  private boolean stopped;

  /**
   * @param nowMs a monotonic clock, in ms
   * @param ingestBusy whether ingest is busy now (the writer has work staged)
   * @param busyRetryMs how soon a deferred job is tried again
   * @param maxDeferMs how long a job waits for quiet at the most before it runs anyway
   */
  MaintenanceScheduler(Timers timers, LongSupplier nowMs, BooleanSupplier ingestBusy, long busyRetryMs,
      long maxDeferMs) {
    if (busyRetryMs < 1 || maxDeferMs < 0) {
      throw new IllegalArgumentException("busyRetryMs must be >= 1 and maxDeferMs >= 0, not "
          + busyRetryMs + " and " + maxDeferMs);
    }
    this.timers = timers;
    this.nowMs = nowMs;
    this.ingestBusy = ingestBusy;
    this.busyRetryMs = busyRetryMs;
    this.maxDeferMs = maxDeferMs;
  }

  /** Runs {@code step} every {@code everyMs}, the first time after {@code everyMs}. */
  void every(String name, long everyMs, Step step) {
    add(new Scheduled(name, everyMs, false, step));
  }

  /** Like {@link #every}, but deferred while ingest is busy (at most {@code maxDeferMs}). */
  void everyWhenQuiet(String name, long everyMs, Step step) {
    add(new Scheduled(name, everyMs, true, step));
  }

  private void add(Scheduled job) {
    jobs.add(job);
    job.arm(job.everyMs);
  }

  /** Cancels every timer; nothing runs after this. */
  void stop() {
    stopped = true;
    jobs.forEach(j -> timers.cancel(j.timer));
  }

  private final class Scheduled {
    final String name;
    final long everyMs;
    final boolean waitsForQuiet;
    final Step step;
    long timer = -1;
    /** When the job first found ingest busy, since its last run; -1 while not deferred. */
    long deferredSinceMs = -1;

    Scheduled(String name, long everyMs, boolean waitsForQuiet, Step step) {
      this.name = name;
      this.everyMs = everyMs;
      this.waitsForQuiet = waitsForQuiet;
      this.step = step;
    }

    void arm(long delayMs) {
      if (!stopped) {
        timer = timers.set(delayMs, this::due);
      }
    }

    void due() {
      timer = -1;
      if (waitsForQuiet && ingestBusy.getAsBoolean()) {
        long now = nowMs.getAsLong();
        if (deferredSinceMs < 0) {
          deferredSinceMs = now;
        }
        long waited = now - deferredSinceMs;
        if (waited < maxDeferMs) {
          arm(Math.min(busyRetryMs, maxDeferMs - waited));
          return;
        }
        LOG.info("maintenance job {} waited {} ms for ingest to be quiet; running it anyway", name, waited);
      }
      deferredSinceMs = -1;
      boolean more = false;
      try {
        more = step.run();
      } catch (Exception e) {
        LOG.error("maintenance job " + name + " failed, tried again in " + everyMs + " ms: " + e.getMessage(), e);
      }
      arm(more ? NEXT_STEP_MS : everyMs);
    }
  }
}
