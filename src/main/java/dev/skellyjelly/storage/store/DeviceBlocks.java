package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;

/**
 * Opens the blocks of the shared store, which holds every device's: a sealed block with its
 * device's keys, a plaintext one as it is. The keys are those current in the query's snapshot.
 */
public interface DeviceBlocks {

  /** Opens one block's events. */
  interface Opener {
    /** The events of a block of {@code device}; fails as {@link BlockDecryptException} or a decode error. */
    List<RawEvent> open(UUID device, UUID session, long firstSeq, long lastSeq, byte[] payload);
  }

  /** The opener of every device's blocks as of {@code session}'s snapshot. */
  Future<Opener> current(ReadSession session);
}
