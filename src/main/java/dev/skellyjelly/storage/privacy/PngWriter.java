package dev.skellyjelly.storage.privacy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes 8-bit RGB PNGs (PNG spec §11: IHDR, IDAT, IEND) with the Sub filter and the fastest
 * deflate level. Masked screenshots are encoded on every first fetch; ImageIO's writer takes a
 * few hundred ms for 1080p, this a few tens, and the fills compress to almost nothing anyway.
 */
final class PngWriter {

  private PngWriter() {
  }

  static byte[] write(int[] rgb, int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(width * height / 2 + 1024);
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", header.array(), 13);
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    ByteArrayOutputStream idat = new ByteArrayOutputStream(width * height / 4 + 1024);
    byte[] row = new byte[1 + 3 * width];
    byte[] buffer = new byte[64 * 1024];
    row[0] = 1; // Sub: each byte minus the same channel of the pixel to its left
    for (int y = 0; y < height; y++) {
      int previous = 0;
      for (int x = 0, i = 1; x < width; x++, i += 3) {
        int p = rgb[y * width + x];
        row[i] = (byte) ((p >> 16) - (previous >> 16));
        row[i + 1] = (byte) ((p >> 8) - (previous >> 8));
        row[i + 2] = (byte) (p - previous);
        previous = p;
      }
      deflater.setInput(row);
      while (!deflater.needsInput()) {
        idat.write(buffer, 0, deflater.deflate(buffer));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      idat.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    chunk(out, "IDAT", idat.toByteArray(), idat.size());
    chunk(out, "IEND", new byte[0], 0);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(length).array());
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data, 0, length);
    out.writeBytes(typeBytes);
    out.write(data, 0, length);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
