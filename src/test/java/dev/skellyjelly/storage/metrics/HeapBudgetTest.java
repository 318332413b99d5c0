package dev.skellyjelly.storage.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.Reference;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapBudgetTest {
  private static final long MB = 1024 * 1024;

  @Test
  void crossingTheBudgetIsSaidOnceEachWay() {
    HeapBudget budget = new HeapBudget(100 * MB);
    assertEquals(Optional.empty(), budget.check(60 * MB));
    String over = budget.check(150 * MB).orElseThrow();
    assertTrue(over.contains("150 MB") && over.contains("max_memory_usage_mb = 100"), over);
    assertEquals(Optional.empty(), budget.check(170 * MB), "not repeated every second");
    assertTrue(budget.check(90 * MB).orElseThrow().contains("back to 90 MB"));
    assertTrue(budget.check(101 * MB).isPresent(), "said again on the next crossing");
  }

  @Test
  void liveHeapIsAMetric() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProcessGauges.register(registry, 100 * MB, 2);
    System.gc(); // so every heap pool has a collection usage to report
    double live = registry.get("skelly.memory.heap.live").gauge().value();
    assertTrue(live > 0 && live < Runtime.getRuntime().maxMemory(), "live heap " + live);
  }

  @Test
  void liveHeapIsReadAgainAfterEachCollection() {
    System.gc();
    long before = HeapBudget.liveBytes();
    assertEquals(before, HeapBudget.liveBytes(), "no collection in between: the same figure");
    byte[] held = new byte[(int) (64 * MB)];
    System.gc();
    long holding = HeapBudget.liveBytes();
    assertTrue(holding - before >= 60 * MB, "64 MB held across a collection: " + before + " -> " + holding);
    Reference.reachabilityFence(held);
  }
}
