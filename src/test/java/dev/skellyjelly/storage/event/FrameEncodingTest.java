package dev.skellyjelly.storage.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The frame's wire form: round trip, checksum, bounds, and telling it from a single event. */
class FrameEncodingTest {

  private static final UUID SESSION = UUID.randomUUID();

  private static List<RawEvent> desktopMix(int n) {
    SyntheticCapture capture = new SyntheticCapture(SESSION, 7);
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(capture.next(1_763_950_000_000_000L + i * 1_000L));
    }
    return events;
  }

  @SuppressWarnings("unchecked")
  private static MessageCodec<EventFrame, EventFrame> codec() {
    return (MessageCodec<EventFrame, EventFrame>) Codecs.codecs().get(EventFrame.class);
  }

  @Test
  void everyKindSurvivesTheWireInOneFrameAtAnOffset() {
    EventFrame frame = EventFrame.of(TestSupport.everyKind(SESSION, 1_763_950_000_123_456L));
    Buffer buffer = Buffer.buffer().appendString("head");
    codec().encodeToWire(buffer, frame);
    assertEquals(frame, codec().decodeFromWire(4, buffer));
    assertEquals(frame, FrameEncoding.decodeWire(FrameEncoding.encode(frame)));
  }

  @Test
  void deltasInsideTheFrameMakeItMuchSmallerThanSingleEvents() {
    List<RawEvent> events = desktopMix(1000);
    int singles = events.stream().mapToInt(e -> EventEncoding.encodeSingle(e).length).sum();
    int framed = FrameEncoding.encode(EventFrame.of(events)).length;
    assertTrue(framed * 3 < singles, "frame " + framed + " B vs singles " + singles + " B");
  }

  @Test
  void everySingleBitFlipIsCaughtByTheChecksum() {
    byte[] bytes = FrameEncoding.encode(EventFrame.of(desktopMix(40)));
    // Bits of the version byte turn the frame into something else, also refused (below).
    for (int bit = 8; bit < bytes.length * 8; bit++) {
      byte[] flipped = bytes.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThrows(EventDecodeException.class, () -> FrameEncoding.decode(flipped), "bit " + bit);
    }
    for (int bit = 0; bit < 8; bit++) {
      byte[] flipped = bytes.clone();
      flipped[0] ^= (byte) (1 << bit);
      assertThrows(EventDecodeException.class, () -> FrameEncoding.decodeWire(flipped), "bit " + bit);
    }
  }

  @Test
  void aTruncatedFrameIsADecodeErrorAsAWhole() {
    byte[] bytes = FrameEncoding.encode(EventFrame.of(desktopMix(20)));
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(bytes, cut);
      EventDecodeException e = assertThrows(EventDecodeException.class,
          () -> FrameEncoding.decodeWire(truncated), "cut at " + cut);
      assertEquals(ErrorCode.DECODE, ErrorCode.of(e, null));
    }
  }

  @Test
  void aFrameOverTheEventLimitIsRefusedNamingTheLimit() {
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i <= EventFrame.MAX_EVENTS; i++) {
      events.add(new RawEvent.Keystroke(1_000L + i, SESSION, i, 65, 0));
    }
    byte[] bytes = FrameEncoding.encode(EventFrame.of(events));
    RuntimeException e = assertThrows(FrameEncoding.FrameTooLargeException.class, () -> FrameEncoding.decode(bytes));
    assertEquals(ErrorCode.TOO_LARGE, ErrorCode.of(e, null));
    assertTrue(e.getMessage().contains(String.valueOf(EventFrame.MAX_EVENTS)), e.getMessage());
    assertTrue(EventFrame.of(events).inconsistency().contains(String.valueOf(EventFrame.MAX_EVENTS)));
  }

  @Test
  void aFrameOverTheByteLimitIsRefusedBeforeDecoding() {
    byte[] huge = new byte[FrameEncoding.MAX_BYTES + 1];
    huge[0] = FrameEncoding.VERSION;
    RuntimeException e = assertThrows(FrameEncoding.FrameTooLargeException.class, () -> FrameEncoding.decodeWire(huge));
    assertEquals(ErrorCode.TOO_LARGE, ErrorCode.of(e, null));
    assertTrue(e.getMessage().contains(String.valueOf(FrameEncoding.MAX_BYTES)), e.getMessage());
  }

  @Test
  void inconsistentFramesNameTheOffset() {
    List<RawEvent> events = new ArrayList<>(desktopMix(5));
    assertNull(EventFrame.of(events).inconsistency());
    events.set(3, new RawEvent.Keystroke(9, UUID.randomUUID(), 3, 65, 0));
    assertTrue(EventFrame.of(events).inconsistency().contains("offset 3"));
    events.set(3, new RawEvent.Keystroke(9, SESSION, 1, 65, 0));
    assertTrue(EventFrame.of(events).inconsistency().contains("offset 3"));
    // Going backwards is representable on the wire and decodes; the receiver refuses it.
    EventFrame backwards = FrameEncoding.decode(FrameEncoding.encode(EventFrame.of(events)));
    assertTrue(backwards.inconsistency().contains("offset 3 has sequence 1"));
  }

  @Test
  void theFirstByteTellsASingleEventFromAFrame() {
    RawEvent e = desktopMix(1).get(0);
    assertEquals(e, FrameEncoding.decodeWire(EventEncoding.encodeSingle(e)));
    byte[] bogus = {9, 1, 2};
    EventDecodeException ex = assertThrows(EventDecodeException.class, () -> FrameEncoding.decodeWire(bogus));
    assertEquals(ErrorCode.DECODE, ErrorCode.of(ex, null));
  }
}
