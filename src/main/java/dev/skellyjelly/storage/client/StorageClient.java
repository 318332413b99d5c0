package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.Addresses;
import dev.skellyjelly.storage.ErrorCode;
import dev.skellyjelly.storage.event.Codecs;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;

/**
 * What another module (Data Capture, Analysis) uses to talk to storage from its own Vert.x,
 * in the same process or on another cluster node. {@link #registerCodecs} registers the event
 * codecs and nothing else; {@link #send} is fire-and-forget; {@link #sendDurably} is a request
 * answered after the event's commit, retried with exponential backoff on {@code TIMEOUT},
 * {@code NO_HANDLERS} and {@code BACKPRESSURE} — safe because the store keeps one copy per
 * (session, sequence).
 */
public final class StorageClient {

  /** How a durable send retries. */
  public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay,
      Duration replyTimeout) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMillis(50),
        Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  private final Vertx vertx;
  private final RetryPolicy retry;

  public StorageClient(Vertx vertx, RetryPolicy retry) {
    this.vertx = vertx;
    this.retry = retry;
  }

  /** Registers the RawEvent and EventBatch codecs on this Vert.x: call once per node. */
  public static void registerCodecs(Vertx vertx) {
    Codecs.registerAll(vertx.eventBus());
  }

  /** Fire-and-forget: lost if no storage node is there, or dropped (and counted) under load. */
  public void send(RawEvent event) {
    vertx.eventBus().send(Addresses.EVENTS_RAW, event);
  }

  /**
   * Sends until storage confirms the commit.
   *
   * @return the event's sequence number once committed, or the last failure
   */
  public Future<Long> sendDurably(RawEvent event) {
    Promise<Long> result = Promise.promise();
    attempt(event, 1, retry.firstDelay().toMillis(), result);
    return result.future();
  }

  private void attempt(RawEvent event, int attempt, long delayMs, Promise<Long> result) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(retry.replyTimeout().toMillis());
    vertx.eventBus().<Long>request(Addresses.EVENTS_RAW, event, options).onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result().body());
      } else if (attempt < retry.maxAttempts() && retryable(ar.cause())) {
        vertx.setTimer(delayMs, t -> attempt(event, attempt + 1,
            Math.min(delayMs * 2, retry.maxDelay().toMillis()), result));
      } else {
        result.fail(ar.cause());
      }
    });
  }

  /** Worth retrying: nobody listening yet, no answer in time, or the queue was full. */
  public static boolean retryable(Throwable failure) {
    if (!(failure instanceof ReplyException re)) {
      return false;
    }
    return re.failureType() == ReplyFailure.NO_HANDLERS
        || re.failureType() == ReplyFailure.TIMEOUT
        || re.failureCode() == ErrorCode.BACKPRESSURE.failureCode();
  }
}
