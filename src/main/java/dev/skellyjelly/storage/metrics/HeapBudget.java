package dev.skellyjelly.storage.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live heap data against {@code storage.max_memory_usage_mb}. "Live" is the heap in use right
 * after the last collection: unlike heap in use, it does not swing with garbage waiting to be
 * collected, so it measures what the module keeps (an upper bound: old garbage that only a
 * mixed or full collection frees still counts).
 * Crossing the budget is said once, and once again when the module is back under it.
 */
public final class HeapBudget {
  private static final long MB = 1024 * 1024;
  private final long budgetBytes;
  private boolean over;

  public HeapBudget(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** The last figure, with the collection count it was read at. */
  private record Reading(long collections, long liveBytes) {}

  private static final AtomicReference<Reading> LAST = new AtomicReference<>(new Reading(-1, 0));
  /** Fixed for the JVM's life; looking them up builds lists through streams on every call. */
  private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();
  private static final List<MemoryPoolMXBean> POOLS = ManagementFactory.getMemoryPoolMXBeans();

  /**
   * Heap bytes in use right after the most recent garbage collection (of any collector, young
   * included: its figures cover every pool, old generation too), or 0 before the first one.
   * Read again only after another collection: the figure cannot change in between, and reading it
   * builds a {@code GcInfo} per collector, a cost the once-a-second sampler paid even while idle.
   */
  public static long liveBytes() {
    long collections = 0;
    for (GarbageCollectorMXBean gc : COLLECTORS) {
      collections += Math.max(0, gc.getCollectionCount());
    }
    Reading last = LAST.get();
    if (last.collections() == collections) {
      return last.liveBytes();
    }
    long live = readLiveBytes();
    LAST.set(new Reading(collections, live));
    return live;
  }

  private static long readLiveBytes() {
    com.sun.management.GcInfo latest = null;
    for (GarbageCollectorMXBean gc : COLLECTORS) {
      if (gc instanceof com.sun.management.GarbageCollectorMXBean hotspot) {
        com.sun.management.GcInfo info = hotspot.getLastGcInfo();
        if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
          latest = info;
        }
      }
    }
    if (latest == null) {
      return 0;
    }
    long live = 0;
    for (MemoryPoolMXBean pool : POOLS) {
      MemoryUsage after = pool.getType() == MemoryType.HEAP
          ? latest.getMemoryUsageAfterGc().get(pool.getName()) : null;
      if (after != null) {
        live += after.getUsed();
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
