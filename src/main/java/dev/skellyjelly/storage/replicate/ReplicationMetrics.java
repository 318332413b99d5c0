package dev.skellyjelly.storage.replicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Replication's meters on /metrics: lag in seconds and events, batches, events and blocks shipped,
 * failures, and the breaker state (0 closed, 1 half-open, 2 open, 3 stopped: a newer schema).
 */
final class ReplicationMetrics {

  private final Counter batches;
  private final Counter events;
  private final Counter blocks;
  private final Counter failures;
  private final AtomicLong lagEvents = new AtomicLong();
  private final AtomicLong lagMillis = new AtomicLong();

  ReplicationMetrics(MeterRegistry registry, Supplier<Number> breakerState) {
    batches = Counter.builder("skelly.replication.batches")
        .description("Batches committed into PostgreSQL").register(registry);
    events = Counter.builder("skelly.replication.events")
        .description("Events shipped to PostgreSQL (in blocks, merged blocks counted again)").register(registry);
    blocks = Counter.builder("skelly.replication.blocks")
        .description("Event blocks shipped to PostgreSQL").register(registry);
    failures = Counter.builder("skelly.replication.failures")
        .description("Replication attempts that failed (PostgreSQL down, refusing, or a local read error)")
        .register(registry);
    Gauge.builder("skelly.replication.lag.events", lagEvents, AtomicLong::get)
        .description("Events committed locally and not yet in PostgreSQL").register(registry);
    Gauge.builder("skelly.replication.lag", lagMillis, a -> a.get() / 1000.0).baseUnit("seconds")
        .description("How long since PostgreSQL last held everything committed locally (0 when caught up)")
        .register(registry);
    Gauge.builder("skelly.replication.breaker.state", breakerState, s -> s.get().doubleValue())
        .description("Replication circuit breaker: 0 closed, 1 half-open, 2 open, 3 stopped (newer schema)")
        .register(registry);
  }

  void shipped(LocalChanges.Batch batch) {
    batches.increment();
    events.increment(batch.events());
    blocks.increment(batch.blocks().size());
  }

  void failed() {
    failures.increment();
  }

  void lag(long millis, long pendingEvents) {
    lagMillis.set(millis);
    lagEvents.set(pendingEvents);
  }

  double batches() {
    return batches.count();
  }

  double failures() {
    return failures.count();
  }
}
