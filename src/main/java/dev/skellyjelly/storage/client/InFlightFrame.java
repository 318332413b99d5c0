package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.event.EventFrame;
import dev.skellyjelly.storage.event.RawEvent;
import java.util.List;

/** A sent frame, held (and counted against the bound) until answered or given up. */
final class InFlightFrame {

  final EventFrame frame;
  final List<OpenFrame.DurableWaiter> waiters;
  final long bytes;
  final long firstAttemptNanos = System.nanoTime();
  /** The last failure of a durable frame, for the give-up message. */
  Throwable lastFailure;

  InFlightFrame(OpenFrame open) {
    this.frame = EventFrame.of(open.events);
    this.waiters = open.waiters;
    this.bytes = open.bytes;
  }

  /** The screenshot, when this is a screenshot's frame (a screenshot always travels alone), else null. */
  RawEvent.Screenshot screenshot() {
    List<RawEvent> events = frame.events();
    return events.size() == 1 && events.get(0) instanceof RawEvent.Screenshot s ? s : null;
  }

  int size() {
    return frame.events().size();
  }

  long elapsedMs() {
    return (System.nanoTime() - firstAttemptNanos) / 1_000_000;
  }
}
