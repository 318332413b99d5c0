package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.retry.RetryBackoff;
import java.time.Duration;

/**
 * Whether a failed commit is tried again, and when: a busy database ({@code SQLITE_BUSY},
 * {@code SQLITE_LOCKED}: another connection holds the lock for a moment) is retried with backoff
 * until {@link #HORIZON} has passed since the first failure; anything else, or a busy database past
 * the horizon, gives up, and what is staged from then on gets a horizon of its own. Time comes in
 * as an argument, so the decisions are tested without waiting.
 */
final class CommitRetry {

  /** How long a commit that keeps meeting a busy database is retried before its events are failed. */
  static final Duration HORIZON = Duration.ofSeconds(60);

  /** What to do after a failed commit: retry after {@code delayMs}, or give up ({@code delayMs < 0}). */
  record Decision(long delayMs, boolean horizonPassed) {
    boolean retry() {
      return delayMs >= 0;
    }
  }

  private final RetryBackoff backoff;
  private int failedInARow;
  private long failingSinceNanos;

  CommitRetry(RetryBackoff backoff) {
    this.backoff = backoff;
  }

  /** The backoff the writer uses: 50 ms doubling to 5 s, with jitter, up to {@link #HORIZON}. */
  static CommitRetry standard() {
    return new CommitRetry(new RetryBackoff(Duration.ofMillis(50), Duration.ofSeconds(5), HORIZON,
        RetryBackoff::randomBelow));
  }

  void succeeded() {
    failedInARow = 0;
  }

  /** A commit failed with {@code e} at {@code nowNanos}. */
  Decision failed(Exception e, long nowNanos) {
    if (failedInARow++ == 0) {
      failingSinceNanos = nowNanos;
    }
    boolean horizonPassed = false;
    if (isTransient(e)) {
      long delay = backoff.nextDelayMs(failedInARow, (nowNanos - failingSinceNanos) / 1_000_000);
      if (delay >= 0) {
        return new Decision(delay, false);
      }
      horizonPassed = true;
    }
    failingSinceNanos = nowNanos; // what is staged from now on gets a horizon of its own
    return new Decision(-1, horizonPassed);
  }

  /** After giving up: when to try again what stays staged (closed windows' records). */
  long leftoverDelayMs() {
    return backoff.delayMs(failedInARow);
  }

  int failedInARow() {
    return failedInARow;
  }

  private static boolean isTransient(Exception e) {
    String msg = String.valueOf(e.getMessage());
    return msg.contains("SQLITE_BUSY") || msg.contains("SQLITE_LOCKED");
  }
}
