package dev.skellyjelly.storage.cli;

import java.util.Arrays;

/**
 * Latencies recorded one by one, for percentiles at the end of a run. Keeps at most
 * {@link #MAX_SAMPLES}; past that, every n-th, so a long fast run stays a few megabytes.
 */
final class Latencies {
  static final int MAX_SAMPLES = 1 << 20;

  private long[] micros = new long[1024];
  private int size;
  private long seen;
  private int keepEvery = 1;

  synchronized void record(long nanos) {
    if (seen++ % keepEvery != 0) {
      return;
    }
    if (size == micros.length) {
      if (size == MAX_SAMPLES) {
        // Halve what is kept and keep half as often from now on.
        for (int i = 0; i < size / 2; i++) {
          micros[i] = micros[2 * i];
        }
        size /= 2;
        keepEvery *= 2;
      } else {
        micros = Arrays.copyOf(micros, size * 2);
      }
    }
    micros[size++] = nanos / 1_000;
  }

  /** How many latencies were recorded (kept or not). */
  synchronized long count() {
    return seen;
  }

  /** The {@code p}-th percentile (0..1) in milliseconds, or 0 with nothing recorded. */
  synchronized double percentileMs(double p) {
    if (size == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(micros, size);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, index))] / 1000.0;
  }
}
