package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.event.EventJson;
import dev.skellyjelly.storage.event.EventKind;
import dev.skellyjelly.storage.event.MouseButton;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.SequenceRanges;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every read path against a brute-force filter over what was sent: random sessions, out-of-order
 * and late events (seconds to days old), retries, random commit boundaries, merges at random
 * moments, random ranges. Cases: {@code -Dproperty.cases=N} (default 150; the closing figures
 * come from thousands); the seed of a failing case is in its message.
 */
class ReadPropertyTest {

  /** 2026-11-10T22:30:00Z: the input crosses midnight, so two day tables are common. */
  private static final long T0 = 1_794_349_800_000_000L;
  private static final long SECOND = 1_000_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = Maintenance.HOUR_MICROS;
  private static final long DAY = Maintenance.DAY_MICROS;

  @TempDir
  Path dir;

  @Test
  void everyReadPathEqualsABruteForceFilterOverWhatWasSent() throws Exception {
    int cases = Integer.getInteger("property.cases", 150);
    long seed0 = Long.getLong("property.seed", new SplittableRandom().nextLong());
    for (int i = 0; i < cases; i++) {
      long seed = seed0 + i;
      try {
        runCase(dir.resolve("case-" + i), new SplittableRandom(seed));
      } catch (AssertionError | Exception e) {
        throw new AssertionError("case " + i + " failed (rerun with -Dproperty.seed=" + seed
            + " -Dproperty.cases=1): " + e.getMessage(), e);
      }
    }
  }

  private static RawEvent randomEvent(SplittableRandom r, UUID session, long seq, long t) {
    return switch (r.nextInt(6)) {
      case 0, 1 -> new RawEvent.MouseMove(t, session, seq, r.nextInt(1920), r.nextInt(1080));
      case 2 -> new RawEvent.Keystroke(t, session, seq, r.nextInt(8, 200), r.nextInt(4));
      case 3 -> new RawEvent.MouseClick(t, session, seq, r.nextInt(1920), r.nextInt(1080), MouseButton.LEFT, 1 + r.nextInt(2));
      case 4 -> new RawEvent.WindowFocus(t, session, seq, "title " + r.nextInt(5), "app" + r.nextInt(3), r.nextInt(100));
      default -> new RawEvent.ResourceUsage(t, session, seq, r.nextInt(100), r.nextLong(1L << 40));
    };
  }

  /** A timestamp near {@code t}: mostly in order, sometimes minutes, hours or days late. */
  private static long jitter(SplittableRandom r, long t) {
    int roll = r.nextInt(100);
    if (roll < 80) {
      return t;
    }
    if (roll < 92) {
      return t - r.nextLong(1, 10 * MINUTE);
    }
    if (roll < 97) {
      return t - r.nextLong(1, 3 * HOUR);
    }
    return t - r.nextLong(1, 3 * DAY);
  }

