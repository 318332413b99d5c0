package dev.skellyjelly.storage.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WireBytesTest {

  private static byte[] sample(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31);
    }
    return b;
  }

  @Test
  void aBufferOverAnArrayOfItsOwnLengthIsReadWithoutACopy() {
    byte[] bytes = sample(1 << 20);
    // How Vert.x hands over a received body: a buffer made from an exact byte[].
    Buffer received = Buffer.buffer(bytes);
    byte[] read = WireBytes.of(received);
    assertArrayEquals(bytes, read);
    assertSame(read, WireBytes.of(received), "the buffer's own array, not a fresh copy each time");
  }

  @Test
  void anyOtherBufferIsCopiedWithExactlyItsBytes() {
    byte[] bytes = sample(1000);
    Buffer grown = Buffer.buffer(4096).appendBytes(bytes); // capacity larger than its content
    byte[] read = WireBytes.of(grown);
    assertArrayEquals(bytes, read);
    assertNotSame(read, WireBytes.of(grown));
    Buffer slice = Buffer.buffer(sample(3000)).slice(1000, 2000); // a view at an offset
    assertArrayEquals(Arrays.copyOfRange(sample(3000), 1000, 2000), WireBytes.of(slice));
  }
}
