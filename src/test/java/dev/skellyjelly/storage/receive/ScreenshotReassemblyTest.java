package dev.skellyjelly.storage.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotChunk;
import dev.skellyjelly.storage.event.ScreenshotChunkEncoding;
import dev.skellyjelly.storage.event.ScreenshotId;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Chunks joined into screenshots: in order, within bounds, timed out on an injected clock. */
class ScreenshotReassemblyTest {

  private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(30);
  private final AtomicLong now = new AtomicLong(1_000);
  private final UUID session = UUID.randomUUID();

  private ScreenshotReassembly reassembly(long maxHeld, long maxOne) {
    return new ScreenshotReassembly(maxHeld, maxOne, TIMEOUT, now::get);
  }

  private RawEvent.Screenshot screenshot(long sequence, int bytes) {
    byte[] data = new byte[bytes];
    new SplittableRandom(sequence).nextBytes(data);
    return new RawEvent.Screenshot(1_763_950_000_000_000L + sequence, session, sequence,
        ScreenshotId.random(), data, ImageFormat.RAW_BGRA, 16, bytes / 64, "Editor", "code",
        new ScreenRegion(0, 0, 16, bytes / 64), false);
  }

  private static StorageException refused(ScreenshotReassembly r, ScreenshotChunk c, ErrorCode code,
      String text) {
    StorageException e = assertThrows(StorageException.class, () -> r.accept(c));
    assertEquals(code, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(text), e.getMessage());
    return e;
  }

  @Test
  void chunksInOrderMakeTheScreenshotAgainAndFreeTheirBytes() {
    ScreenshotReassembly r = reassembly(1 << 20, 1 << 20);
    RawEvent.Screenshot s = screenshot(4, 100_000);
    List<ScreenshotChunk> chunks = ScreenshotChunk.split(s, 30_000);
    for (int i = 0; i < chunks.size() - 1; i++) {
      assertNull(r.accept(chunks.get(i)), "incomplete after chunk " + i);
      assertEquals(100_000, r.heldBytes(), "reserved at chunk 0");
    }
    assertEquals(s, r.accept(chunks.get(chunks.size() - 1)));
    assertEquals(0, r.heldBytes());
    assertEquals(0, r.inProgress());

    RawEvent.Screenshot empty = screenshot(5, 0);
    assertEquals(empty, r.accept(ScreenshotChunk.split(empty, 1024).get(0)), "no data chunks at all");
  }

  @Test
  void twoScreenshotsInterleavedAreKeptApart() {
    ScreenshotReassembly r = reassembly(1 << 20, 1 << 20);
    RawEvent.Screenshot a = screenshot(1, 5_000);
    RawEvent.Screenshot b = screenshot(2, 5_000);
    List<ScreenshotChunk> ca = ScreenshotChunk.split(a, 2_000);
    List<ScreenshotChunk> cb = ScreenshotChunk.split(b, 2_000);
    RawEvent.Screenshot doneA = null;
    RawEvent.Screenshot doneB = null;
    for (int i = 0; i < ca.size(); i++) {
      doneA = r.accept(ca.get(i));
      doneB = r.accept(cb.get(i));
    }
    assertArrayEquals(a.data(), doneA.data());
    assertArrayEquals(b.data(), doneB.data());
  }

  @Test
  void aDuplicateIsRefusedAndTheScreenshotGoesOn() {
    ScreenshotReassembly r = reassembly(1 << 20, 1 << 20);
    RawEvent.Screenshot s = screenshot(7, 9_000);
    List<ScreenshotChunk> c = ScreenshotChunk.split(s, 3_000);
    r.accept(c.get(0));
    r.accept(c.get(1));
    refused(r, c.get(1), ErrorCode.INVALID_EVENT, "chunk 1 of screenshot " + session + "/7 arrived twice");
    r.accept(c.get(2));
    assertEquals(s, r.accept(c.get(3)));
  }

  @Test
  void aGapDropsThePartialScreenshotAndItsLaterChunksAreRefused() {
    ScreenshotReassembly r = reassembly(1 << 20, 1 << 20);
    List<ScreenshotChunk> c = ScreenshotChunk.split(screenshot(8, 9_000), 3_000);
    RawEvent.Screenshot other = screenshot(9, 3_000);
    List<ScreenshotChunk> o = ScreenshotChunk.split(other, 3_000);
    r.accept(c.get(0));
    r.accept(o.get(0));
    refused(r, c.get(2), ErrorCode.INVALID_EVENT, "chunk 2 of screenshot " + session
        + "/8 arrived when chunk 1 of 3 was expected");
    assertEquals(3_000, r.heldBytes(), "the dropped screenshot's bytes are free, the other's kept");
    refused(r, c.get(3), ErrorCode.INVALID_EVENT, "without its chunk 0");
    assertEquals(other, r.accept(o.get(1)), "the other screenshot loses nothing");
    // A retry from chunk 0 goes through.
    r.accept(c.get(0));
    r.accept(c.get(1));
    r.accept(c.get(2));
    assertEquals(9_000, r.accept(c.get(3)).data().length);
  }

