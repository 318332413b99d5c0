package dev.skellyjelly.storage.receive;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotChunk;
import dev.skellyjelly.storage.event.ScreenshotChunkEncoding;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Joins {@link ScreenshotChunk}s back into screenshots, within bounds: the image bytes announced
 * by every screenshot in progress together stay under {@code maxHeldBytes} (reserved when its
 * chunk 0 arrives), one screenshot under {@code maxScreenshotBytes}, and a screenshot not
 * complete {@code timeout} after its chunk 0 is dropped by {@link #expire} and its memory freed.
 *
 * <p>Chunks of one screenshot (session, sequence) come in order: 0, 1, … n. A bad chunk is
 * refused with a {@link StorageException} naming what was wrong — a duplicate ({@code
 * INVALID_EVENT}; the screenshot goes on), a gap or an overrun ({@code INVALID_EVENT}; the partial
 * screenshot is dropped), a size over a bound ({@code TOO_LARGE}), no room ({@code
 * BACKPRESSURE}) — and touches no other screenshot. Chunk 0 again starts its screenshot over:
 * that is a producer's retry. Not thread-safe: one receiver's event loop owns it.
 */
final class ScreenshotReassembly {

  private record Key(UUID session, long sequence) {
    @Override
    public String toString() {
      return "screenshot " + session + "/" + sequence;
    }
  }

  private static final class Partial {
    final RawEvent.Screenshot metadata;
    final byte[] image;
    final int dataChunks;
    final long deadlineNanos;
    int nextIndex = 1;
    int filled;

    Partial(RawEvent.Screenshot metadata, int totalBytes, int dataChunks, long deadlineNanos) {
      this.metadata = metadata;
      this.image = new byte[totalBytes];
      this.dataChunks = dataChunks;
      this.deadlineNanos = deadlineNanos;
    }
  }

  private final long maxHeldBytes;
  private final long maxScreenshotBytes;
  private final long timeoutNanos;
  private final LongSupplier nanos;
  /** In order of chunk 0's arrival, hence of deadlines: {@link #expire} stops at the first not due. */
  private final Map<Key, Partial> partials = new LinkedHashMap<>();
  private long heldBytes;
  private long expired;

  ScreenshotReassembly(long maxHeldBytes, long maxScreenshotBytes, long timeoutNanos,
      LongSupplier nanos) {
    this.maxHeldBytes = maxHeldBytes;
    this.maxScreenshotBytes = Math.min(maxScreenshotBytes, maxHeldBytes);
    this.timeoutNanos = timeoutNanos;
    this.nanos = nanos;
  }

  /**
   * Takes one chunk.
   *
   * @return the whole screenshot once its last chunk is in; {@code null} while it is incomplete
   * @throws StorageException naming what was wrong with the chunk
   */
  RawEvent.Screenshot accept(ScreenshotChunk chunk) {
    Key key = new Key(chunk.session(), chunk.sequence());
    return chunk.isFirst() ? start(key, chunk) : add(key, chunk);
  }

  private RawEvent.Screenshot start(Key key, ScreenshotChunk first) {
    Partial previous = partials.remove(key);
    if (previous != null) {
      heldBytes -= previous.image.length; // the producer sends it again: start over
    }
    int total = first.totalBytes();
    int count = first.dataChunks();
    if (total > maxScreenshotBytes) {
      throw new StorageException(ErrorCode.TOO_LARGE, key + " of " + total + " bytes is over the"
          + " limit of " + maxScreenshotBytes + " bytes for one screenshot; send a smaller image");
    }
    boolean consistent = total == 0 ? count == 0
        : count >= 1 && count <= total && (long) count * ScreenshotChunkEncoding.MAX_DATA_BYTES >= total;
    if (!consistent) {
      throw new StorageException(ErrorCode.INVALID_EVENT, "chunk 0 of " + key + " announces " + total
          + " bytes in " + count + " data chunks: data chunks carry 1.."
          + ScreenshotChunkEncoding.MAX_DATA_BYTES + " bytes each");
    }
    if (count == 0) {
      return first.metadata();
    }
    if (heldBytes + total > maxHeldBytes) {
      throw new StorageException(ErrorCode.BACKPRESSURE, key + " of " + total + " bytes does not fit:"
          + " screenshots being reassembled hold " + heldBytes + " bytes, bound " + maxHeldBytes
          + "; retry with backoff");
    }
    partials.put(key, new Partial(first.metadata(), total, count, nanos.getAsLong() + timeoutNanos));
    heldBytes += total;
    return null;
  }

  private RawEvent.Screenshot add(Key key, ScreenshotChunk chunk) {
    int index = chunk.index();
    Partial p = partials.get(key);
    if (p == null) {
      throw new StorageException(ErrorCode.INVALID_EVENT, "chunk " + index + " of " + key
          + " came without its chunk 0 (never sent, refused, dropped or timed out); send the"
          + " screenshot again from chunk 0");
    }
    if (index < p.nextIndex) {
      throw new StorageException(ErrorCode.INVALID_EVENT, "chunk " + index + " of " + key
          + " arrived twice (chunk " + p.nextIndex + " is next); the duplicate is ignored");
    }
    if (chunk.dataLength() > ScreenshotChunkEncoding.MAX_DATA_BYTES) {
      drop(key, p);
      throw new StorageException(ErrorCode.TOO_LARGE, "chunk " + index + " of " + key + " carries "
          + chunk.dataLength() + " bytes, over the limit of " + ScreenshotChunkEncoding.MAX_DATA_BYTES
          + " bytes per chunk; the partial screenshot was dropped: send it again in smaller chunks");
    }
    if (index > p.nextIndex) {
      drop(key, p);
      throw new StorageException(ErrorCode.INVALID_EVENT, "chunk " + index + " of " + key
          + " arrived when chunk " + p.nextIndex + " of " + p.dataChunks + " was expected; the partial"
          + " screenshot was dropped: send it again from chunk 0, chunks in order");
    }
    int length = chunk.dataLength();
    boolean last = index == p.dataChunks;
    if (p.filled + length > p.image.length || (last && p.filled + length != p.image.length)) {
      drop(key, p);
      throw new StorageException(ErrorCode.INVALID_EVENT, "the chunks of " + key + " carry "
          + (p.filled + length) + (last ? "" : "+") + " bytes, chunk 0 announced " + p.image.length
          + " in " + p.dataChunks + " chunks; the partial screenshot was dropped");
    }
    System.arraycopy(chunk.data(), chunk.dataOffset(), p.image, p.filled, length);
    p.filled += length;
    p.nextIndex++;
    if (!last) {
      return null;
    }
    drop(key, p);
    RawEvent.Screenshot m = p.metadata;
    return new RawEvent.Screenshot(m.timestampMicros(), m.sessionId(), m.sequence(), m.screenshotId(),
        p.image, m.format(), m.width(), m.height(), m.windowTitle(), m.appName(), m.region(),
        m.privacyMasked());
  }

  private void drop(Key key, Partial p) {
    partials.remove(key);
    heldBytes -= p.image.length;
  }

  /** Drops every screenshot whose deadline has passed, freeing its bytes; how many it dropped. */
  int expire() {
    long now = nanos.getAsLong();
    int dropped = 0;
    for (Iterator<Partial> it = partials.values().iterator(); it.hasNext(); ) {
      Partial p = it.next();
      if (p.deadlineNanos - now > 0) {
        break;
      }
      it.remove();
      heldBytes -= p.image.length;
      dropped++;
    }
    expired += dropped;
    return dropped;
  }

  /** Image bytes reserved by screenshots in progress. */
  long heldBytes() {
    return heldBytes;
  }

  /** Screenshots whose chunk 0 came and whose last chunk has not. */
  int inProgress() {
    return partials.size();
  }

  /** Screenshots dropped incomplete at their deadline, since the start. */
  long expired() {
    return expired;
  }

  /** Drops everything in progress (the receiver stops); how many screenshots that was. */
  int clear() {
    int n = partials.size();
    partials.clear();
    heldBytes = 0;
    return n;
  }
}
