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
      return Timestamps.micros(java.time.Instant.now());
    }

    @Override
    public long monotonicNanos() {
      return System.nanoTime();
    }
  };
}
