package dev.skellyjelly.storage;

import dev.skellyjelly.storage.time.StorageClock;

import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves: deadlines pass when the test says so, not after real waiting. */
public final class ManualClock implements StorageClock {
  private final AtomicLong micros;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  public ManualClock(long startMicros) {
    this.micros = new AtomicLong(startMicros);
  }

  public void advanceMillis(long millis) {
    micros.addAndGet(millis * 1_000);
    nanos.addAndGet(millis * 1_000_000);
  }

  @Override
  public long wallMicros() {
    return micros.get();
  }

  @Override
  public long monotonicNanos() {
    return nanos.get();
  }
}
