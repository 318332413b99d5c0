package dev.skellyjelly.storage.cli;

import static dev.skellyjelly.storage.cli.BenchFigures.round;

import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.Maintenance;
import dev.skellyjelly.storage.store.BlockCrypto;
import dev.skellyjelly.storage.store.Deadline;
import dev.skellyjelly.storage.store.QueryService;
import dev.skellyjelly.storage.store.SqliteReadPool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-store}: days of desktop activity written as the writer writes them (one commit
 * per second of activity, so blocks are as small as in real use), then the queries a dashboard
 * and the Analysis Engine make, each timed as the median of several runs.
 */
@Command(name = "bench-store",
    header = "fill days of demo-mix events, report bytes/event and query times",
    description = {"Generates N days of the demo mix for a desk worker — active 09:00–18:00 with breaks, R events/s"
        + " on average while active, nothing at night — written through the store with one commit per second of"
        + " activity, then rolls up and times (median of 7 runs, through the read-only query pool): one day of minute"
        + " aggregates, 30 days of hourly rollups, the first page (1,000 events) of one hour of raw events. Last"
        + " line JSON: bytesPerEvent, dayMinuteQueryMs, monthHourlyQueryMs, hourRawPageMs."})
final class BenchStoreCommand implements Callable<Integer> {

  @Option(names = "--days", paramLabel = "N", defaultValue = "7",
      description = "Days to fill. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 365)
  int days;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "25",
      description = "Events per active second. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 10_000)
  int rate;

  @Mixin
  BenchDirectory benchDirectory;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path dir = benchDirectory.path();
    return BenchFiles.stoppable(spec.name(), dir, () -> bench(days, rate, dir));
  }

  private int bench(int days, int rate, Path dir) throws Exception {
    BenchFiles.emptyDirectory(dir);
    Path db = dir.resolve("events.db");

    long dayZero = Math.floorDiv(System.currentTimeMillis() * 1000L, Maintenance.DAY_MICROS)
        * Maintenance.DAY_MICROS - days * Maintenance.DAY_MICROS;
    SyntheticCapture capture = new SyntheticCapture(UUID.randomUUID(), 17);
    SplittableRandom random = new SplittableRandom(17);
    long events = 0;
    long t0 = System.nanoTime();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      List<RawEvent> second = new ArrayList<>();
      for (int day = 0; day < days; day++) {
        StopSignals.check();
        for (long s = 9 * 3600; s < 18 * 3600; s++) {
          if (s % 600 == 0) {
            StopSignals.check();
          }
          boolean onBreak = (s % 3600) >= 3000 && random.nextInt(3) > 0; // ~10 min breaks an hour
          if (onBreak) {
            continue;
          }
          int n = random.nextInt(2 * rate + 1);
          long secondStart = dayZero + day * Maintenance.DAY_MICROS + s * 1_000_000L;
          for (int i = 0; i < n; i++) {
            second.add(capture.next(secondStart + i * (1_000_000L / Math.max(1, n))));
          }
          if (!second.isEmpty()) {
            store.stage(second);
            store.commit();
            events += second.size();
            second.clear();
          }
        }
        System.err.printf("bench-store: day %d of %d, %d events%n", day + 1, days, events);
      }
      new Maintenance(store.connection()).rollup(0, dayZero + (days + 1) * Maintenance.DAY_MICROS);
      try (Statement st = store.connection().createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
    double fillSeconds = (System.nanoTime() - t0) / 1e9;
    long bytes = Files.size(db);

    long lastDay = dayZero + (days - 1) * Maintenance.DAY_MICROS;
    JsonObject dayMinutes = new JsonObject().put("type", "aggregates").put("resolution", "minute")
        .put("from", lastDay).put("to", lastDay + Maintenance.DAY_MICROS);
    JsonObject monthHours = new JsonObject().put("type", "aggregates").put("resolution", "hour")
        .put("from", lastDay + Maintenance.DAY_MICROS - 30 * Maintenance.DAY_MICROS)
        .put("to", lastDay + Maintenance.DAY_MICROS);
    long hour = lastDay + 14 * Maintenance.HOUR_MICROS;
    JsonObject hourPage = new JsonObject().put("type", "events").put("from", hour)
        .put("to", hour + Maintenance.HOUR_MICROS).put("limit", 1000);
    JsonObject result = new JsonObject()
        .put("days", days)
        .put("events", events)
        .put("fillSeconds", round(fillSeconds))
        .put("dbBytes", bytes)
        .put("bytesPerEvent", round((double) bytes / events))
        .put("dayMinuteQueryMs", time(db, null, dayMinutes, "rows", 1))
        .put("monthHourlyQueryMs", time(db, null, monthHours, "rows", 1))
        .put("hourRawPageMs", time(db, null, hourPage, "events", 1000));
    System.out.println(result.encode());
    return 0;
  }

  /**
   * Median of 7 timed runs after 2 warm-ups, each through the query pool as the query verticle
   * runs it (read-only, deadline armed); checks the query returned something.
   * {@code crypto} opens the blocks of an encrypted database (null: plaintext).
   */
  static double time(Path db, BlockCrypto crypto, JsonObject q, String field, int atLeast) {
    Vertx vertx = Vertx.vertx();
    try {
      QueryService queries = new QueryService(SqliteReadPool.open(vertx, db, 1), crypto);
      double[] ms = new double[7];
      for (int i = -2; i < ms.length; i++) {
        long t0 = System.nanoTime();
        Deadline deadline = Deadline.in(60_000);
        JsonObject r = queries.query(q, deadline).await();
        double elapsed = (System.nanoTime() - t0) / 1e6;
        if (r.getJsonArray(field).size() < atLeast) {
          throw new IllegalStateException("benchmark query " + q.encode() + " returned too little: "
              + r.getJsonArray(field).size());
        }
        if (i >= 0) {
          ms[i] = elapsed;
        }
      }
      Arrays.sort(ms);
      return round(ms[ms.length / 2]);
    } finally {
      vertx.close().await();
    }
  }

}
