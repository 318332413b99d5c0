package dev.skellyjelly.storage.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Screenshot chunks on the wire: split and joined, every bit flip and cut caught, sizes bounded. */
class ScreenshotChunkEncodingTest {

  private static final UUID SESSION = UUID.randomUUID();

  private static RawEvent.Screenshot screenshot(boolean large) {
    SyntheticCapture capture = new SyntheticCapture(SESSION, 3);
    capture.next(1_763_950_000_000_000L);
    return capture.screenshot(1_763_950_000_001_000L, large);
  }

  @SuppressWarnings("unchecked")
  private static MessageCodec<ScreenshotChunk, ScreenshotChunk> codec() {
    return (MessageCodec<ScreenshotChunk, ScreenshotChunk>) Codecs.codecs().get(ScreenshotChunk.class);
  }

  @Test
  void aScreenshotSplitsIntoMetadataAndBoundedDataChunksThatSurviveTheWire() throws Exception {
    RawEvent.Screenshot s = screenshot(true);
    List<ScreenshotChunk> chunks = ScreenshotChunk.split(s, 512 * 1024);
    assertEquals(1 + 10, chunks.size(), "5 MiB in 512 KiB chunks, after the metadata");
    ScreenshotChunk first = chunks.get(0);
    assertEquals(10, first.dataChunks());
    assertEquals(s.data().length, first.totalBytes());
    assertEquals(0, first.metadata().data().length);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (ScreenshotChunk c : chunks) {
      Buffer buffer = Buffer.buffer().appendString("head");
      codec().encodeToWire(buffer, c);
      ScreenshotChunk back = codec().decodeFromWire(4, buffer);
      assertEquals(c, back);
      assertEquals(c, FrameEncoding.decodeWire(ScreenshotChunkEncoding.encode(c)), "told apart by its first byte");
      assertTrue(ScreenshotChunkEncoding.encode(c).length <= ScreenshotChunkEncoding.MAX_BYTES);
      joined.write(back.dataBytes());
    }
    assertArrayEquals(s.data(), joined.toByteArray());
    assertEquals(s.screenshotId(), FrameEncoding.decodeWire(ScreenshotChunkEncoding.encode(first)) instanceof ScreenshotChunk c
        ? c.metadata().screenshotId() : null);
  }

  @Test
  void everySingleBitFlipOfEitherKindOfChunkIsCaught() {
    RawEvent.Screenshot s = screenshot(false);
    List<ScreenshotChunk> chunks = ScreenshotChunk.split(s, 4096);
    for (ScreenshotChunk c : List.of(chunks.get(0), chunks.get(1))) {
      byte[] bytes = ScreenshotChunkEncoding.encode(c);
      for (int bit = 0; bit < bytes.length * 8; bit++) {
        byte[] flipped = bytes.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        // A flip in the first byte makes it another wire form (or none): refused all the same.
        RuntimeException e = assertThrows(EventDecodeException.class,
            () -> FrameEncoding.decodeWire(flipped), "chunk " + c.index() + ", bit " + bit);
        assertEquals(ErrorCode.DECODE, ErrorCode.of(e, null));
      }
    }
  }

  @Test
  void aTruncatedChunkIsADecodeError() {
    List<ScreenshotChunk> chunks = ScreenshotChunk.split(screenshot(false), 2048);
    for (ScreenshotChunk c : List.of(chunks.get(0), chunks.get(1))) {
      byte[] bytes = ScreenshotChunkEncoding.encode(c);
      for (int cut = 0; cut < bytes.length; cut++) {
        byte[] truncated = Arrays.copyOf(bytes, cut);
        assertThrows(EventDecodeException.class, () -> FrameEncoding.decodeWire(truncated),
            "chunk " + c.index() + " cut at " + cut);
      }
    }
  }

  @Test
  void oversizedChunksAreRefusedNamingTheLimit() {
    byte[] huge = new byte[ScreenshotChunkEncoding.MAX_BYTES + 1];
    huge[0] = ScreenshotChunkEncoding.VERSION;
    RuntimeException e = assertThrows(RuntimeException.class, () -> FrameEncoding.decodeWire(huge));
    assertEquals(ErrorCode.TOO_LARGE, ErrorCode.of(e, null));
    assertTrue(e.getMessage().contains(String.valueOf(ScreenshotChunkEncoding.MAX_BYTES)), e.getMessage());

    // A data chunk over its own limit, checksummed correctly, is refused after the checksum.
    ScreenshotChunk big = new ScreenshotChunk(SESSION, 1, 1, null, 0, 0,
        new byte[ScreenshotChunkEncoding.MAX_DATA_BYTES + 1]);
    byte[] bytes = ScreenshotChunkEncoding.encode(big);
    RuntimeException e2 = assertThrows(RuntimeException.class, () -> ScreenshotChunkEncoding.decode(bytes));
    assertEquals(ErrorCode.TOO_LARGE, ErrorCode.of(e2, null));
    assertTrue(e2.getMessage().contains(String.valueOf(ScreenshotChunkEncoding.MAX_DATA_BYTES)), e2.getMessage());

    assertThrows(IllegalArgumentException.class,
        () -> ScreenshotChunk.split(screenshot(false), ScreenshotChunkEncoding.MAX_DATA_BYTES + 1));
  }

  @Test
  void chunkZeroMustHoldTheScreenshotOfItsOwnSequence() {
    ScreenshotChunk first = ScreenshotChunk.split(screenshot(false), 65_536).get(0);
    byte[] bytes = ScreenshotChunkEncoding.encode(new ScreenshotChunk(SESSION, first.sequence() + 1, 0,
        first.metadata(), first.dataChunks(), first.totalBytes(), new byte[0]));
    EventDecodeException e = assertThrows(EventDecodeException.class, () -> ScreenshotChunkEncoding.decode(bytes));
    assertTrue(e.getMessage().contains("sequence"), e.getMessage());
  }
}
