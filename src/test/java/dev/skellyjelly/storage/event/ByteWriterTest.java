package dev.skellyjelly.storage.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one varint writer: in a growing buffer and in place, byte for byte the same. */
class ByteWriterTest {

  private static final long[] VALUES = {0, 1, 127, 128, 255, 16_383, 16_384, Integer.MAX_VALUE,
      1L << 35, Long.MAX_VALUE, -1, Long.MIN_VALUE};

  @Test
  void aVarintWrittenInPlaceEqualsOneWrittenToTheBufferAndReadsBack() {
    for (long v : VALUES) {
      ByteWriter w = new ByteWriter(1);
      w.writeVarLong(v);
      byte[] inPlace = new byte[3 + ByteWriter.MAX_VARLONG_BYTES];
      int n = ByteWriter.putVarLong(inPlace, 3, v);
      assertArrayEquals(w.toByteArray(), Arrays.copyOfRange(inPlace, 3, 3 + n), "value " + v);
      assertEquals(v, new ByteReader(inPlace, 3, n).readVarLong());
    }
    assertEquals(1, ByteWriter.putVarLong(new byte[1], 0, 127));
    assertEquals(2, ByteWriter.putVarLong(new byte[2], 0, 128));
    assertEquals(ByteWriter.MAX_VARLONG_BYTES, ByteWriter.putVarLong(new byte[10], 0, -1));
  }

  @Test
  void aUuidTakesSixteenBytesInTheOneFormEverywhere() {
    java.util.UUID id = java.util.UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
    byte[] bytes = Uuids.toBytes(id);
    assertEquals("00112233445566778899aabbccddeeff", java.util.HexFormat.of().formatHex(bytes));
    ByteWriter w = new ByteWriter(4);
    Uuids.write(w, id);
    assertArrayEquals(bytes, w.toByteArray(), "inline in an encoding, the same bytes as the BLOB");
    assertEquals(id, Uuids.fromBytes(bytes));
    EventDecodeException e = org.junit.jupiter.api.Assertions.assertThrows(EventDecodeException.class,
        () -> Uuids.fromBytes(new byte[15]));
    assertEquals("a UUID is 16 bytes, got 15", e.getMessage());
  }
}
