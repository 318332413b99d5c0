package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A session's events waiting for their frame to fill or its linger to pass. */
final class OpenFrame {

  final UUID session;
  final List<RawEvent> events = new ArrayList<>();
  final List<DurableWaiter> waiters = new ArrayList<>(0);
  final long openedNanos = System.nanoTime();
  long bytes;
  long lingerTimer = -1;
  long lingerDueNanos;

  OpenFrame(UUID session) {
    this.session = session;
  }

  void add(RawEvent event, Promise<Long> committed, int size) {
    events.add(event);
    bytes += size;
    if (committed != null) {
      waiters.add(new DurableWaiter(committed, event.sequence()));
    }
  }

  /** A producer waiting for the commit of its event: completed with the event's sequence. */
  record DurableWaiter(Promise<Long> committed, long sequence) {
  }
}