  @Test
  void chunksCarryingMoreOrFewerBytesThanAnnouncedAreRefused() {
    ScreenshotReassembly r = reassembly(1 << 20, 1 << 20);
    RawEvent.Screenshot s = screenshot(3, 4_000);
    List<ScreenshotChunk> c = ScreenshotChunk.split(s, 2_000);
    r.accept(c.get(0));
    refused(r, new ScreenshotChunk(session, 3, 1, null, 0, 0, new byte[4_001]), ErrorCode.INVALID_EVENT,
        "chunk 0 announced 4000");
    assertEquals(0, r.heldBytes());
    r.accept(c.get(0));
    r.accept(c.get(1));
    refused(r, new ScreenshotChunk(session, 3, 2, null, 0, 0, new byte[10]), ErrorCode.INVALID_EVENT,
        "carry 2010 bytes, chunk 0 announced 4000");
    refused(r, new ScreenshotChunk(session, 3, 0, c.get(0).metadata(), 4_001, 4_000, new byte[0]),
        ErrorCode.INVALID_EVENT, "announces 4000 bytes in 4001 data chunks");
  }

  @Test
  void sizesOverTheBoundsAreRefusedNamingThemAndNothingElseIsLost() {
    ScreenshotReassembly r = reassembly(10_000, 8_000);
    RawEvent.Screenshot big = screenshot(1, 8_001);
    refused(r, ScreenshotChunk.split(big, 4_000).get(0), ErrorCode.TOO_LARGE, "limit of 8000 bytes");
    RawEvent.Screenshot first = screenshot(2, 6_000);
    List<ScreenshotChunk> c1 = ScreenshotChunk.split(first, 3_000);
    r.accept(c1.get(0));
    // 6,000 + 6,000 > 10,000: the second waits (BACKPRESSURE: retryable), the first goes on.
    refused(r, ScreenshotChunk.split(screenshot(3, 6_000), 3_000).get(0), ErrorCode.BACKPRESSURE,
        "bound 10000");
    r.accept(c1.get(1));
    assertEquals(first, r.accept(c1.get(2)));
    assertNull(r.accept(ScreenshotChunk.split(screenshot(3, 6_000), 3_000).get(0)), "room again");

    ScreenshotChunk tooBig = new ScreenshotChunk(session, 3, 1, null, 0, 0,
        new byte[ScreenshotChunkEncoding.MAX_DATA_BYTES + 1]);
    refused(r, tooBig, ErrorCode.TOO_LARGE, String.valueOf(ScreenshotChunkEncoding.MAX_DATA_BYTES));
  }

  @Test
  void anIncompleteScreenshotTimesOutFreesItsBytesAndIsCounted() {
    ScreenshotReassembly r = reassembly(1 << 20, 1 << 20);
    List<ScreenshotChunk> early = ScreenshotChunk.split(screenshot(1, 5_000), 1_000);
    r.accept(early.get(0));
    r.accept(early.get(1));
    now.addAndGet(TIMEOUT / 2);
    List<ScreenshotChunk> late = ScreenshotChunk.split(screenshot(2, 3_000), 1_000);
    r.accept(late.get(0));
    assertEquals(0, r.expire(), "nothing due yet");
    now.addAndGet(TIMEOUT / 2);
    assertEquals(1, r.expire(), "the first is due, the second not");
    assertEquals(3_000, r.heldBytes());
    assertEquals(1, r.inProgress());
    refused(r, early.get(2), ErrorCode.INVALID_EVENT, "timed out");
    now.addAndGet(TIMEOUT);
    assertEquals(1, r.expire());
    assertEquals(0, r.heldBytes());
    assertEquals(2, r.expired());
  }

  @Test
  void chunkZeroAgainStartsTheScreenshotOver() {
    ScreenshotReassembly r = reassembly(10_000, 10_000);
    RawEvent.Screenshot s = screenshot(6, 6_000);
    List<ScreenshotChunk> c = ScreenshotChunk.split(s, 2_000);
    r.accept(c.get(0));
    r.accept(c.get(1));
    r.accept(c.get(0)); // the producer's retry: its bytes are reserved once, not twice
    assertEquals(6_000, r.heldBytes());
    r.accept(c.get(1));
    r.accept(c.get(2));
    assertEquals(s, r.accept(c.get(3)));
    assertEquals(0, r.heldBytes());
  }
}
