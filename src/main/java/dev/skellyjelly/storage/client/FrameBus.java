package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import dev.skellyjelly.storage.event.RawEvent;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames as requests to {@code storage.events.raw}: answered when accepted (fire-and-forget) or
 * after their commit (durable). Also what the failures mean, and one log line per outage.
 */
final class FrameBus {

  private static final Logger LOG = LoggerFactory.getLogger(StorageClient.class);

  private final Vertx vertx;
  /** Across the cluster a screenshot goes in chunks; locally it is passed as an object. */
  private final ScreenshotChunkSender screenshots;
  private final DeliveryOptions durableDelivery;
  private final DeliveryOptions acceptDelivery;
  private final DeliveryOptions unansweredDelivery;
  private final DeliveryOptions syncDelivery;
  private boolean outageReported;

  FrameBus(Vertx vertx, StorageClientOptions options) {
    this.vertx = vertx;
    this.screenshots = vertx.isClustered()
        ? new ScreenshotChunkSender(vertx, options.getScreenshotChunkBytes()) : null;
    long timeout = options.getReplyTimeout().toMillis();
    // Durable means committed, screenshots' metadata included (they are answered earlier without it).
    this.durableDelivery = new DeliveryOptions().setSendTimeout(timeout)
        .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_COMMIT);
    this.acceptDelivery = new DeliveryOptions().setSendTimeout(timeout)
        .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_ACCEPT);
    // What storage cannot take from unanswered frames is counted under this client's id.
    String sender = UUID.randomUUID().toString();
    this.unansweredDelivery = new DeliveryOptions().addHeader(Addresses.SENDER_HEADER, sender);
    this.syncDelivery = new DeliveryOptions().setSendTimeout(timeout)
        .addHeader(Addresses.SYNC_HEADER, sender);
  }

  /** A frame nobody answers; the next {@link #sync} tells what storage could not take of it. */
  void sendUnanswered(InFlightFrame flight) {
    vertx.eventBus().send(Addresses.EVENTS_RAW, flight.frame, unansweredDelivery);
  }

  /**
   * Answered after every frame sent before it was taken or refused, with what storage could not
   * take since the previous sync: {@code {"refused": n, "rejected": m}}.
   */
  Future<JsonObject> sync() {
    try {
      return vertx.eventBus().<JsonObject>request(Addresses.EVENTS_RAW, null, syncDelivery)
          .map(Message::body);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The request as a future, also when the bus refuses it at once (no codec registered). */
  Future<Message<Object>> request(InFlightFrame flight, boolean durable) {
    DeliveryOptions delivery = durable ? durableDelivery : acceptDelivery;
    try {
      RawEvent.Screenshot screenshot = flight.screenshot();
      if (screenshots != null && screenshot != null) {
        return screenshots.send(screenshot, delivery);
      }
      return vertx.eventBus().request(Addresses.EVENTS_RAW, flight.frame, delivery);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** One log line per outage, not one per frame or event; {@link #recovered} ends the outage. */
  void reportOutage(String what, Throwable cause) {
    reportOutage(what + ": " + cause.getMessage());
  }

  void reportOutage(String what) {
    if (!outageReported) {
      outageReported = true;
      LOG.warn(what + " (further failures are counted, not logged, until a frame gets through)");
    }
  }

  void recovered() {
    outageReported = false;
  }

  /** Worth retrying: nobody listening yet, no answer in time, or the queue was full. */
  static boolean retryable(Throwable failure) {
    if (!(failure instanceof ReplyException re)) {
      return false;
    }
    return re.failureType() == ReplyFailure.NO_HANDLERS
        || re.failureType() == ReplyFailure.TIMEOUT
        || re.failureCode() == ErrorCode.BACKPRESSURE.failureCode();
  }

  static boolean isBackpressure(Throwable failure) {
    return failure instanceof ReplyException re
        && re.failureCode() == ErrorCode.BACKPRESSURE.failureCode();
  }
}
