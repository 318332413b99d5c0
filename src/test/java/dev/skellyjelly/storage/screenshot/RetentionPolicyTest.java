package dev.skellyjelly.storage.screenshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skellyjelly.storage.bus.WindowClosed;
import dev.skellyjelly.storage.event.ScreenshotId;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  private static final long CLOSED = 1_000_000_000L;
  private static final long RETENTION = 30_000_000L;

  private static WindowClosed closed(long at, ScreenshotId... ids) {
    return new WindowClosed(UUID.randomUUID(), at, List.of(ids));
  }

  @Test
  void aScreenshotIsDueRetentionAfterItsWindowClosedAndOnlyOnce() {
    RetentionPolicy policy = new RetentionPolicy(Duration.ofSeconds(30), 0);
    ScreenshotId a = ScreenshotId.random();
    ScreenshotId b = ScreenshotId.random();
    ScreenshotId later = ScreenshotId.random();
    policy.windowClosed(closed(CLOSED, a, b));
    policy.windowClosed(closed(CLOSED + 5_000_000, later));
    assertEquals(List.of(), policy.due(CLOSED + RETENTION - 1), "not a microsecond early");
    assertEquals(List.of(a, b), policy.due(CLOSED + RETENTION));
    assertEquals(List.of(), policy.due(CLOSED + RETENTION + 1), "each is due once");
    assertEquals(List.of(later), policy.due(CLOSED + 5_000_000 + RETENTION));
  }

  @Test
  void devModeKeepsTheLastFewAndReleasesEachWhenANewerOnePushesItOut() {
    RetentionPolicy policy = new RetentionPolicy(Duration.ofSeconds(30), 2);
    ScreenshotId first = ScreenshotId.random();
    ScreenshotId second = ScreenshotId.random();
    ScreenshotId third = ScreenshotId.random();
    policy.kept(first, CLOSED);
    policy.kept(second, CLOSED);
    policy.windowClosed(closed(CLOSED, first, second));
    assertEquals(List.of(), policy.due(CLOSED + RETENTION), "dev mode keeps the last 2 past retention");
    long now = CLOSED + RETENTION + 10_000_000;
    policy.kept(third, now);
    assertEquals(List.of(first), policy.due(now), "pushed out by a newer one: due at once");
    assertEquals(List.of(), policy.due(now + RETENTION), "the two newest stay");
  }

  @Test
  void theSweepIsArmedForTheEarliestDeadlineWithinTheIntervalAndNotAtAllWhenNoneIsPending() {
    RetentionPolicy policy = new RetentionPolicy(Duration.ofSeconds(30), 0);
    assertEquals(-1, policy.nextSweepDelayMillis(CLOSED), "nothing held: no timer");
    ScreenshotId a = ScreenshotId.random();
    policy.windowClosed(closed(CLOSED, a));
    assertEquals(1_000, policy.nextSweepDelayMillis(CLOSED), "far off: no later than the interval");
    assertEquals(250, policy.nextSweepDelayMillis(CLOSED + RETENTION - 250_000), "at the deadline");
    assertEquals(1, policy.nextSweepDelayMillis(CLOSED + RETENTION - 10), "rounded up, never early");
    assertEquals(1, policy.nextSweepDelayMillis(CLOSED + RETENTION + 5_000_000), "overdue: at once");
    assertEquals(List.of(a), policy.due(CLOSED + RETENTION));
    assertEquals(-1, policy.nextSweepDelayMillis(CLOSED + RETENTION), "all gone: no timer");
    policy.retry(a, CLOSED + RETENTION);
    assertEquals(List.of(), policy.due(CLOSED + RETENTION + 999_999), "a failed deletion waits an interval");
    assertEquals(List.of(a), policy.due(CLOSED + RETENTION + 1_000_000));
  }

  @Test
  void theSweepRunsAQuarterOfTheRetentionApartWithinBounds() {
    assertEquals(1_000, new RetentionPolicy(Duration.ofSeconds(30), 0).sweepIntervalMillis());
    assertEquals(250, new RetentionPolicy(Duration.ofSeconds(1), 0).sweepIntervalMillis());
    assertEquals(5, new RetentionPolicy(Duration.ofMillis(4), 0).sweepIntervalMillis());
  }
}
