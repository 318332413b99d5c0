package dev.skellyjelly.storage.time;

/**
 * The module's two clocks: wall-clock epoch microseconds (timestamps that cross processes) and a
 * monotonic nanosecond counter (durations). Injected so tests move time instead of waiting.
 */
public interface StorageClock {

  long wallMicros();

  long monotonicNanos();

  StorageClock SYSTEM = new StorageClock() {
    @Override
    public long wallMicros() {
      java.time.Instant now = java.time.Instant.now();
      return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public long monotonicNanos() {
      return System.nanoTime();
    }
  };
}
