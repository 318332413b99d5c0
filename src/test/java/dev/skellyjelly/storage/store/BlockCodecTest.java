package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.demo.HumanInput;
import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.RawEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Both block formats: every kind round-trips; corrupt payloads are typed errors, never anything else. */
class BlockCodecTest {

  private static final UUID SESSION = new UUID(3, 4);
  private static final long T9 = 1_794_301_200_000_000L;

  private static List<RawEvent> live(int n) {
    HumanInput person = new HumanInput(SESSION, 5, T9);
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(person.next());
    }
    return events;
  }

  @Test
  void everyKindRoundTripsInBothFormatsWithMicrosecondAndMillisecondTimes() {
    BlockCodec codec = new BlockCodec();
    List<RawEvent> micros = TestSupport.everyKind(SESSION, T9 + 7); // µs timestamps, a screenshot with bytes
    List<RawEvent> millis = live(2_000); // whole milliseconds: stored in ms steps
    for (List<RawEvent> events : List.of(micros, millis)) {
      assertEquals(events, codec.decode(codec.encode(events), SESSION));
      byte[] sealed = codec.encodeSealed(events);
      assertEquals(BlockCodec.SEALED, BlockCodec.format(sealed));
      assertEquals(events, codec.decode(sealed, SESSION));
    }
  }

  @Test
  void aSealedBlockOfLiveInputIsDenserThanAFreshOne() {
    BlockCodec codec = new BlockCodec();
    List<RawEvent> events = live(20_000);
    int fresh = codec.encode(events).length;
    int sealed = codec.encodeSealed(events).length;
    assertTrue(sealed * 3 < fresh * 2, "sealed " + sealed + " bytes against fresh " + fresh);
  }

  @Test
  void corruptPayloadsOfEitherFormatAreDecodeErrors() {
    BlockCodec codec = new BlockCodec();
    List<RawEvent> events = live(500);
    SplittableRandom random = new SplittableRandom(11);
    for (byte[] good : List.of(codec.encode(events), codec.encodeSealed(events))) {
      for (int len = 0; len < good.length; len += Math.max(1, good.length / 97)) {
        byte[] cut = Arrays.copyOf(good, len);
        assertThrows(EventDecodeException.class, () -> codec.decode(cut, SESSION), "cut to " + len);
      }
      byte[] longer = Arrays.copyOf(good, good.length + 1);
      assertThrows(EventDecodeException.class, () -> codec.decode(longer, SESSION), "a trailing byte");
      for (int i = 0; i < 2_000; i++) {
        byte[] bad = good.clone();
        int at = random.nextInt(bad.length);
        bad[at] ^= (byte) (1 << random.nextInt(8));
        try {
          List<RawEvent> decoded = codec.decode(bad, SESSION);
          // A flip can land in a field and still decode (there is no checksum in a block): it must
          // then still be a list of valid events of the same count, never a crash.
          assertEquals(events.size(), decoded.size(), "flip at " + at);
        } catch (EventDecodeException | BlockDecryptException expected) {
          // the usual outcome (a flipped format byte may read as "encrypted")
        }
      }
    }
    EventDecodeException unknown = assertThrows(EventDecodeException.class,
        () -> codec.decode(new byte[] {9, 0, 0}, SESSION));
    assertTrue(unknown.getMessage().contains("event block format 9 is not one this build reads"), unknown.getMessage());
  }

  @Test
  void aFreshHeaderClaimingAHugeLengthIsRefusedBeforeAnythingIsAllocated() {
    byte[] header = new byte[1 + dev.skellyjelly.storage.event.ByteWriter.MAX_VARLONG_BYTES];
    header[0] = (byte) BlockCodec.FRESH;
    int n = dev.skellyjelly.storage.event.ByteWriter.putVarLong(header, 1, 1L << 40);
    byte[] payload = Arrays.copyOf(header, 1 + n + 8);
    EventDecodeException e = assertThrows(EventDecodeException.class,
        () -> new BlockCodec().decode(payload, SESSION));
    assertTrue(e.getMessage().startsWith("block length " + (1L << 40)), e.getMessage());
  }

  @Test
  void aFreshBlockPromisingMoreEventsThanItHoldsIsTruncatedInput() {
    dev.skellyjelly.storage.event.ByteWriter raw = new dev.skellyjelly.storage.event.ByteWriter(64);
    raw.writeVarLong(3); // three events promised, none written
    byte[] compressed = net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor()
        .compress(raw.toByteArray());
    byte[] payload = new byte[2 + compressed.length];
    payload[0] = (byte) BlockCodec.FRESH;
    payload[1] = (byte) raw.length();
    System.arraycopy(compressed, 0, payload, 2, compressed.length);
    EventDecodeException e = assertThrows(EventDecodeException.class,
        () -> new BlockCodec().decode(payload, SESSION));
    assertTrue(e.getMessage().contains("block event count 3"), e.getMessage());
  }

  @Test
  void anEmptyPayloadIsNoBlockFormat() {
    EventDecodeException e = assertThrows(EventDecodeException.class,
        () -> new BlockCodec().decode(new byte[0], SESSION));
    assertTrue(e.getMessage().contains("event block format -1"), e.getMessage());
  }
}
