package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/** When housekeeping runs, on timers and a clock the test moves: no real waiting. */
class MaintenanceSchedulerTest {

  /** One-shot timers on a manual clock: {@link #advanceTo} fires what is due, in order. */
  private static final class ManualTimers implements MaintenanceScheduler.Timers {
    private record Pending(long id, long dueMs, Runnable action) {
    }

    long nowMs;
    private long nextId;
    private final PriorityQueue<Pending> pending =
        new PriorityQueue<>(Comparator.comparingLong(Pending::dueMs).thenComparingLong(Pending::id));

    @Override
    public long set(long delayMs, Runnable action) {
      assertTrue(delayMs >= 1, "Vert.x timers take 1 ms or more, not " + delayMs);
      pending.add(new Pending(nextId, nowMs + delayMs, action));
      return nextId++;
    }

    @Override
    public void cancel(long id) {
      pending.removeIf(p -> p.id() == id);
    }

    void advanceTo(long ms) {
      while (!pending.isEmpty() && pending.peek().dueMs() <= ms) {
        Pending p = pending.poll();
        nowMs = p.dueMs();
        p.action().run();
      }
      nowMs = ms;
    }

    int pendingCount() {
      return pending.size();
    }
  }

  private final ManualTimers timers = new ManualTimers();
  private boolean busy;
  private final List<Long> runs = new ArrayList<>();
  /** 1 s between retries while busy, 10 s of waiting at the most. */
  private final MaintenanceScheduler scheduler =
      new MaintenanceScheduler(timers, () -> timers.nowMs, () -> busy, 1_000, 10_000);

  @Test
  void aQuietJobRunsOnItsInterval() {
    scheduler.everyWhenQuiet("compact", 60_000, this::record);
    timers.advanceTo(59_999);
    assertEquals(List.of(), runs);
    timers.advanceTo(180_000);
    assertEquals(List.of(60_000L, 120_000L, 180_000L), runs);
  }

  @Test
  void busyIngestDefersTheJobUntilItIsQuietNotByAWholeInterval() {
    scheduler.everyWhenQuiet("compact", 60_000, this::record);
    busy = true;
    timers.advanceTo(63_500);
    assertEquals(List.of(), runs, "deferred while ingest is busy");
    busy = false;
    timers.advanceTo(64_000);
    assertEquals(List.of(64_000L), runs, "runs at the first retry that finds ingest quiet");
    timers.advanceTo(124_000);
    assertEquals(List.of(64_000L, 124_000L), runs, "the next run is an interval after the last");
  }

  @Test
  void steadyIngestDelaysTheJobAtMostTheCap() {
    scheduler.everyWhenQuiet("compact", 60_000, this::record);
    busy = true;
    timers.advanceTo(69_999);
    assertEquals(List.of(), runs);
    timers.advanceTo(70_000);
    assertEquals(List.of(70_000L), runs, "run anyway after waiting 10 s for quiet");
    timers.advanceTo(140_000);
    assertEquals(List.of(70_000L, 140_000L), runs, "and again: each wait is bounded, none skips the run");
  }

  @Test
  void ordinaryJobsIgnoreIngestAndAJobWithMoreToDoGoesOnAtOnce() {
    busy = true;
    int[] steps = {3};
    scheduler.every("merge", 60_000, () -> {
      runs.add(timers.nowMs);
      return --steps[0] > 0;
    });
    timers.advanceTo(60_010);
    assertEquals(List.of(60_000L, 60_001L, 60_002L), runs, "three steps back to back, though busy");
    timers.advanceTo(120_002);
    assertEquals(60_002L + 60_000L, runs.get(3), "then the interval again");
  }

  @Test
  void aFailingJobIsTriedAgainNextIntervalAndStopCancelsEverything() {
    scheduler.every("rollup", 1_000, () -> {
      runs.add(timers.nowMs);
      throw new java.sql.SQLException("disk I/O error");
    });
    timers.advanceTo(2_000);
    assertEquals(List.of(1_000L, 2_000L), runs);
    scheduler.stop();
    assertEquals(0, timers.pendingCount());
    timers.advanceTo(10_000);
    assertEquals(2, runs.size());
  }

  private boolean record() {
    runs.add(timers.nowMs);
    return false;
  }
}
