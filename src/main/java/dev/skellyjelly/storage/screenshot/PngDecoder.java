package dev.skellyjelly.storage.screenshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A fast path for the PNGs screen capture produces — 8-bit RGB or RGBA, not interlaced —
 * straight into a {@link PixelGrid}: the image data is inflated, each row unfiltered
 * ({@link PngFilter}) against the previous one and box-averaged into the grid
 * ({@link GridBuilder}) as it goes, so no full-size image is ever built. ImageIO's general
 * decoder spends about 50 ms on a 5 MB screenshot; this takes a fraction of that. Other PNG kinds
 * return {@code null} and go through ImageIO.
 */
final class PngDecoder {

  private static final long SIGNATURE = 0x89504E470D0A1A0AL;

  private PngDecoder() {
  }

  /** Original width and height, and the grid. */
  record Decoded(int width, int height, PixelGrid grid) {
  }

  static Decoded decode(byte[] png, int maxSide, AnalysisScratch scratch) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(png);
    if (png.length < 33 || in.getLong() != SIGNATURE) {
      throw new IOException("not a PNG (bad signature)");
    }
    int ihdrLength = in.getInt();
    if (in.getInt() != 0x49484452 || ihdrLength != 13) {
      throw new IOException("PNG does not start with an IHDR chunk");
    }
    int width = in.getInt();
    int height = in.getInt();
    int bitDepth = in.get() & 0xFF;
    int colourType = in.get() & 0xFF;
    in.get(); // compression: always deflate
    in.get(); // filter method: always adaptive
    int interlace = in.get() & 0xFF;
    in.getInt(); // CRC
    if (width <= 0 || height <= 0) {
      throw new IOException("PNG says it is " + width + "x" + height);
    }
    if (bitDepth != 8 || (colourType != 2 && colourType != 6) || interlace != 0) {
      return null; // not what screen capture writes: let ImageIO handle it
    }
    int bpp = colourType == 6 ? 4 : 3;
    int stride = width * bpp;
    GridBuilder grid = new GridBuilder(width, height, maxSide, scratch);
    byte[] row = new byte[stride + 1];
    byte[] previous = new byte[stride + 1];
    // libdeflate inflates the whole image at once where it is installed; the rows then come from
    // its output. Otherwise, or for damaged data, java.util.zip streams them (and names the fault).
    NativeInflater.Inflated inflated = NativeInflater.available()
        ? NativeInflater.inflate(png, imageData(png, in.position()), (long) height * row.length) : null;
    Inflater inflater = new Inflater();
    try {
      int y = 0;
      int filled = 0;
      while (y < height) {
        if (inflated != null) {
          inflated.read((long) y * row.length, row);
        } else {
          if (inflater.needsInput()) {
            if (!nextImageData(in, inflater)) {
              throw new IOException("PNG data is truncated: image data ends at row " + y + " of " + height);
            }
            continue;
          }
          int n = inflater.inflate(row, filled, row.length - filled);
          if (n == 0 && inflater.finished()) {
            throw new IOException("PNG image data ends at row " + y + " of " + height);
          }
          filled += n;
          if (filled < row.length) {
            continue;
          }
        }
        if (!PngFilter.undo(row, previous, row.length, bpp)) {
          throw new IOException("PNG row " + y + " has unknown filter type " + row[0]);
        }
        grid.add(y, row, 1, bpp, 0, 2);
        byte[] t = previous;
        previous = row;
        row = t;
        filled = 0;
        y++;
      }
    } catch (DataFormatException e) {
      throw new IOException("PNG image data is corrupt: " + e.getMessage(), e);
    } finally {
      inflater.end();
      if (inflated != null) {
        inflated.close();
      }
    }
    return new Decoded(width, height, grid.grid());
  }

  /**
   * Where the IDAT chunks after {@code start} hold the image data: {offset, length} pairs; empty
   * when a chunk is truncated (the streaming decoder then reports it).
   */
  private static List<int[]> imageData(byte[] png, int start) {
    ByteBuffer in = ByteBuffer.wrap(png);
    in.position(start);
    List<int[]> segments = new ArrayList<>();
    while (in.remaining() >= 8) {
      int length = in.getInt();
      int type = in.getInt();
      if (length < 0 || length > in.remaining()) {
        return List.of();
      }
      if (type == 0x49444154) { // IDAT
        segments.add(new int[] {in.position(), length});
      } else if (type == 0x49454E44) { // IEND
        break;
      }
      in.position(in.position() + length + Math.min(4, in.remaining() - length));
    }
    return segments;
  }

  /** Feeds the next IDAT chunk's data to the inflater; false when there is none. */
  private static boolean nextImageData(ByteBuffer in, Inflater inflater) throws IOException {
    while (in.remaining() >= 8) {
      int length = in.getInt();
      int type = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new IOException("PNG data is truncated: a chunk says " + length + " bytes but "
            + in.remaining() + " remain");
      }
      if (type == 0x49444154) { // IDAT
        inflater.setInput(in.array(), in.position(), length);
        in.position(in.position() + length + Math.min(4, in.remaining() - length));
        return true;
      }
      if (type == 0x49454E44) { // IEND
        return false;
      }
      in.position(in.position() + length + Math.min(4, in.remaining() - length));
    }
    return false;
  }
}
