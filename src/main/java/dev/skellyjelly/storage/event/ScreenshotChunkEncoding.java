package dev.skellyjelly.storage.event;

import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The wire form of a {@link ScreenshotChunk}, beside {@link FrameEncoding}: a first byte telling
 * it from frames (2) and single events (1), a CRC32C of that byte and everything after the
 * checksum, the screenshot's
 * session and sequence, the chunk's index, then chunk 0's metadata or a data chunk's bytes.
 *
 * <pre>
 * chunk := 3:u8  crc32c:u32  session:uuid  sequence:varint  index:varint  rest
 * rest  := dataChunks:varint  totalBytes:varint  body     (index 0: the screenshot, image empty)
 *        | image bytes to the end                          (index 1..dataChunks)
 * </pre>
 * The body is {@link EventEncoding}'s, against a fresh context.
 */
public final class ScreenshotChunkEncoding {

  /** First byte of a chunk. */
  public static final int VERSION = 3;
  /**
   * Most image bytes one data chunk may carry (1 MiB): decoding and copying it takes well under
   * a millisecond of an event loop.
   */
  public static final int MAX_DATA_BYTES = 1 << 20;
  /** Largest chunk message accepted: a full data chunk, or chunk 0 with long titles (2 MiB). */
  public static final int MAX_BYTES = 2 << 20;
  private static final int HEADER = 1 + 4;

  private ScreenshotChunkEncoding() {
  }

  public static byte[] encode(ScreenshotChunk chunk) {
    ByteWriter out = new ByteWriter(HEADER + Uuids.BYTES + 20 + chunk.dataLength()
        + (chunk.isFirst() ? 256 : 0));
    out.writeByte(VERSION);
    out.writeInt(0); // the checksum, filled in below
    Uuids.write(out, chunk.session());
    out.writeVarLong(chunk.sequence());
    out.writeVarLong(chunk.index());
    if (chunk.isFirst()) {
      out.writeVarLong(chunk.dataChunks());
      out.writeVarLong(chunk.totalBytes());
      EventEncoding.writeBody(out, chunk.metadata(), new EventEncoding.Context());
    } else {
      out.writeBytes(chunk.data(), chunk.dataOffset(), chunk.dataLength());
    }
    if (out.length() > MAX_BYTES) {
      throw new FrameEncoding.FrameTooLargeException("screenshot chunk of " + out.length()
          + " bytes is over the limit of " + MAX_BYTES + " bytes; send data chunks of at most "
          + MAX_DATA_BYTES + " bytes and shorter window titles");
    }
    byte[] bytes = out.toByteArray();
    int crc = checksum(bytes);
    for (int i = 0; i < 4; i++) {
      bytes[1 + i] = (byte) (crc >>> (24 - 8 * i));
    }
    return bytes;
  }

  /** Reads what {@link #encode} wrote: size and checksum first, then the fields; nothing may follow. */
  public static ScreenshotChunk decode(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new FrameEncoding.FrameTooLargeException("screenshot chunk of " + bytes.length
          + " bytes is over the limit of " + MAX_BYTES + " bytes; send data chunks of at most "
          + MAX_DATA_BYTES + " bytes");
    }
    ByteReader in = new ByteReader(bytes);
    int version = in.readByte();
    if (version != VERSION) {
      throw new EventDecodeException("screenshot chunk version " + version + " is not supported"
          + " (this build reads version " + VERSION + ")");
    }
    int expected = in.readInt();
    int actual = checksum(bytes);
    if (expected != actual) {
      throw new EventDecodeException("screenshot chunk checksum mismatch (CRC32C "
          + Integer.toHexString(actual) + ", header says " + Integer.toHexString(expected) + "): the "
          + bytes.length + " bytes were corrupted or truncated in transit; send the screenshot again");
    }
    UUID session = Uuids.read(in);
    long sequence = in.readVarLong();
    int index = in.readBoundedInt(Integer.MAX_VALUE, "chunk index");
    try {
      if (index > 0) {
        if (in.remaining() > MAX_DATA_BYTES) {
          throw new FrameEncoding.FrameTooLargeException("screenshot data chunk " + index + " of "
              + in.remaining() + " bytes is over the limit of " + MAX_DATA_BYTES + " bytes");
        }
        // A view into the message: the reassembly copies it once, into the joined image.
        return new ScreenshotChunk(session, sequence, index, null, 0, 0, bytes, in.position(),
            in.remaining());
      }
      int dataChunks = in.readBoundedInt(Integer.MAX_VALUE, "data chunk count");
      int totalBytes = in.readBoundedInt(EventEncoding.MAX_SCREENSHOT_BYTES, "image length");
      RawEvent body = EventEncoding.readBody(in, session, new EventEncoding.Context());
      if (!(body instanceof RawEvent.Screenshot metadata)) {
        throw new EventDecodeException("chunk 0 holds a " + body.kind() + ", not a screenshot");
      }
      if (metadata.sequence() != sequence) {
        throw new EventDecodeException("chunk 0 of sequence " + sequence + " holds the screenshot of"
            + " sequence " + metadata.sequence());
      }
      if (in.remaining() != 0) {
        throw new EventDecodeException(in.remaining() + " unexpected bytes after chunk 0's"
            + " metadata at offset " + in.position());
      }
      return new ScreenshotChunk(session, sequence, 0, metadata, dataChunks, totalBytes, new byte[0]);
    } catch (IllegalArgumentException e) {
      // The bytes parsed but describe a chunk its own constructor refuses.
      throw new EventDecodeException("decoded screenshot chunk is invalid: " + e.getMessage(), e);
    }
  }

  /**
   * CRC32C of the first byte and everything after the checksum: unlike a frame's, it covers the
   * first byte too, so a frame whose first byte flips to 3 cannot pass as a chunk.
   */
  private static int checksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 1);
    crc.update(bytes, HEADER, bytes.length - HEADER);
    return (int) crc.getValue();
  }
}
