package dev.skellyjelly.storage.screenshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class NativeInflaterTest {

  /** Half noise, half runs: both Huffman-heavy and match-heavy deflate blocks. */
  private static byte[] sample() {
    byte[] data = new byte[300_000];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i < data.length / 2 ? random.nextInt(256) : (i / 1000) % 7);
    }
    return data;
  }

  private static byte[] zlib(byte[] data) {
    Deflater deflater = new Deflater(6);
    deflater.setInput(data);
    deflater.finish();
    byte[] out = new byte[data.length + 1024];
    int n = deflater.deflate(out);
    deflater.end();
    return java.util.Arrays.copyOf(out, n);
  }

  @Test
  void libdeflateIsLoadedOnTheMachinesThatRunTheTests() {
    assertTrue(NativeInflater.available(), "libdeflate did not load: install Debian's libdeflate0"
        + " (Tesseract's dependencies bring it; .ci/run installs them)");
  }

  @Test
  void inflatesAStreamSplitInSegmentsExactlyAsJavaUtilZip() {
    byte[] data = sample();
    byte[] z = zlib(data);
    // Two segments, as a PNG's image data comes in several IDAT chunks, behind a prefix.
    byte[] container = new byte[z.length + 10];
    System.arraycopy(z, 0, container, 10, z.length);
    int half = z.length / 2;
    try (NativeInflater.Inflated inflated = NativeInflater.inflate(container,
        List.of(new int[] {10, half}, new int[] {10 + half, z.length - half}), data.length)) {
      byte[] out = new byte[data.length];
      inflated.read(0, out);
      assertArrayEquals(data, out);
    }
  }

  @Test
  void aDamagedStreamOrAnotherSizeGivesNullForTheStreamingDecoderToExplain() {
    byte[] data = sample();
    byte[] z = zlib(data);
    assertNull(NativeInflater.inflate(z, List.of(new int[] {0, z.length / 2}), data.length), "truncated");
    assertNull(NativeInflater.inflate(z, List.of(new int[] {0, z.length}), data.length + 1), "shorter than said");
    assertNull(NativeInflater.inflate(z, List.of(new int[] {0, z.length}), data.length - 1), "longer than said");
    byte[] flipped = z.clone();
    flipped[z.length / 3] ^= 0x5A;
    flipped[z.length / 3 + 1] ^= 0x33;
    assertNull(NativeInflater.inflate(flipped, List.of(new int[] {0, z.length}), data.length), "corrupt");
  }
}
