package dev.skellyjelly.storage.metrics;

import dev.skellyjelly.storage.event.EventKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The module's meters, named once. Names are Micrometer style ({@code skelly.events.received});
 * the Prometheus registry renders them in base units with {@code _total}, {@code _seconds} and
 * {@code _bytes} suffixes. Tags have bounded values (event kinds, drop reasons).
 * Meters are thread-safe, so every verticle records into the same instance.
 */
public final class StorageMetrics {

  /** Why an event was not stored. */
  public enum DropReason {
    BACKPRESSURE, INVALID, DECODE, DATABASE, SHUTDOWN
  }

  private final MeterRegistry registry;
  private final Map<EventKind, Counter> received = new EnumMap<>(EventKind.class);
  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final Counter decodeErrors;
  private final Counter backpressureRefusals;
  private final Counter duplicates;
  private final Counter eventsStored;
  private final Timer processingLatency;
  private final Counter batchesCreated;
  private final DistributionSummary eventsPerBatch;
  private final Timer batchCreation;
  private final Timer dbWrite;
  private final DistributionSummary dbWriteBatchSize;
  private final Counter screenshotsReceived;
  private final Counter screenshotsDeleted;
  private final Counter screenshotEvictions;
  private final Counter screenshotsNotWritten;
  private final Counter expiredFetches;
  private final Timer screenshotProcessing;
  private final AtomicLong screenshotsInMemory = new AtomicLong();
  private final AtomicLong screenshotsOnDisk = new AtomicLong();
  private final AtomicLong queuedEvents = new AtomicLong();
  private final Counter rollupRuns;
  private final Counter retentionRuns;
  private final Counter backupRuns;
  private final Counter unreadableBlocks;
  private final Counter mergedBlocks;
  private final Timer compactionPause;
  private final AtomicLong databaseBytes = new AtomicLong();
  private final Counter reassemblyExpired;
  private final AtomicLong reassemblyBytes = new AtomicLong();

