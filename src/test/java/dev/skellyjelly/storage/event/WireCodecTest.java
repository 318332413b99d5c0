package dev.skellyjelly.storage.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The cluster wire path (encodeToWire / decodeFromWire), which local delivery never runs. */
class WireCodecTest {

  private static final List<RawEvent> EVENTS =
      TestSupport.everyKind(UUID.randomUUID(), 1_763_950_000_123_456L);

  @SuppressWarnings("unchecked")
  private static <T> MessageCodec<T, T> codecFor(T value) {
    return (MessageCodec<T, T>) Codecs.codecs().get(value.getClass());
  }

  @Test
  void everyVariantSurvivesTheWireAtAnOffset() {
    for (RawEvent e : EVENTS) {
      MessageCodec<RawEvent, RawEvent> codec = codecFor(e);
      Buffer buffer = Buffer.buffer().appendString("header");
      codec.encodeToWire(buffer, e);
      assertEquals(e, codec.decodeFromWire(6, buffer), e.kind().name());
      assertTrue(codec.name().contains(e.getClass().getSimpleName()));
    }
  }

  @Test
  void anEventBatchSurvivesTheWire() {
    UUID other = UUID.randomUUID();
    List<RawEvent> events = new java.util.ArrayList<>(EVENTS.stream()
        .filter(e -> !(e instanceof RawEvent.Screenshot)).toList());
    events.add(new RawEvent.MouseMove(5, other, 9, -3, 7));
    EventBatch batch = new EventBatch(UUID.randomUUID(), 100, 30_000_100, events,
        List.of(ScreenshotId.random(), ScreenshotId.random()));
    MessageCodec<EventBatch, EventBatch> codec = codecFor(batch);
    Buffer buffer = Buffer.buffer();
    codec.encodeToWire(buffer, batch);
    assertEquals(batch, codec.decodeFromWire(0, buffer));
  }

  @Test
  void truncatedBytesAreATypedDecodeError() {
    RawEvent e = EVENTS.get(3);
    MessageCodec<RawEvent, RawEvent> codec = codecFor(e);
    Buffer full = Buffer.buffer();
    codec.encodeToWire(full, e);
    for (int cut = 0; cut < full.length(); cut++) {
      Buffer truncated = full.getBuffer(0, cut);
      EventDecodeException ex = assertThrows(EventDecodeException.class,
          () -> codec.decodeFromWire(0, truncated));
      assertTrue(ex.getMessage().startsWith(codec.name() + ":"), ex.getMessage());
    }
  }

  @Test
  void anUnknownVersionIsRefusedByName() {
    byte[] bytes = EventEncoding.encodeSingle(EVENTS.get(0));
    bytes[0] = 9;
    EventDecodeException ex = assertThrows(EventDecodeException.class,
        () -> EventEncoding.decodeSingle(bytes));
    assertTrue(ex.getMessage().contains("version 9"), ex.getMessage());
  }

  @Test
  void fuzzedBytesNeverEscapeAsAnythingButADecodeError() {
    Random random = new Random(7);
    int decoded = 0;
    for (RawEvent e : EVENTS) {
      byte[] good = EventEncoding.encodeSingle(e);
      for (int round = 0; round < 2_000; round++) {
        byte[] bad = good.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
        }
        try {
          EventEncoding.decodeSingle(bad);
          decoded++; // some flips still spell a valid event: fine, as long as nothing else escapes
        } catch (EventDecodeException expected) {
          assertFalse(expected.getMessage().isBlank());
        }
      }
    }
    assertTrue(decoded < EVENTS.size() * 2_000, "most corruptions are detected");
  }

  @Test
  void recordsRefuseInvalidValuesWithClearMessages() {
    UUID s = UUID.randomUUID();
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> new RawEvent.WindowFocus(1, s, 0, null, "app", 1));
    assertTrue(ex.getMessage().contains("windowTitle"), ex.getMessage());
    ex = assertThrows(IllegalArgumentException.class,
        () -> new RawEvent.Keystroke(1, s, -1, 1, 0));
    assertTrue(ex.getMessage().contains("sequence"), ex.getMessage());
    ex = assertThrows(IllegalArgumentException.class,
        () -> new ScreenRegion(0, 0, -5, 10));
    assertTrue(ex.getMessage().contains("negative"), ex.getMessage());
  }
}