  private void runCase(Path caseDir, SplittableRandom r) throws Exception {
    Files.createDirectories(caseDir);
    Path db = caseDir.resolve("events.db");
    int sessions = r.nextInt(1, 5);
    List<RawEvent> sent = new ArrayList<>();
    Map<UUID, Long> nextSeq = new LinkedHashMap<>();
    for (int s = 0; s < sessions; s++) {
      nextSeq.put(UUID.randomUUID(), 0L);
    }
    List<UUID> ids = new ArrayList<>(nextSeq.keySet());
    List<WindowRecord> windows = new ArrayList<>();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      BlockMerger merger = new BlockMerger(store.connection());
      long clock = T0 + r.nextLong(HOUR);
      int writes = r.nextInt(1, 30);
      for (int w = 0; w < writes; w++) {
        List<RawEvent> batch = new ArrayList<>();
        int n = r.nextInt(1, 60);
        for (int i = 0; i < n; i++) {
          clock += r.nextLong(0, r.nextBoolean() ? 2 * SECOND : 5 * MINUTE);
          UUID session = ids.get(r.nextInt(ids.size()));
          long seq = nextSeq.merge(session, 1L, Long::sum) - 1;
          batch.add(randomEvent(r, session, seq, jitter(r, clock)));
        }
        if (!sent.isEmpty() && r.nextInt(4) == 0) { // a retry of events already stored
          for (int i = 0; i < r.nextInt(1, 10); i++) {
            batch.add(sent.get(r.nextInt(sent.size())));
          }
        }
        for (RawEvent e : batch) {
          if (!sent.contains(e)) {
            sent.add(e);
          }
        }
        store.stage(batch);
        if (r.nextInt(3) > 0) {
          windows.add(randomWindow(r, sent));
          store.stageWindow(windows.get(windows.size() - 1));
        }
        if (r.nextInt(3) > 0 || w == writes - 1) {
          store.commit();
        }
        if (r.nextInt(5) == 0) {
          merger.merge(clock - r.nextLong(0, 2 * HOUR), r.nextLong(1, 500));
        }
      }
      new Maintenance(store.connection()).rollup(0, clock + 2 * DAY);
    }
    long lo = sent.stream().mapToLong(RawEvent::timestampMicros).min().orElseThrow();
    long hi = sent.stream().mapToLong(RawEvent::timestampMicros).max().orElseThrow();
    try (QueryFixture c = QueryFixture.open(db)) {
      for (int q = 0; q < 4; q++) {
        long from = lo - MINUTE + r.nextLong(hi - lo + 2 * MINUTE);
        long to = from + 1 + r.nextLong(q == 0 ? hi - lo + 2 * MINUTE : 30 * MINUTE);
        checkEvents(c, sent, from, to, r.nextBoolean() ? ids.get(r.nextInt(ids.size())) : null, 1 + r.nextInt(50));
        checkAggregates(c, sent, from, to);
      }
      checkExport(db, caseDir, sent, lo, hi + 1);
      long from = lo + r.nextLong(hi - lo + 1);
      checkExport(db, caseDir, sent, from, from + 1 + r.nextLong(HOUR)); // a sub-range
      for (WindowRecord w : windows) {
        checkWindow(c, sent, w);
      }
    }
  }

  private static WindowRecord randomWindow(SplittableRandom r, List<RawEvent> sent) {
    Map<UUID, SequenceRanges> members = new HashMap<>();
    int count = 0;
    for (RawEvent e : sent) {
      if (r.nextInt(3) == 0) {
        members.computeIfAbsent(e.sessionId(), s -> new SequenceRanges()).add(e.sequence());
        count++;
      }
    }
    return new WindowRecord(UUID.randomUUID(), T0, T0 + 30 * SECOND, count, members, List.of());
  }

  private static List<String> json(List<RawEvent> events) {
    return events.stream().map(e -> EventJson.toJson(e).encode()).toList();
  }

  private static List<String> sortedJson(List<RawEvent> events) {
    List<RawEvent> copy = new ArrayList<>(events);
    copy.sort(Comparator.comparing(RawEvent::sessionId).thenComparingLong(RawEvent::sequence));
    return json(copy);
  }

  private static void checkEvents(QueryFixture c, List<RawEvent> sent, long from, long to, UUID session,
      int limit) throws Exception {
    List<RawEvent> expected = sent.stream().filter(e -> e.timestampMicros() >= from && e.timestampMicros() < to
        && (session == null || e.sessionId().equals(session))).toList();
    List<String> got = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject q = new JsonObject().put("type", "events").put("from", from).put("to", to).put("limit", limit)
          .put("cursor", cursor);
      if (session != null) {
        q.put("session", session.toString());
      }
      JsonObject page = c.run(q);
      assertEquals(null, page.getJsonArray("errors"), "no block is unreadable");
      page.getJsonArray("events").forEach(o -> got.add(((JsonObject) o).encode()));
      cursor = page.getString("next");
    } while (cursor != null);
    List<String> gotSorted = new ArrayList<>(got);
    List<String> want = new ArrayList<>(json(expected));
    gotSorted.sort(null);
    want.sort(null);
    assertEquals(want.size(), gotSorted.size(), "events in [" + from + ", " + to + ") session " + session);
    assertEquals(want, gotSorted, "events in [" + from + ", " + to + ")");
  }

  private static void checkExport(Path db, Path caseDir, List<RawEvent> sent, long from, long to) throws Exception {
    Path out = caseDir.resolve("export.jsonl.gz");
    long n = Export.write(db, EncryptionAtRest.OFF, new EventReader.Range(from, to, null, null), out,
        ExportFile.Compression.GZIP, false).events();
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(out)),
        StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(new JsonObject(line).encode());
      }
    }
    List<String> want = new ArrayList<>(json(sent.stream()
        .filter(e -> e.timestampMicros() >= from && e.timestampMicros() < to).toList()));
    want.sort(null);
    lines.sort(null);
    assertEquals(want.size(), n, "export count of [" + from + ", " + to + ")");
    assertEquals(want, lines, "export");
  }

  private static void checkWindow(QueryFixture c, List<RawEvent> sent, WindowRecord w) throws Exception {
    List<RawEvent> expected = sent.stream().filter(e -> w.members().containsKey(e.sessionId())
        && w.members().get(e.sessionId()).contains(e.sequence())).toList();
    JsonObject replay = c.run(new JsonObject().put("type", "window").put("id", w.windowId().toString()));
    List<String> got = new ArrayList<>();
    replay.getJsonArray("events").forEach(o -> got.add(((JsonObject) o).encode()));
    assertEquals(sortedJson(expected), got, "replay of window " + w.windowId());
  }

  /** Per bucket: keystrokes, clicks, window switches, active ms (distinct seconds with input). */
  private static Map<Long, long[]> bruteForceAggregates(List<RawEvent> sent, long bucket) {
    Map<Long, long[]> out = new TreeMap<>();
    Map<Long, java.util.Set<Long>> activeSeconds = new HashMap<>();
    for (RawEvent e : sent) {
      EventKind kind = e.kind();
      if (kind == EventKind.RESOURCE_USAGE || kind == EventKind.PROCESS_START) {
        continue; // stored, but not counted per minute
      }
      long key = Math.floorDiv(e.timestampMicros(), bucket) * bucket;
      long[] row = out.computeIfAbsent(key, k -> new long[4]);
      row[0] += kind == EventKind.KEYSTROKE ? 1 : 0;
      row[1] += kind == EventKind.MOUSE_CLICK ? 1 : 0;
      row[2] += kind == EventKind.WINDOW_FOCUS ? 1 : 0;
      if (kind == EventKind.KEYSTROKE || kind == EventKind.MOUSE_CLICK || kind == EventKind.MOUSE_MOVE) {
        activeSeconds.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(Math.floorDiv(e.timestampMicros(), SECOND));
      }
    }
    activeSeconds.forEach((k, secs) -> out.get(k)[3] = secs.size() * 1000L);
    return out;
  }

  private static void checkAggregates(QueryFixture c, List<RawEvent> sent, long from, long to) throws Exception {
    for (Object[] res : new Object[][] {{"minute", MINUTE}, {"hour", HOUR}, {"day", DAY}}) {
      long bucket = (Long) res[1];
      Map<Long, long[]> expected = new TreeMap<>();
      bruteForceAggregates(sent, bucket).forEach((k, v) -> {
        if (k >= from && k < to) {
          expected.put(k, v);
        }
      });
      JsonArray rows = c.run(new JsonObject().put("type", "aggregates").put("resolution", res[0])
          .put("from", from).put("to", to)).getJsonArray("rows");
      Map<Long, long[]> got = new TreeMap<>();
      rows.forEach(o -> {
        JsonObject row = (JsonObject) o;
        got.put(row.getLong("startMicros"), new long[] {row.getLong("keystrokes"), row.getLong("mouseClicks"),
            row.getLong("windowSwitches"), row.getLong("activeTimeMs")});
      });
      assertEquals(expected.keySet(), got.keySet(), res[0] + " buckets in [" + from + ", " + to + ")");
      expected.forEach((k, v) -> assertEquals(java.util.Arrays.toString(v), java.util.Arrays.toString(got.get(k)),
          res[0] + " " + k));
    }
  }
}
