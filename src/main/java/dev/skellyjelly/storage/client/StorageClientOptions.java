package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.event.ScreenshotChunkEncoding;
import java.time.Duration;

/**
 * How a {@link StorageClient} coalesces events into frames, how much it may hold, and how a
 * durable send retries. Fluent setters; every default is a named constant.
 */
public final class StorageClientOptions {

  /** A frame is sent when it holds this many events... */
  public static final int DEFAULT_MAX_FRAME_EVENTS = 1024;
  /** ...or this many (estimated) bytes, whichever comes first... */
  public static final int DEFAULT_MAX_FRAME_BYTES = 256 * 1024;
  /** ...or when its first event has waited this long (at high rates)... */
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
  /**
   * ...or, when so few events arrive that a frame would carry only a handful, this long: fewer
   * messages for the storage node to wake up for (at 1,000 events/s, 20 frames/s instead of 40).
   */
  public static final Duration DEFAULT_MAX_LINGER = Duration.ofMillis(50);
  /**
   * The long linger of a frame holding a durable event. Such an event waits for the linger and
   * then up to a write interval for its commit, so this is kept well under the 50 ms that the
   * ack-latency target (p99 within write interval + 50 ms) leaves: measured at 1,000 events/s,
   * p99 1,057 ms with 50 ms, 1,029 ms with 25 ms.
   */
  public static final Duration DEFAULT_MAX_DURABLE_LINGER = Duration.ofMillis(25);
  /** Events held at most: in open frames, in flight, and waiting to be retried. */
  public static final int DEFAULT_MAX_QUEUED_EVENTS = 200_000;
  /** Bytes held at most (events' estimates, screenshots included). */
  public static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;
  /** How long one attempt waits for its reply. */
  public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(10);
  /** First retry delay of a durable send; it doubles per failure... */
  public static final Duration DEFAULT_RETRY_FIRST_DELAY = Duration.ofMillis(50);
  /** ...up to this... */
  public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(5);
  /** ...and no retry starts later than this after the first attempt: a storage restart fits. */
  public static final Duration DEFAULT_RETRY_HORIZON = Duration.ofSeconds(60);

  /**
   * Across the cluster a screenshot travels in data chunks of this many bytes (at most 1 MiB),
   * after a chunk with its metadata: storage decodes each in well under a millisecond of an
   * event loop. 176 KiB, because Vert.x's record parser gathers a message in a buffer that doubles
   * from 64 KiB reads, and a chunk of 192 KiB or more (with its headers and the next read) makes
   * that buffer, and the message's copy, half a G1 region of the 256 MB heap `run` gets or larger:
   * "humongous", allocated outside the young generation, each one a reason for a collection. With
   * 1 MiB chunks a 5 MB screenshot cost the storage node 1.4-3.5 collections; with 176 KiB
   * the median from send to answer was lower in 8 of 10 side-by-side pairs (README), at the same
   * CPU per screenshot, as long as chunks are the only large messages the node receives (a
   * producer sending 5 MB screenshots whole makes humongous arrays whatever this is).
   */
  public static final int DEFAULT_SCREENSHOT_CHUNK_BYTES = 176 * 1024;

  private int maxFrameEvents = DEFAULT_MAX_FRAME_EVENTS;
  private int screenshotChunkBytes = DEFAULT_SCREENSHOT_CHUNK_BYTES;
  private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
  private Duration linger = DEFAULT_LINGER;
  private Duration maxLinger = DEFAULT_MAX_LINGER;
  private Duration maxDurableLinger = DEFAULT_MAX_DURABLE_LINGER;
  private int maxQueuedEvents = DEFAULT_MAX_QUEUED_EVENTS;
  private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
  private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
  private Duration retryFirstDelay = DEFAULT_RETRY_FIRST_DELAY;
  private Duration retryMaxDelay = DEFAULT_RETRY_MAX_DELAY;
  private Duration retryHorizon = DEFAULT_RETRY_HORIZON;

  public int getMaxFrameEvents() {
    return maxFrameEvents;
  }

  public StorageClientOptions setMaxFrameEvents(int maxFrameEvents) {
    this.maxFrameEvents = positive(maxFrameEvents, "maxFrameEvents");
    return this;
  }

  public int getMaxFrameBytes() {
    return maxFrameBytes;
  }

  public StorageClientOptions setMaxFrameBytes(int maxFrameBytes) {
    this.maxFrameBytes = positive(maxFrameBytes, "maxFrameBytes");
    return this;
  }

  public int getScreenshotChunkBytes() {
    return screenshotChunkBytes;
  }

  public StorageClientOptions setScreenshotChunkBytes(int screenshotChunkBytes) {
    if (screenshotChunkBytes < 1 || screenshotChunkBytes > ScreenshotChunkEncoding.MAX_DATA_BYTES) {
      throw new IllegalArgumentException("screenshotChunkBytes must be 1.."
          + ScreenshotChunkEncoding.MAX_DATA_BYTES + ", got " + screenshotChunkBytes);
    }
    this.screenshotChunkBytes = screenshotChunkBytes;
    return this;
  }

  public Duration getLinger() {
    return linger;
  }

  public StorageClientOptions setLinger(Duration linger) {
    this.linger = linger;
    return this;
  }

  public Duration getMaxLinger() {
    return maxLinger;
  }

  public StorageClientOptions setMaxLinger(Duration maxLinger) {
    this.maxLinger = maxLinger;
    return this;
  }

  public Duration getMaxDurableLinger() {
    return maxDurableLinger;
  }

  public StorageClientOptions setMaxDurableLinger(Duration maxDurableLinger) {
    this.maxDurableLinger = maxDurableLinger;
    return this;
  }

  public int getMaxQueuedEvents() {
    return maxQueuedEvents;
  }

  public StorageClientOptions setMaxQueuedEvents(int maxQueuedEvents) {
    this.maxQueuedEvents = positive(maxQueuedEvents, "maxQueuedEvents");
    return this;
  }

  public long getMaxQueuedBytes() {
    return maxQueuedBytes;
  }

  public StorageClientOptions setMaxQueuedBytes(long maxQueuedBytes) {
    if (maxQueuedBytes < 1) {
      throw new IllegalArgumentException("maxQueuedBytes must be positive, got " + maxQueuedBytes);
    }
    this.maxQueuedBytes = maxQueuedBytes;
    return this;
  }

  public Duration getReplyTimeout() {
    return replyTimeout;
  }

  public StorageClientOptions setReplyTimeout(Duration replyTimeout) {
    this.replyTimeout = replyTimeout;
    return this;
  }

  public Duration getRetryFirstDelay() {
    return retryFirstDelay;
  }

  public StorageClientOptions setRetryFirstDelay(Duration retryFirstDelay) {
    this.retryFirstDelay = retryFirstDelay;
    return this;
  }

  public Duration getRetryMaxDelay() {
    return retryMaxDelay;
  }

  public StorageClientOptions setRetryMaxDelay(Duration retryMaxDelay) {
    this.retryMaxDelay = retryMaxDelay;
    return this;
  }

  public Duration getRetryHorizon() {
    return retryHorizon;
  }

  public StorageClientOptions setRetryHorizon(Duration retryHorizon) {
    this.retryHorizon = retryHorizon;
    return this;
  }

  private static int positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }
}
