package dev.skellyjelly.storage.screenshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each filter type undone against the spec's own encoder (PNG spec §9), written here the plain
 * way: the branching Paeth predictor, byte by byte.
 */
class PngFilterTest {

  /** The spec's Paeth predictor, as written there. */
  private static int referencePaeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }

  /** Filters {@code raw} (pixels, no type byte) with {@code type} given the raw row above. */
  private static byte[] filter(int type, byte[] raw, byte[] above, int bpp) {
    byte[] out = new byte[raw.length + 1];
    out[0] = (byte) type;
    for (int i = 0; i < raw.length; i++) {
      int x = raw[i] & 0xFF;
      int a = i >= bpp ? raw[i - bpp] & 0xFF : 0;
      int b = above[i] & 0xFF;
      int c = i >= bpp ? above[i - bpp] & 0xFF : 0;
      int predicted = switch (type) {
        case 0 -> 0;
        case 1 -> a;
        case 2 -> b;
        case 3 -> (a + b) / 2;
        default -> referencePaeth(a, b, c);
      };
      out[i + 1] = (byte) (x - predicted);
    }
    return out;
  }

  /** Rows of noise, flat runs and gradients: every Paeth tie and branch comes up. */
  private static byte[][] image(int width, int height, int bpp, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] rows = new byte[height][width * bpp];
    for (int y = 0; y < height; y++) {
      for (int i = 0; i < width * bpp; i++) {
        rows[y][i] = (byte) switch ((y + i / 50) % 3) {
          case 0 -> random.nextInt(256);
          case 1 -> 200;
          default -> i + y;
        };
      }
    }
    return rows;
  }

  @ParameterizedTest(name = "filter {0}, {1} bytes per pixel")
  @CsvSource({"0,3", "1,3", "2,3", "3,3", "4,3", "0,4", "1,4", "2,4", "3,4", "4,4"})
  void eachFilterIsUndoneToTheRowTheEncoderSaw(int type, int bpp) {
    byte[][] raw = image(97, 40, bpp, type * 10L + bpp);
    byte[] previous = new byte[raw[0].length + 1]; // the row above the first is all zero
    for (byte[] expected : raw) {
      byte[] row = filter(type, expected, Arrays.copyOfRange(previous, 1, previous.length), bpp);
      assertTrue(PngFilter.undo(row, previous, row.length, bpp));
      assertArrayEquals(expected, Arrays.copyOfRange(row, 1, row.length));
      previous = row;
    }
  }

  @Test
  void thePaethPickMatchesTheSpecForEveryNeighbourhood() {
    for (int a = 0; a < 256; a += 3) {
      for (int b = 0; b < 256; b += 5) {
        for (int c = 0; c < 256; c++) {
          assertEquals(referencePaeth(a, b, c), PngFilter.paeth(a, b, c), a + "," + b + "," + c);
        }
      }
    }
  }

  @Test
  void anUnknownTypeIsRefusedAndTheRowLeftAsItWas() {
    byte[] row = {5, 1, 2, 3};
    assertFalse(PngFilter.undo(row, new byte[4], 4, 3));
    assertArrayEquals(new byte[] {5, 1, 2, 3}, row);
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(8).putInt(data.length).put(name).array());
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  @Test
  void aPngWhoseRowsUseEveryFilterDecodesPixelForPixel() throws Exception {
    int width = 61;
    int height = 45;
    byte[][] raw = image(width, height, 3, 99);
    ByteArrayOutputStream filtered = new ByteArrayOutputStream();
    byte[] above = new byte[width * 3];
    for (int y = 0; y < height; y++) {
      filtered.writeBytes(filter(y % 5, raw[y], above, 3));
      above = raw[y];
    }
    Deflater deflater = new Deflater();
    deflater.setInput(filtered.toByteArray());
    deflater.finish();
    byte[] buffer = new byte[filtered.size() + 1024];
    int compressed = deflater.deflate(buffer);
    deflater.end();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
        .put((byte) 0).put((byte) 0).put((byte) 0).array());
    int half = compressed / 2; // two IDAT chunks, as encoders split the data
    chunk(png, "IDAT", Arrays.copyOfRange(buffer, 0, half));
    chunk(png, "IDAT", Arrays.copyOfRange(buffer, half, compressed));
    chunk(png, "IEND", new byte[0]);

    PngDecoder.Decoded decoded = PngDecoder.decode(png.toByteArray(), 1024, new AnalysisScratch());
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = x * 3;
        int expected = (raw[y][i] & 0xFF) << 16 | (raw[y][i + 1] & 0xFF) << 8 | (raw[y][i + 2] & 0xFF);
        assertEquals(expected, decoded.grid().rgb[y * width + x], "pixel " + x + "," + y);
      }
    }
  }
}
