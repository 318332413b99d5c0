package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.client.StorageClient;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.EventFrame;
import dev.skellyjelly.storage.event.FrameEncoding;
import dev.skellyjelly.storage.event.RawEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The test JVM as one more cluster member (no JVM of its own to start): it sends a 5 MB
 * screenshot through {@link StorageClient} — in chunks, since its Vert.x is clustered — then a
 * frame with a flipped bit as raw bytes, then a good frame, and leaves.
 */
final class ProducerInThisJvm {

  record Sent(RawEvent.Screenshot screenshot, int corruptFrameFailureCode, String corruptFrameMessage,
      List<RawEvent> frameAfterCorrupt) {
  }

  private ProducerInThisJvm() {
  }

  static Sent run(Path configFile) {
    Vertx vertx = PeerNode.join(configFile, true, "test");
    try {
      PeerNode.awaitStorage(vertx, 60_000).await();
      SyntheticCapture capture = new SyntheticCapture(UUID.randomUUID(), 9);
      long t = 1_763_950_000_000_000L;
      RawEvent.Screenshot shot = capture.screenshot(t, true);
      long answered = new StorageClient(vertx).sendDurably(shot).await();
      if (answered != shot.sequence()) {
        throw new AssertionError("the screenshot was answered with " + answered + ", not its sequence");
      }
      List<RawEvent> corrupt = events(capture, t, 100);
      byte[] bytes = FrameEncoding.encode(EventFrame.of(corrupt));
      bytes[bytes.length / 2] ^= 0x20;
      int code = -1;
      String message = "no failure";
      try {
        vertx.eventBus().request(Addresses.EVENTS_RAW, Buffer.buffer(bytes)).await();
      } catch (ReplyException e) {
        code = e.failureCode();
        message = e.getMessage();
      }
      List<RawEvent> next = events(capture, t + 1_000_000, 100);
      vertx.eventBus().request(Addresses.EVENTS_RAW, EventFrame.of(next)).await();
      return new Sent(shot, code, message, next);
    } finally {
      PeerNode.leave(vertx);
    }
  }

  private static List<RawEvent> events(SyntheticCapture capture, long t, int n) {
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(capture.next(t + i * 1000L));
    }
    return events;
  }
}
