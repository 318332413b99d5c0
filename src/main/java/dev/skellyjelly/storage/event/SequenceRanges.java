package dev.skellyjelly.storage.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of sequence numbers of one session kept as disjoint closed intervals. Producers number
 * events 0, 1, 2, … so the set is nearly always one interval; retries and refused events make
 * the occasional hole, which a later retry fills.
 */
public final class SequenceRanges {
  private final TreeMap<Long, Long> intervals = new TreeMap<>();

  public boolean contains(long seq) {
    Map.Entry<Long, Long> e = intervals.floorEntry(seq);
    return e != null && e.getValue() >= seq;
  }

  public boolean isEmpty() {
    return intervals.isEmpty();
  }

  /** Adds one number, merging with neighbours. */
  public void add(long seq) {
    addRange(seq, seq);
  }

  /** Adds [lo, hi], merging with overlapping or adjacent intervals. */
  public void addRange(long lo, long hi) {
    Map.Entry<Long, Long> before = intervals.floorEntry(lo);
    if (before != null && before.getValue() >= lo - 1) {
      lo = before.getKey();
      hi = Math.max(hi, before.getValue());
    }
    Map.Entry<Long, Long> next = intervals.ceilingEntry(lo);
    while (next != null && next.getKey() <= hi + 1) {
      hi = Math.max(hi, next.getValue());
      intervals.remove(next.getKey());
      next = intervals.ceilingEntry(lo);
    }
    intervals.put(lo, hi);
  }

  public void addAll(SequenceRanges other) {
    other.intervals.forEach(this::addRange);
  }

  /** The intervals in order, each as {lo, hi}. */
  public List<long[]> intervals() {
    List<long[]> out = new ArrayList<>(intervals.size());
    intervals.forEach((lo, hi) -> out.add(new long[] {lo, hi}));
    return out;
  }

  public long count() {
    long n = 0;
    for (Map.Entry<Long, Long> e : intervals.entrySet()) {
      n += e.getValue() - e.getKey() + 1;
    }
    return n;
  }
}
