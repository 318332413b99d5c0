package dev.skellyjelly.storage.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one time parser of queries and tools: what it accepts, and errors that name the parameter. */
class TimestampsTest {

  /** 2026-11-24T10:00:00Z */
  private static final long T = 1_795_514_400_000_000L;

  @Test
  void epochMicrosecondsAsNumberOrDigits() {
    assertEquals(T, Timestamps.micros(T, "parameter 'from'"));
    assertEquals(T, Timestamps.micros(Long.toString(T), "parameter 'from'"));
    assertEquals(-5, Timestamps.parse("-5"));
  }

  @Test
  void isoInstantsKeepTheirMicroseconds() {
    assertEquals(T, Timestamps.parse("2026-11-24T10:00:00Z"));
    assertEquals(T + 123_456, Timestamps.parse("2026-11-24T10:00:00.123456Z"));
    assertEquals(T + 123_456, Timestamps.parse("2026-11-24T10:00:00.123456789Z"), "below a microsecond is cut");
    assertEquals(T, Timestamps.parse("2026-11-24T11:00:00+01:00"));
  }

  @Test
  void aMissingValueNamesTheParameterAndWhatIsAccepted() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Timestamps.micros(null, "parameter 'to'"));
    assertEquals("parameter 'to' is missing: epoch microseconds or an ISO-8601 instant like 2026-11-24T10:00:00Z",
        e.getMessage());
  }

  @Test
  void anUnreadableValueIsQuotedWithTheParameter() {
    for (String bad : new String[] {"yesterday", "2026-11-24", "2026-11-24T10:00:00", "99999999999999999999",
        "+1000000000-01-01T00:00:00Z", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Timestamps.micros(bad, "parameter 'from'"), bad);
      assertEquals("parameter 'from' = '" + bad + "' is neither epoch microseconds nor an ISO-8601 instant like"
          + " 2026-11-24T10:00:00Z", e.getMessage());
    }
  }

  @Test
  void theSystemClockCountsInMicroseconds() {
    long before = Timestamps.micros(java.time.Instant.now());
    long now = StorageClock.SYSTEM.wallMicros();
    assertTrue(now >= before && now - before < 60_000_000L, before + " " + now);
  }
}
