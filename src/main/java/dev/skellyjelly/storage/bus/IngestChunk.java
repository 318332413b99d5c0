package dev.skellyjelly.storage.bus;

import dev.skellyjelly.storage.event.RawEvent;
import java.util.List;

/**
 * Events the receiver took in during one event-loop turn, handed on together: one bus message
 * for hundreds of events keeps the module's own hops off the hot path. Immutable and local only.
 */
public record IngestChunk(long chunkId, List<RawEvent> events, long estimatedBytes) {
  public IngestChunk {
    events = List.copyOf(events);
  }
}
