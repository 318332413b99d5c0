package dev.skellyjelly.storage.cli;

import static dev.skellyjelly.storage.cli.BenchFigures.round;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.LiveCapture;
import dev.skellyjelly.storage.store.BlockCrypto;
import dev.skellyjelly.storage.store.BlockMerger;
import dev.skellyjelly.storage.store.EncryptionAtRest;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.Maintenance;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-live}: what live capture costs on disk before and after merging. Several people's
 * input ({@link dev.skellyjelly.storage.demo.HumanInput}, ~5 events/s each) is committed once per
 * write interval, as the writer does, then merged and compacted; the same input sent at once
 * (a backlog) is the burst case. Reports whole-file and block-payload bytes per event, the
 * merger's own thread CPU time, and the query times of bench-store on the merged database.
 */
@Command(name = "bench-live",
    header = "live-like input from many sessions: bytes/event before and after merging",
    description = {"N people at their desktops for H hours — pointer strokes with moves 8–30 ms apart, clicks,"
        + " typing at human intervals, window switches, pauses; ~5 events/s each — committed through the store once"
        + " per write interval, then every ended hour merged into sealed blocks and the file compacted. The same"
        + " input committed at once is measured too (burst). Last line JSON: sessions, events, stored,"
        + " fileBytesPerEventBeforeMerge, fileBytesPerEvent, blockBytesPerEventBeforeMerge, blockBytesPerEvent,"
        + " mergeCpuSecondsPerMillionEvents, mergeSeconds, burstFileBytesPerEventBeforeMerge,"
        + " burstFileBytesPerEvent, hourRawPageMs, dayMinuteQueryMs."})
final class BenchLiveCommand implements Callable<Integer> {

