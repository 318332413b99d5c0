package dev.skellyjelly.storage.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.event.EventBatch;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One open window: what it holds, when it ends, and the record stored for it. */
class WindowTest {

  private static final long T0 = 1_794_301_200_000_000L;
  private static final UUID A = new UUID(0, 1);
  private static final UUID B = new UUID(0, 2);

  @Test
  void anEmptyWindowIsEmptyAndAScreenshotAloneMakesItNonEmpty() {
    Window w = new Window(T0, 0, 10);
    assertTrue(w.isEmpty());
    w.addScreenshot(new ScreenshotId(new UUID(9, 9)));
    assertFalse(w.isEmpty());
    assertEquals(0, w.size(), "a screenshot is not counted as an event");
  }

  @Test
  void theEndIsTheStartPlusTheMonotonicTimeElapsedWhateverTheWallClockDid() {
    Window w = new Window(T0, 5_000_000_000L, 10);
    w.add(new RawEvent.Keystroke(T0 - 3_600_000_000L, A, 0, 65, 0)); // a wall clock set back an hour
    EventBatch batch = w.close(5_000_000_000L + 30_000_000_000L);
    assertEquals(T0, batch.startMicros());
    assertEquals(T0 + 30_000_000, batch.endMicros(), "30 s on the monotonic clock");
    assertEquals(w.id(), batch.windowId());
    assertEquals(T0, new Window(T0, 100, 1).close(50).endMicros(), "never ends before it starts");
  }

  @Test
  void theRecordHoldsEachSessionsSequencesAsIntervalsAndTheScreenshots() {
    Window w = new Window(T0, 0, 10);
    ScreenshotId shot = new ScreenshotId(new UUID(7, 7));
    List<RawEvent> events = List.of(
        new RawEvent.Keystroke(T0 + 1, A, 0, 65, 0),
        new RawEvent.Keystroke(T0 + 2, B, 40, 66, 0),
        new RawEvent.Keystroke(T0 + 3, A, 1, 67, 0),
        new RawEvent.Keystroke(T0 + 4, A, 3, 68, 0));
    events.forEach(w::add);
    w.addScreenshot(shot);
    EventBatch batch = w.close(1_000);
    assertEquals(events, batch.events(), "arrival order kept");
    WindowRecord record = Window.record(batch);
    assertEquals(4, record.eventCount());
    assertEquals(java.util.Set.of(A, B), record.members().keySet(), "each session once");
    assertEquals(List.of("0-1", "3-3"), record.members().get(A).intervals().stream()
        .map(r -> r[0] + "-" + r[1]).toList());
    assertEquals(1, record.members().get(B).count());
    assertEquals(List.of(shot), record.screenshotRefs());
    assertEquals(batch.startMicros(), record.startMicros());
    assertEquals(batch.endMicros(), record.endMicros());
  }
}
