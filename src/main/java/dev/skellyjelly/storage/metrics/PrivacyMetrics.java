package dev.skellyjelly.storage.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The meters of PII masking, kept apart from {@link StorageMetrics} because masking runs only
 * when screenshots are fetched: the module's idle and ingest CPU targets exclude it, and this
 * is where its cost shows.
 */
public final class PrivacyMetrics {

  private final Timer maskCpu;
  private final Counter fullyMasked;

  public PrivacyMetrics(MeterRegistry registry) {
    maskCpu = Timer.builder("skelly.pii.mask")
        .description("CPU time of masking one screenshot (OCR, classification, fill, encoding)")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    fullyMasked = Counter.builder("skelly.pii.fully.masked.fetches")
        .description("Fetches answered with the whole screenshot filled because masking was"
            + " unavailable, failed or missed mask_deadline_ms (fail closed), or a rule said so")
        .register(registry);
  }

  public void masked(long cpuNanos) {
    maskCpu.record(cpuNanos, TimeUnit.NANOSECONDS);
  }

  public void fullyMaskedFetch() {
    fullyMasked.increment();
  }
}
