package dev.skellyjelly.storage.client;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotChunk;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.List;

/**
 * Sends a screenshot across the cluster as {@link ScreenshotChunk}s instead of one message of
 * megabytes, which the storage node would decode in one go on an event loop (and which would hold
 * up every frame behind it on the connection): chunk 0 with the metadata, then data chunks of at
 * most {@code chunkBytes}, in order, at most {@link #WINDOW} of them unanswered at a time. Each is
 * a request; storage answers a chunk once it has taken it, and the last one as it would the whole
 * screenshot under {@code last}'s delivery options (on acceptance, or after the commit).
 *
 * <p>The first failure is the screenshot's, and no further chunk is sent. Sending it again starts
 * over from chunk 0, which storage takes as a retry of the same screenshot.
 *
 * <p>{@link StorageClient} uses it on a clustered Vert.x. A producer may use it directly for a
 * screenshot it wants answered once held and analysed (delivery options without
 * {@code skelly-reply-when}), without the client's bound and retries.
 */
public final class ScreenshotChunkSender {

  /** Chunks unanswered at a time: keeps the connection busy without queuing the whole image. */
  public static final int WINDOW = 4;

  private final Vertx vertx;
  private final int chunkBytes;

  /** Sends in data chunks of {@code chunkBytes} (1 .. 1 MiB). */
  public ScreenshotChunkSender(Vertx vertx, int chunkBytes) {
    new StorageClientOptions().setScreenshotChunkBytes(chunkBytes); // refuses a size out of range
    this.vertx = vertx;
    this.chunkBytes = chunkBytes;
  }

  /** The reply to the last chunk, or the first failure. */
  public Future<Message<Object>> send(RawEvent.Screenshot screenshot, DeliveryOptions last) {
    return new Transfer(ScreenshotChunk.split(screenshot, chunkBytes), last).start();
  }

  /** One screenshot's chunks on their way; its methods run on reply threads, hence the lock. */
  private final class Transfer {
    private final List<ScreenshotChunk> chunks;
    private final DeliveryOptions last;
    /** The chunks before the last: answered once taken, within the same reply timeout. */
    private final DeliveryOptions middle;
    private final Promise<Message<Object>> done = Promise.promise();
    private int next;

    Transfer(List<ScreenshotChunk> chunks, DeliveryOptions last) {
      this.chunks = chunks;
      this.last = last;
      this.middle = new DeliveryOptions().setSendTimeout(last.getSendTimeout());
    }

    synchronized Future<Message<Object>> start() {
      for (int i = 0; i < WINDOW && next < chunks.size(); i++) {
        sendNext();
      }
      return done.future();
    }

    private synchronized void sendNext() {
      if (next == chunks.size() || done.future().isComplete()) {
        return;
      }
      int index = next++;
      boolean isLast = index == chunks.size() - 1;
      vertx.eventBus().request(Addresses.EVENTS_RAW, chunks.get(index), isLast ? last : middle)
          .onComplete(ar -> {
            if (ar.failed()) {
              done.tryFail(ar.cause());
            } else if (isLast) {
              done.tryComplete(ar.result());
            } else {
              sendNext();
            }
          });
    }
  }
}
