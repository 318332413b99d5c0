package dev.skellyjelly.storage.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The stored-sequence set that tells a retried event from a new one. */
class SequenceRangesTest {

  private static List<String> shown(SequenceRanges r) {
    return r.intervals().stream().map(i -> i[0] + "-" + i[1]).toList();
  }

  @Test
  void adjacentAndOverlappingNumbersMergeIntoOneInterval() {
    SequenceRanges r = new SequenceRanges();
    assertTrue(r.isEmpty());
    r.add(0);
    r.add(1);
    r.add(2);
    assertEquals(List.of("0-2"), shown(r));
    r.addRange(5, 7);
    assertEquals(List.of("0-2", "5-7"), shown(r), "a hole stays a hole");
    r.add(4);
    assertEquals(List.of("0-2", "4-7"), shown(r), "adjacent below joins");
    r.add(3);
    assertEquals(List.of("0-7"), shown(r), "filling the hole joins both sides");
    r.addRange(2, 5);
    assertEquals(List.of("0-7"), shown(r), "inside: nothing changes");
    assertEquals(8, r.count());
  }

  @Test
  void aRangeSpanningSeveralIntervalsSwallowsThem() {
    SequenceRanges r = new SequenceRanges();
    r.addRange(10, 12);
    r.addRange(20, 22);
    r.addRange(30, 32);
    r.addRange(11, 31);
    assertEquals(List.of("10-32"), shown(r));
    assertArrayEquals(new long[] {10, 32}, r.intervals().get(0));
  }

  @Test
  void containsAnswersExactlyForEdgesHolesAndExtremes() {
    SequenceRanges r = new SequenceRanges();
    r.addRange(5, 9);
    r.addRange(20, 20);
    r.add(Long.MAX_VALUE);
    assertFalse(r.contains(4));
    assertTrue(r.contains(5));
    assertTrue(r.contains(9));
    assertFalse(r.contains(10));
    assertFalse(r.contains(19));
    assertTrue(r.contains(20));
    assertFalse(r.contains(21));
    assertTrue(r.contains(Long.MAX_VALUE));
    assertFalse(r.contains(Long.MAX_VALUE - 1));
    assertFalse(r.contains(-1));
  }

  @Test
  void addAllMergesAnotherSet() {
    SequenceRanges a = new SequenceRanges();
    a.addRange(0, 3);
    SequenceRanges b = new SequenceRanges();
    b.addRange(4, 6);
    b.addRange(10, 11);
    a.addAll(b);
    assertEquals(List.of("0-6", "10-11"), shown(a));
    assertEquals(List.of("4-6", "10-11"), shown(b), "the other set is left as it was");
  }

  @Test
  void matchesASetOfNumbersUnderRandomRetriesAndOutOfOrderArrival() {
    SplittableRandom random = new SplittableRandom(7);
    SequenceRanges r = new SequenceRanges();
    TreeSet<Long> truth = new TreeSet<>();
    for (int i = 0; i < 20_000; i++) {
      long lo = random.nextLong(2_000);
      long hi = lo + (random.nextInt(10) == 0 ? random.nextLong(20) : 0);
      r.addRange(lo, hi);
      for (long s = lo; s <= hi; s++) {
        truth.add(s);
      }
    }
    assertEquals(truth.size(), r.count());
    for (long s = -1; s <= 2_100; s++) {
      assertEquals(truth.contains(s), r.contains(s), "sequence " + s);
    }
    long previousHi = Long.MIN_VALUE;
    for (long[] interval : r.intervals()) {
      assertTrue(interval[0] > previousHi + 1, "intervals are disjoint and not adjacent");
      previousHi = interval[1];
    }
  }
}
