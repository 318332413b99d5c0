package dev.skellyjelly.storage.event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One piece of a screenshot sent across the cluster in bounded messages, so that no single
 * message (decoded on an event loop) carries megabytes. A screenshot of session and sequence
 * travels as chunk 0 — its metadata: the {@link RawEvent.Screenshot} with empty {@code data},
 * how many data chunks follow and how many bytes they carry — then data chunks 1..n in order.
 * On the wire it is {@link ScreenshotChunkEncoding}'s checksummed form; locally the object.
 *
 * @param metadata only in chunk 0: the screenshot without its bytes; {@code null} in data chunks
 * @param dataChunks in chunk 0: how many data chunks follow (0 in data chunks)
 * @param totalBytes in chunk 0: the image's length in bytes (0 in data chunks)
 * @param data in data chunks: the array holding this chunk's slice of the image (the whole image
 *     when split here, the received message when decoded: a slice is never copied out of them);
 *     empty in chunk 0
 * @param dataOffset where the slice starts in {@code data}
 * @param dataLength how many bytes of the image the chunk carries
 */
public record ScreenshotChunk(UUID session, long sequence, int index, RawEvent.Screenshot metadata,
    int dataChunks, int totalBytes, byte[] data, int dataOffset, int dataLength) {

  public ScreenshotChunk {
    Objects.requireNonNull(session, "a screenshot chunk needs a session id");
    Objects.requireNonNull(data, "a screenshot chunk needs data (empty in chunk 0)");
    Objects.checkFromIndexSize(dataOffset, dataLength, data.length);
    if (sequence < 0 || index < 0 || dataChunks < 0 || totalBytes < 0) {
      throw new IllegalArgumentException("screenshot chunk fields must not be negative: sequence "
          + sequence + ", index " + index + ", dataChunks " + dataChunks + ", totalBytes " + totalBytes);
    }
    if ((index == 0) != (metadata != null)) {
      throw new IllegalArgumentException("chunk 0, and only chunk 0, carries the screenshot's metadata"
          + " (chunk " + index + (metadata == null ? " has none)" : " has some)"));
    }
    if (metadata != null && (metadata.data().length != 0 || dataLength != 0)) {
      throw new IllegalArgumentException("chunk 0 carries the metadata only; the image bytes go in"
          + " data chunks 1.." + dataChunks);
    }
  }

  /** A chunk carrying all of {@code data}. */
  public ScreenshotChunk(UUID session, long sequence, int index, RawEvent.Screenshot metadata,
      int dataChunks, int totalBytes, byte[] data) {
    this(session, sequence, index, metadata, dataChunks, totalBytes, data, 0, data.length);
  }

  /** The chunk's bytes of the image, copied out (for tests and diagnostics). */
  public byte[] dataBytes() {
    return Arrays.copyOfRange(data, dataOffset, dataOffset + dataLength);
  }

  /** Whether this is chunk 0, the metadata. */
  public boolean isFirst() {
    return index == 0;
  }

  /**
   * {@code screenshot} as chunk 0 followed by data chunks of at most {@code chunkBytes} bytes
   * each (an empty image has no data chunk).
   */
  public static List<ScreenshotChunk> split(RawEvent.Screenshot screenshot, int chunkBytes) {
    if (chunkBytes < 1 || chunkBytes > ScreenshotChunkEncoding.MAX_DATA_BYTES) {
      throw new IllegalArgumentException("screenshot chunks carry 1.." + ScreenshotChunkEncoding.MAX_DATA_BYTES
          + " bytes each, not " + chunkBytes);
    }
    byte[] image = screenshot.data();
    int count = (image.length + chunkBytes - 1) / chunkBytes;
    List<ScreenshotChunk> chunks = new ArrayList<>(count + 1);
    RawEvent.Screenshot metadata = new RawEvent.Screenshot(screenshot.timestampMicros(),
        screenshot.sessionId(), screenshot.sequence(), screenshot.screenshotId(), new byte[0],
        screenshot.format(), screenshot.width(), screenshot.height(), screenshot.windowTitle(),
        screenshot.appName(), screenshot.region(), screenshot.privacyMasked());
    chunks.add(new ScreenshotChunk(screenshot.sessionId(), screenshot.sequence(), 0, metadata, count,
        image.length, new byte[0]));
    for (int i = 0; i < count; i++) {
      int from = i * chunkBytes;
      chunks.add(new ScreenshotChunk(screenshot.sessionId(), screenshot.sequence(), i + 1, null, 0, 0,
          image, from, Math.min(image.length, from + chunkBytes) - from));
    }
    return chunks;
  }


  @Override
  public boolean equals(Object o) {
    return o instanceof ScreenshotChunk c && session.equals(c.session) && sequence == c.sequence
        && index == c.index && Objects.equals(metadata, c.metadata) && dataChunks == c.dataChunks
        && totalBytes == c.totalBytes && Arrays.equals(data, dataOffset, dataOffset + dataLength,
            c.data, c.dataOffset, c.dataOffset + c.dataLength);
  }

  @Override
  public int hashCode() {
    return Objects.hash(session, sequence, index, dataLength);
  }

  @Override
  public String toString() {
    return "ScreenshotChunk[" + session + "/" + sequence + " #" + index
        + (metadata != null ? " of " + dataChunks + ", " + totalBytes + " bytes" : ", " + dataLength + " bytes")
        + "]";
  }
}
