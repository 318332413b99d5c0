package dev.skellyjelly.storage.bus;

/** Every event-bus address of the module, named once. */
public final class Addresses {

  private Addresses() {
  }

  // ---- Public: other modules use these (locally or across the cluster). ----

  /**
   * Data Capture sends {@code RawEvent}s and frames here; {@code request} is answered after commit
   * — a screenshot once held and analysed, after commit with {@link #REPLY_ON_COMMIT}.
   */
  public static final String EVENTS_RAW = "storage.events.raw";
  /** Closed windows are published here as {@code EventBatch}. */
  public static final String EVENT_BATCHES = "analysis.event-batches";
  /** Request/reply: screenshot bytes and metadata by id, or EXPIRED / NOT_FOUND. */
  public static final String SCREENSHOTS_GET = "storage.screenshots.get";
  /** Request/reply: read-only queries (JSON). */
  public static final String QUERY = "storage.query";
  /** Request/reply: take an online backup now; the reply names the file. */
  public static final String BACKUP = "storage.backup";
  /** Request/reply: liveness and readiness (JSON). */
  public static final String HEALTH = "storage.health";
  /**
   * Header on a request to {@link #EVENTS_RAW}: with the value {@link #REPLY_ON_ACCEPT} the reply
   * comes as soon as the events are accepted into the write queue, not after their commit — a
   * fire-and-forget producer's flow control, which tells it how much the receiver took.
   */
  public static final String REPLY_WHEN_HEADER = "skelly-reply-when";
  public static final String REPLY_ON_ACCEPT = "accepted";
  /**
   * {@link #REPLY_WHEN_HEADER} value for a durable producer: the reply follows the commit of
   * everything in the request. Events are answered so by default; a screenshot is answered once
   * its bytes are held and analysed, its metadata committed with the next write like a
   * fire-and-forget event — with this value, only after that commit.
   */
  public static final String REPLY_ON_COMMIT = "committed";
  /**
   * Header on a frame {@code send} (no reply) to {@link #EVENTS_RAW}: the producer's id. What
   * storage cannot take from such frames is counted under it until the producer's next sync.
   */
  public static final String SENDER_HEADER = "skelly-sender";
  /**
   * Header (value: the producer's id) on a request to {@link #EVENTS_RAW} with no body: a sync.
   * It is answered after every frame that producer sent before it was taken or refused, with
   * {@code {"refused": n, "rejected": m}} — events refused for a full write queue, and events of
   * frames that were invalid — since its previous sync. A fire-and-forget producer sends its
   * frames without replies and syncs now and then: one reply per sync, not per frame.
   */
  public static final String SYNC_HEADER = "skelly-sync";

  // ---- Internal: local consumers only, between the module's own verticles. ----

  /** Receiver → writer: an {@code IngestChunk} to store; the reply follows its commit. */
  public static final String WRITE_EVENTS = "storage.internal.write.events";
  /** Batcher → writer: a closed window's {@code WindowRecord}. */
  public static final String WRITE_WINDOW = "storage.internal.write.window";
  /**
   * Screenshot handler → writer: one screenshot's metadata row, committed with the next write;
   * sent, or requested (the reply follows that commit) when the producer asked for a commit.
   */
  public static final String WRITE_SCREENSHOT_METADATA = "storage.internal.write.screenshot-metadata";
  /** Screenshot handler → writer: a {@code MaskingRecorded} (masked regions and kinds of a screenshot). */
  public static final String WRITE_SCREENSHOT_MASKING = "storage.internal.write.screenshot-masking";
  /** Request/reply: commit everything buffered now (used on stop and by tools). */
  public static final String WRITE_FLUSH = "storage.internal.write.flush";
  /** Request/reply: run a maintenance task now ({"task": "rollup" | "retention" | "compact"}). */
  public static final String WRITE_MAINTENANCE = "storage.internal.write.maintenance";
  /**
   * Request/reply: set module marks in {@code settings} — {"set": {k: v}, "setIfAbsent": {k: v}};
   * the reply holds the stored value of each key (replication keeps its device id and watermarks).
   */
  public static final String WRITE_SETTINGS = "storage.internal.write.settings";
  /** Request/reply: replication's state (JSON); {"waitMs": ms} first waits, up to ms, for it to catch up. */
  public static final String REPLICATION_STATUS = "storage.internal.replication.status";
  /** Request/reply: a read-only query across every device, answered from PostgreSQL. */
  public static final String QUERY_SHARED = "storage.internal.query.shared";
  /** Published by the writer after each commit: a {@code WriteReport} (JSON). */
  public static final String WRITE_COMMITTED = "storage.internal.write.committed";
  /** Writer → batcher: the events of one commit ({@code IngestChunk}), each stored event once. */
  public static final String BATCH_EVENTS = "storage.internal.batch.events";
  /** Screenshot handler → batcher: a screenshot id for the current window. */
  public static final String BATCH_SCREENSHOT = "storage.internal.batch.screenshot";
  /** Request/reply: close the open window now (used on stop and by tools). */
  public static final String BATCH_FLUSH = "storage.internal.batch.flush";
  /** Batcher → screenshot handler: a {@code WindowClosed} notice, which starts retention. */
  public static final String WINDOW_CLOSED = "storage.internal.window-closed";
  /** Published (local) with a screenshot id once its bytes are verifiably deleted. */
  public static final String SCREENSHOT_DELETED = "storage.internal.screenshots.deleted";
  /** Published (local) by the disk guard: {@code true} while free space is below the threshold. */
  public static final String DISK_GUARD = "storage.internal.disk-guard";
  /** Request/reply: the result of the writer's integrity check at start (JSON; salvage report). */
  public static final String DATABASE_INTEGRITY = "storage.internal.status.integrity";
  /** Request/reply: the dashboard's per-second samples of the last minutes ({"samples": [...]}). */
  public static final String STATUS_SAMPLES = "storage.internal.status.samples";
  /** Published (local) by the writer: {@code true} after a commit, {@code false} after a failure. */
  public static final String WRITER_STATUS = "storage.internal.status.writer";
  /**
   * Receiver → screenshot handler: a {@code RawEvent.Screenshot} to keep; answered once held and
   * analysed, or after its metadata's commit with {@link #REPLY_WHEN_HEADER} {@link #REPLY_ON_COMMIT}.
   */
  public static final String SCREENSHOTS_STORE = "storage.internal.screenshots.store";
}
