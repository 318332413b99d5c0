package dev.skellyjelly.storage.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Optional;

/**
 * Live heap data against {@code storage.max_memory_usage_mb}. "Live" is what the heap pools held
 * right after their last collection (their collection usage): unlike heap in use, it does not
 * swing with garbage waiting to be collected, so it measures what the module really keeps.
 * Crossing the budget is said once, and once again when the module is back under it.
 */
public final class HeapBudget {
  private static final long MB = 1024 * 1024;
  private final long budgetBytes;
  private boolean over;

  public HeapBudget(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** Heap bytes still in use after the most recent collection of each heap pool. */
  public static long liveBytes() {
    long live = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
      if (afterGc != null) {
        live += afterGc.getUsed();
      }
    }
    return live;
  }

  /** A line to log when {@code liveBytes} crosses the budget, in either direction. */
  public Optional<String> check(long liveBytes) {
    if (!over && liveBytes > budgetBytes) {
      over = true;
      return Optional.of("heap live data after GC is " + liveBytes / MB + " MB, above"
          + " storage.max_memory_usage_mb = " + budgetBytes / MB + "; look at the screenshot cache"
          + " (screenshot_memory_cache_max_mb), write_buffer_size_mb and open HTTP streams");
    }
    if (over && liveBytes <= budgetBytes) {
      over = false;
      return Optional.of("heap live data after GC is back to " + liveBytes / MB + " MB, within"
          + " storage.max_memory_usage_mb = " + budgetBytes / MB);
    }
    return Optional.empty();
  }
}
