package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.SequenceRanges;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the next commit will write, gathered as it arrives: events grouped by session (an event
 * whose session and sequence is already stored or staged is skipped as a retry), in arrival order
 * too, window records, screenshot metadata rows and masking results. Memory only; one owner thread.
 */
final class StagedWrite {

  private final StoredSequences stored;
  private final Map<UUID, List<RawEvent>> eventsBySession = new LinkedHashMap<>();
  private final Map<UUID, SequenceRanges> ranges = new HashMap<>();
  private List<RawEvent> inArrivalOrder = new ArrayList<>();
  private long bytes;
  private int eventCount;
  private final List<WindowRecord> windows = new ArrayList<>();
  private final List<ScreenshotMetadata> screenshots = new ArrayList<>();
  private final List<MaskingRecorded> maskings = new ArrayList<>();

  StagedWrite(StoredSequences stored) {
    this.stored = stored;
  }

  /**
   * Stages events; one already stored or staged is skipped.
   *
   * @return how many were skipped as duplicates
   */
  int stage(List<RawEvent> events) {
    int duplicates = 0;
    for (RawEvent e : events) {
      UUID session = e.sessionId();
      SequenceRanges pending = ranges.computeIfAbsent(session, s -> new SequenceRanges());
      if (pending.contains(e.sequence()) || stored.contains(session, e.sequence())) {
        duplicates++;
        continue;
      }
      pending.add(e.sequence());
      eventsBySession.computeIfAbsent(session, s -> new ArrayList<>()).add(e);
      inArrivalOrder.add(e);
      bytes += e.estimatedBytes();
      eventCount++;
    }
    return duplicates;
  }

  void window(WindowRecord window) {
    windows.add(window);
  }

  void screenshot(ScreenshotMetadata metadata) {
    screenshots.add(metadata);
  }

  void masking(MaskingRecorded masking) {
    maskings.add(masking);
  }

  int eventCount() {
    return eventCount;
  }

  boolean isEmpty() {
    return eventCount == 0 && windows.isEmpty() && screenshots.isEmpty() && maskings.isEmpty();
  }

  Map<UUID, List<RawEvent>> eventsBySession() {
    return eventsBySession;
  }

  /** The staged sequence numbers per session (what {@link StoredSequences} will hold after the commit). */
  Map<UUID, SequenceRanges> ranges() {
    return ranges;
  }

  List<RawEvent> inArrivalOrder() {
    return inArrivalOrder;
  }

  long bytes() {
    return bytes;
  }

  List<WindowRecord> windows() {
    return windows;
  }

  List<ScreenshotMetadata> screenshots() {
    return screenshots;
  }

  List<MaskingRecorded> maskings() {
    return maskings;
  }

  /**
   * Forgets the events and screenshot metadata (their producers were told to send again); window
   * records and masking results stay for the next commit.
   */
  void discardEvents() {
    eventsBySession.clear();
    // A new list: the old one may still be on its way to the batcher.
    inArrivalOrder = new ArrayList<>();
    bytes = 0;
    ranges.clear();
    screenshots.clear();
    eventCount = 0;
  }

  /** After a commit: everything staged is stored. */
  void clear() {
    discardEvents();
    windows.clear();
    maskings.clear();
  }
}
