package dev.skellyjelly.storage.screenshot;

import dev.skellyjelly.storage.bus.WindowClosed;
import dev.skellyjelly.storage.event.ScreenshotId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * When each screenshot's bytes must go. Retention counts from the close of the window that
 * references the screenshot (DESIGN decision 4), not from its capture, so the Analysis Engine can
 * still fetch what its batch names. Dev mode keeps the last few screenshots past their deadline;
 * once a newer one pushes them out they are due at once. Pure: time comes in as arguments.
 */
final class RetentionPolicy {

  private final long retentionMicros;
  private final int devModeCount;
  private final DeadlineQueue deadlines = new DeadlineQueue();
  private final Deque<ScreenshotId> devModeKept = new ArrayDeque<>();

  /** {@code devModeCount} 0: dev mode off, every screenshot goes on time. */
  RetentionPolicy(Duration retention, int devModeCount) {
    this.retentionMicros = retention.toNanos() / 1_000;
    this.devModeCount = devModeCount;
  }

  /** A window closed: each screenshot it references is due {@code retention} later. */
  void windowClosed(WindowClosed closed) {
    long due = closed.closedAtMicros() + retentionMicros;
    for (ScreenshotId id : closed.screenshotRefs()) {
      deadlines.add(id, due);
    }
  }

  /** A screenshot was kept; in dev mode it may push the oldest one kept out, due now. */
  void kept(ScreenshotId id, long nowMicros) {
    if (devModeCount == 0) {
      return;
    }
    devModeKept.addLast(id);
    while (devModeKept.size() > devModeCount) {
      // Its deadline may already have passed while dev mode held it.
      deadlines.add(devModeKept.removeFirst(), nowMicros);
    }
  }

  /** A screenshot whose deletion failed: due again one sweep interval after {@code nowMicros}. */
  void retry(ScreenshotId id, long nowMicros) {
    deadlines.add(id, nowMicros + sweepIntervalMillis() * 1_000);
  }

  /** Every screenshot due at {@code nowMicros}, except those dev mode keeps; each is returned once. */
  List<ScreenshotId> due(long nowMicros) {
    List<ScreenshotId> due = new ArrayList<>();
    for (ScreenshotId id : deadlines.pollDue(nowMicros)) {
      if (!devModeKept.contains(id)) {
        due.add(id);
      }
    }
    return due;
  }

  /** How often to look for due screenshots: a quarter of the retention, within 5 ms to 1 s. */
  long sweepIntervalMillis() {
    return Math.max(5, Math.min(1_000, retentionMicros / 1_000 / 4));
  }

  /**
   * When to sweep next, from {@code nowMicros}: at the earliest deadline, but no later than
   * {@link #sweepIntervalMillis()} (the clock may be moved; a late timer must not make a screenshot
   * late); -1 while no deadline is pending, so an idle module has no sweep timer at all.
   */
  long nextSweepDelayMillis(long nowMicros) {
    long next = deadlines.nextDueMicros();
    if (next == Long.MAX_VALUE) {
      return -1;
    }
    long untilDueMillis = Math.max(0, next - nowMicros + 999) / 1_000;
    return Math.max(1, Math.min(sweepIntervalMillis(), untilDueMillis));
  }
}
