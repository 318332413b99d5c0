package dev.skellyjelly.storage.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The spec's resource metrics: memory the module's JVM uses (heap + non-heap) and the CPU it
 * takes, in percent of one core (the spec's budget is 2 %), read on each scrape.
 */
public final class ProcessGauges {
  private ProcessGauges() {
  }

  public static void register(MeterRegistry registry, long memoryBudgetBytes, double cpuBudgetPercent) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Gauge.builder("skelly.memory.used", memory,
            m -> m.getHeapMemoryUsage().getUsed() + m.getNonHeapMemoryUsage().getUsed())
        .baseUnit("bytes").description("JVM heap and non-heap memory in use").register(registry);
    Gauge.builder("skelly.memory.heap.live", HeapBudget::liveBytes).baseUnit("bytes")
        .description("Heap in use right after the last GC: the module's live data")
        .register(registry);
    Gauge.builder("skelly.memory.budget", () -> memoryBudgetBytes).baseUnit("bytes")
        .description("storage.max_memory_usage_mb").register(registry);
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      int cores = Runtime.getRuntime().availableProcessors();
      Gauge.builder("skelly.cpu.usage.percent", os,
              o -> Math.max(0, o.getProcessCpuLoad()) * 100.0 * cores)
          .description("CPU used by the module's process, percent of one core").register(registry);
    }
    Gauge.builder("skelly.cpu.budget.percent", () -> cpuBudgetPercent)
        .description("storage.target_cpu_usage_percent").register(registry);
  }
}