  public StorageMetrics(MeterRegistry registry, Duration writeInterval) {
    this.registry = registry;
    for (EventKind k : EventKind.values()) {
      received.put(k, Counter.builder("skelly.events.received")
          .description("Raw events received on storage.events.raw")
          .tag("kind", k.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
    }
    for (DropReason r : DropReason.values()) {
      dropped.put(r, Counter.builder("skelly.events.dropped")
          .description("Events not stored, by reason; requests among them got a failure reply")
          .tag("reason", r.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
    }
    decodeErrors = counter("skelly.decode.errors", "Messages whose bytes could not be decoded");
    backpressureRefusals = counter("skelly.backpressure.refusals",
        "Requests refused with BACKPRESSURE because the write queue was full");
    duplicates = counter("skelly.events.duplicates",
        "Retried events already stored (same session and sequence), skipped");
    eventsStored = counter("skelly.events.stored", "Events committed to the database");
    processingLatency = Timer.builder("skelly.event.processing.latency")
        .description("Time from receipt of an event to its hand-off to batcher and writer")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
        .maximumExpectedValue(Duration.ofMillis(100)).register(registry);
    batchesCreated = counter("skelly.batches", "Batches created: windows closed and emitted as"
        + " EventBatch (a name ending in _created is reserved in Prometheus)");
    eventsPerBatch = DistributionSummary.builder("skelly.batch.events")
        .description("Events per emitted window").register(registry);
    batchCreation = Timer.builder("skelly.batch.creation")
        .description("Time to close a window and emit its EventBatch").register(registry);
    dbWrite = Timer.builder("skelly.db.write.latency")
        .description("Time of one write transaction, BEGIN IMMEDIATE to COMMIT")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    dbWriteBatchSize = DistributionSummary.builder("skelly.db.write.batch.events")
        .description("Events per write transaction").register(registry);
    gauge("skelly.write.queue.events", queuedEvents,
        "Events staged in the writer, waiting for their commit");
    rollupRuns = counter("skelly.rollup.runs", "Hourly/daily rollup runs");
    retentionRuns = counter("skelly.retention.runs",
        "Retention runs (expired day tables dropped, old rollups deleted)");
    backupRuns = counter("skelly.backup.runs", "Online backups written and verified");
    unreadableBlocks = counter("skelly.blocks.unreadable", "Event blocks skipped by a read because they"
        + " do not decode or disagree with their stored span (each named in the reply and the log)");
    mergedBlocks = counter("skelly.blocks.merged", "Fresh event blocks replaced by sealed blocks");
    compactionPause = Timer.builder("skelly.compaction.pause")
        .description("Longest single step of each compaction: the longest pause it caused ingest")
        .register(registry);
    screenshotsReceived = counter("skelly.screenshots.received", "Screenshots received");
    screenshotsDeleted = counter("skelly.screenshots.deleted",
        "Screenshots whose bytes were deleted and checked gone");
    screenshotEvictions = counter("skelly.screenshots.evicted",
        "Screenshots pushed out of the memory cache by its bounds before their"
            + " retention ended");
    screenshotsNotWritten = counter("skelly.screenshots.not.written",
        "Large screenshots not written to disk: free space was low, or the write failed");
    expiredFetches = counter("skelly.screenshots.expired.fetches",
        "Fetches of screenshots already deleted (answered EXPIRED)");
    screenshotProcessing = Timer.builder("skelly.screenshot.processing")
        .description("Time to store a screenshot and commit its metadata")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
    gauge("skelly.screenshots.in.memory", screenshotsInMemory,
        "Screenshots held in the memory cache");
    gauge("skelly.screenshots.on.disk", screenshotsOnDisk, "Screenshots held as temp files");
    reassemblyExpired = counter("skelly.screenshot.reassembly.expired", "Screenshots sent in chunks"
        + " and dropped because their last chunk did not come in time (their memory freed)");
    io.micrometer.core.instrument.Gauge.builder("skelly.screenshot.reassembly", reassemblyBytes, AtomicLong::get)
        .baseUnit("bytes").description("Image bytes reserved by screenshots whose chunks are arriving")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("skelly.db.size", databaseBytes, AtomicLong::get)
        .baseUnit("bytes").description("Database file size including its WAL").register(registry);
    io.micrometer.core.instrument.Gauge.builder("skelly.write.interval", writeInterval,
        d -> d.toNanos() / 1e9).baseUnit("seconds")
        .description("Longest time an acknowledged-by-send event waits before commit: what a crash"
            + " can lose of fire-and-forget events").register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private void gauge(String name, AtomicLong value, String description) {
    io.micrometer.core.instrument.Gauge.builder(name, value, AtomicLong::get)
        .description(description).register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void received(EventKind kind) {
    received.get(kind).increment();
  }

  public void dropped(DropReason reason, long count) {
    dropped.get(reason).increment(count);
  }

  public void decodeError() {
    decodeErrors.increment();
  }

  public void backpressureRefusal() {
    backpressureRefusals.increment();
  }

  public void duplicates(long count) {
    duplicates.increment(count);
  }

  public void stored(long count) {
    eventsStored.increment(count);
  }

  public Timer processingLatency() {
    return processingLatency;
  }

  public void batchCreated(int events, long nanos) {
    batchesCreated.increment();
    eventsPerBatch.record(events);
    batchCreation.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void dbWrite(int events, long nanos) {
    dbWrite.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    dbWriteBatchSize.record(events);
  }

  public void queuedEvents(long n) {
    queuedEvents.set(n);
  }

  public void databaseBytes(long n) {
    databaseBytes.set(n);
  }

  public void rollupRun() {
    rollupRuns.increment();
  }

  public void retentionRun() {
    retentionRuns.increment();
  }

  public void unreadableBlocks(long n) {
    unreadableBlocks.increment(n);
  }

  public void blocksMerged(long n) {
    mergedBlocks.increment(n);
  }

  public void backupRun() {
    backupRuns.increment();
  }

  public void compactionPause(long nanos) {
    compactionPause.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void screenshotReceived() {
    screenshotsReceived.increment();
  }

  public void screenshotsDeleted(long n) {
    screenshotsDeleted.increment(n);
  }

  public void screenshotEvicted() {
    screenshotEvictions.increment();
  }

  public void screenshotNotWritten() {
    screenshotsNotWritten.increment();
  }

  public void expiredFetch() {
    expiredFetches.increment();
  }

  public void screenshotProcessed(long nanos) {
    screenshotProcessing.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void screenshotsHeld(long inMemory, long onDisk) {
    screenshotsInMemory.set(inMemory);
    screenshotsOnDisk.set(onDisk);
  }

  /** Screenshots dropped incomplete at their reassembly deadline. */
  public void reassemblyExpired(long n) {
    reassemblyExpired.increment(n);
  }

  /** A screenshot chunk refused, by the failure code its sender got. */
  public void chunkRefused(String code) {
    Counter.builder("skelly.screenshot.chunks.refused")
        .description("Screenshot chunks refused (duplicate, out of order, oversized, no room), by code")
        .tag("code", code).register(registry).increment();
  }

  public void reassemblyBytes(long bytes) {
    reassemblyBytes.set(bytes);
  }

  public double droppedCount(DropReason reason) {
    return dropped.get(reason).count();
  }

  public double decodeErrorCount() {
    return decodeErrors.count();
  }
}
