package dev.skellyjelly.storage.bus;

import dev.skellyjelly.storage.event.RawEvent;
import java.util.List;

/**
 * Events handed on together: one bus message for many events keeps the module's own hops off the
 * hot path. From the receiver to the writer, {@code commitNow} says the receiver held these events
 * for a whole write interval, so they (and everything staged) are due for commit at once; from the
 * writer to the batcher it is false. Immutable and local only.
 */
public record IngestChunk(long chunkId, List<RawEvent> events, long estimatedBytes, boolean commitNow) {
  public IngestChunk {
    events = List.copyOf(events);
  }

  public IngestChunk(long chunkId, List<RawEvent> events, long estimatedBytes) {
    this(chunkId, events, estimatedBytes, false);
  }
}
