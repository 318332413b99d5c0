package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.retry.RetryBackoff;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the writer retries a failed commit and when it gives up, on an injected time (no waiting). */
class CommitRetryTest {

  private static final long MS = 1_000_000;
  private static final SQLException BUSY =
      new SQLException("[SQLITE_BUSY] The database file is locked (database is locked)");
  private static final SQLException FULL = new SQLException("[SQLITE_FULL] database or disk is full");

  /** 100 ms doubling to 1 s, a 2 s horizon, jitter at its top (every delay the full step). */
  private final CommitRetry retry = new CommitRetry(new RetryBackoff(Duration.ofMillis(100),
      Duration.ofSeconds(1), Duration.ofSeconds(2), bound -> bound - 1));

  @Test
  void aBusyDatabaseIsRetriedWithBackoffUntilTheHorizonThenGivenUp() {
    assertEquals(100, retry.failed(BUSY, 0).delayMs());
    assertEquals(200, retry.failed(BUSY, 100 * MS).delayMs());
    assertEquals(400, retry.failed(BUSY, 300 * MS).delayMs());
    assertEquals(800, retry.failed(BUSY, 700 * MS).delayMs());
    CommitRetry.Decision last = retry.failed(BUSY, 1_500 * MS);
    assertFalse(last.retry(), "a 1 s wait would end after the 2 s horizon");
    assertTrue(last.horizonPassed());
    assertEquals(1_000, retry.leftoverDelayMs(), "what stays staged is tried again after the capped step");

    CommitRetry.Decision fresh = retry.failed(BUSY, 1_600 * MS);
    assertTrue(fresh.retry(), "what was staged after giving up has a horizon of its own, from 1.5 s");
    assertEquals(1_000, fresh.delayMs(), "still failing in a row: the step stays at the cap");
  }

  @Test
  void anythingButABusyDatabaseIsGivenUpAtOnce() {
    CommitRetry.Decision full = retry.failed(FULL, 0);
    assertFalse(full.retry());
    assertFalse(full.horizonPassed(), "given up because it is permanent, not because of the horizon");
    assertFalse(retry.failed(new IllegalStateException("no message"), MS).retry());
    assertFalse(retry.failed(new SQLException((String) null), 2 * MS).retry(), "a failure without a message");
  }

  @Test
  void aSuccessfulCommitStartsTheBackoffOver() {
    retry.failed(BUSY, 0);
    retry.failed(BUSY, 100 * MS);
    assertEquals(400, retry.failed(BUSY, 300 * MS).delayMs());
    retry.succeeded();
    assertEquals(100, retry.failed(BUSY, 10_000 * MS).delayMs(), "first step again, horizon from now");
    assertEquals(1, retry.failedInARow());
  }
}