  @Option(names = "--sessions", paramLabel = "N", defaultValue = "10",
      description = "Capture sessions. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 1000)
  int sessions;

  @Option(names = "--hours", paramLabel = "H", defaultValue = "4",
      description = "Hours of input. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 23)
  int hours;

  @Option(names = "--write-interval-ms", paramLabel = "MS", defaultValue = "1000",
      description = "One commit per MS of input time. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 60_000)
  long intervalMs;

  @Mixin
  BenchDirectory benchDirectory;

  @Option(names = "--encrypted", description = "Also write the live input with [encryption] on (a key file in"
      + " DIR): adds encryptedFileBytesPerEvent, encryptedMergeCpuSecondsPerMillionEvents, encryptedHourRawPageMs,"
      + " encryptedDayMinuteQueryMs.")
  boolean encrypted;

  @Option(names = "--keep", description = "Keep the databases.")
  boolean keep;

  @Spec
  CommandSpec spec;

  private static final long DAY = Maintenance.DAY_MICROS;
  private static final long HOUR = Maintenance.HOUR_MICROS;

  @Override
  public Integer call() throws Exception {
    long interval = intervalMs * 1000L;
    Path dir = benchDirectory.path();
    return BenchFiles.stoppable(spec.name(), dir, () -> bench(sessions, hours, interval, dir, keep, encrypted));
  }

  private int bench(int sessions, int hours, long interval, Path dir, boolean keep, boolean encrypted)
      throws Exception {
    BenchFiles.emptyDirectory(dir);

    // Input from 08:00 UTC yesterday, so every hour is over and within one day table.
    long start = Math.floorDiv(System.currentTimeMillis() * 1000L, DAY) * DAY - DAY + 8 * HOUR;
    long end = start + hours * HOUR;
    Path live = dir.resolve("live.db");
    long events;
    try (EventStore store = EventStore.open(live, "NORMAL")) {
      events = new LiveCapture(sessions, start).write(store, end, interval, batch -> { }, StopSignals::check);
    }
    System.err.printf("bench-live: %d events from %d sessions over %d h committed every %d ms%n",
        events, sessions, hours, interval / 1000);
    Sizes liveBefore = sizes(live, events);
    long[] merge = mergeAndCompact(live, EncryptionAtRest.OFF);
    Sizes liveAfter = sizes(live, events);

    Path burst = dir.resolve("burst.db");
    try (EventStore store = EventStore.open(burst, "NORMAL")) {
      new LiveCapture(sessions, start).write(store, end, end - start, batch -> { }, StopSignals::check);
    }
    Sizes burstBefore = sizes(burst, events);
    mergeAndCompact(burst, EncryptionAtRest.OFF);
    Sizes burstAfter = sizes(burst, events);

    JsonObject result = new JsonObject()
        .put("sessions", sessions)
        .put("events", events)
        .put("stored", liveAfter.stored())
        .put("eventsPerSecondPerSession", round(events / (double) sessions / (hours * 3600.0)))
        .put("writeIntervalMs", interval / 1000)
        .put("fileBytesPerEventBeforeMerge", liveBefore.filePerEvent())
        .put("fileBytesPerEvent", liveAfter.filePerEvent())
        .put("blockBytesPerEventBeforeMerge", liveBefore.blockPerEvent())
        .put("blockBytesPerEvent", liveAfter.blockPerEvent())
        .put("blocksBeforeMerge", liveBefore.blocks())
        .put("blocksAfterMerge", liveAfter.blocks())
        .put("mergeSeconds", round(merge[1] / 1e9))
        .put("mergeCpuSecondsPerMillionEvents", round(merge[0] / 1e9 / events * 1e6))
        .put("burstFileBytesPerEventBeforeMerge", burstBefore.filePerEvent())
        .put("burstFileBytesPerEvent", burstAfter.filePerEvent())
        .put("burstBlockBytesPerEventBeforeMerge", burstBefore.blockPerEvent());
    queryTimes(live, EncryptionAtRest.OFF, start, result, "");
    if (encrypted) {
      StorageConfig.Encryption key = new StorageConfig.Encryption(true, dir.resolve("bench.key"), null, null);
      Path sealed = dir.resolve("encrypted.db");
      try (EventStore store = EventStore.open(sealed, "NORMAL", 5_000, key)) {
        new LiveCapture(sessions, start).write(store, end, interval, batch -> { }, StopSignals::check);
      }
      long[] sealedMerge = mergeAndCompact(sealed, key);
      Sizes sealedAfter = sizes(sealed, events);
      result.put("encryptedFileBytesPerEvent", sealedAfter.filePerEvent())
          .put("encryptedMergeCpuSecondsPerMillionEvents", round(sealedMerge[0] / 1e9 / events * 1e6));
      queryTimes(sealed, key, start, result, "encrypted");
    }
    if (liveAfter.stored() != events || burstAfter.stored() != events) {
      throw new IllegalStateException("stored " + liveAfter.stored() + " (live) and " + burstAfter.stored()
          + " (burst) events, sent " + events);
    }
    if (!keep) {
      BenchFiles.deleteDirectory(dir);
    }
    System.out.println(result.encode());
    return 0;
  }

  private record Sizes(long stored, long blocks, double filePerEvent, double blockPerEvent) {
  }

  /** Checkpoints the WAL into the file, then measures the whole file and the block payloads. */
  private static Sizes sizes(Path db, long events) throws SQLException, java.io.IOException {
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      long stored = SqliteFiles.queryLong(st, "SELECT sum(event_count) FROM event_blocks");
      long blocks = SqliteFiles.queryLong(st, "SELECT count(*) FROM event_blocks");
      long payload = SqliteFiles.queryLong(st, "SELECT sum(length(payload)) FROM event_blocks");
      return new Sizes(stored, blocks, round(Files.size(db) / (double) events), round(payload / (double) events));
    }
  }

  /** The bench-store query times on {@code db}, put into {@code result} with {@code prefix}. */
  private static void queryTimes(Path db, StorageConfig.Encryption encryption, long start, JsonObject result,
      String prefix) throws Exception {
    try (Connection c = SqliteFiles.openReader(db)) {
      BlockCrypto crypto = EncryptionAtRest.openForReading(c, encryption);
      long hour = start + HOUR;
      result.put(name(prefix, "hourRawPageMs"), BenchStoreCommand.time(db, crypto, new JsonObject()
              .put("type", "events").put("from", hour).put("to", hour + HOUR).put("limit", 1000), "events", 1000))
          .put(name(prefix, "dayMinuteQueryMs"), BenchStoreCommand.time(db, crypto, new JsonObject()
              .put("type", "aggregates").put("resolution", "minute").put("from", start - 8 * HOUR)
              .put("to", start + 16 * HOUR), "rows", 1));
    }
  }

  private static String name(String prefix, String field) {
    return prefix.isEmpty() ? field : prefix + Character.toUpperCase(field.charAt(0)) + field.substring(1);
  }

  /** Merges every ended hour on this thread, then compacts: {thread CPU ns, wall ns} of the merge. */
  private static long[] mergeAndCompact(Path db, StorageConfig.Encryption encryption)
      throws SQLException, java.io.IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, encryption)) {
      Connection c = store.connection();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      BlockMerger.Result r = new BlockMerger(c, store.crypto()).merge(Long.MAX_VALUE / 2, Long.MAX_VALUE);
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      long wall = System.nanoTime() - wall0;
      if (!r.skipped().isEmpty()) {
        throw new IllegalStateException("merging skipped " + r.skipped());
      }
      new Maintenance(c).compact(Integer.MAX_VALUE);
      return new long[] {cpu, wall};
    }
  }

}
