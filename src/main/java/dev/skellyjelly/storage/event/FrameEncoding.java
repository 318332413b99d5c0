package dev.skellyjelly.storage.event;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The wire form of an {@link EventFrame}: the events' bodies in {@link EventEncoding}, written
 * against one shared context so timestamps and sequences inside the frame are small deltas and
 * repeated strings are references, behind a CRC32C of everything after it (the single-event form
 * has no checksum, and bit flips in it decode as valid events).
 *
 * <pre>
 * frame := 2:u8  crc32c:u32  session:uuid  count:varint  body × count
 * </pre>
 * The first byte tells the wire forms apart: {@link EventEncoding#VERSION} (1) is a single
 * event, {@link #VERSION} (2) a frame, {@link ScreenshotChunkEncoding#VERSION} (3) a piece of a
 * screenshot; {@link #decodeWire} reads any of them.
 */
public final class FrameEncoding {

  /** First byte of a frame; a single event starts with {@link EventEncoding#VERSION}. */
  public static final int VERSION = 2;
  /** Largest frame accepted (64 MiB): room for a screenshot, a bound for everything else. */
  public static final int MAX_BYTES = 64 << 20;
  private static final int HEADER = 1 + 4;

  private FrameEncoding() {
  }

  /** A frame larger than {@link #MAX_BYTES} or {@link EventFrame#MAX_EVENTS}; answered {@code TOO_LARGE}. */
  public static final class FrameTooLargeException extends RuntimeException {
    FrameTooLargeException(String message) {
      super(message);
    }
  }

  public static byte[] encode(EventFrame frame) {
    List<RawEvent> events = frame.events();
    int estimate = HEADER + 16 + 5;
    for (RawEvent e : events) {
      estimate += Math.min(e.estimatedBytes(), 64);
    }
    ByteWriter out = new ByteWriter(estimate);
    out.writeByte(VERSION);
    out.writeInt(0); // the checksum, filled in below
    Uuids.write(out, frame.session());
    out.writeVarLong(events.size());
    EventEncoding.Context ctx = new EventEncoding.Context();
    for (int i = 0; i < events.size(); i++) {
      RawEvent e = events.get(i);
      if (!e.sessionId().equals(frame.session())) {
        throw new IllegalArgumentException("event at offset " + i + " belongs to session "
            + e.sessionId() + ", the frame to " + frame.session()
            + "; the wire form carries one session per frame");
      }
      EventEncoding.writeBody(out, e, ctx);
    }
    byte[] bytes = out.toByteArray();
    int crc = crc(bytes, HEADER, bytes.length - HEADER);
    for (int i = 0; i < 4; i++) {
      bytes[1 + i] = (byte) (crc >>> (24 - 8 * i));
    }
    if (bytes.length > MAX_BYTES) {
      throw new FrameTooLargeException("frame of " + bytes.length + " bytes is over the limit of "
          + MAX_BYTES + " bytes; send fewer events per frame");
    }
    return bytes;
  }

  /** Reads what {@link #encode} wrote: checksum first, then every event; nothing may follow. */
  public static EventFrame decode(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new FrameTooLargeException("frame of " + bytes.length + " bytes is over the limit of "
          + MAX_BYTES + " bytes; send fewer events per frame");
    }
    ByteReader in = new ByteReader(bytes);
    int version = in.readByte();
    if (version != VERSION) {
      throw new EventDecodeException("frame version " + version + " is not supported (this build"
          + " reads frames of version " + VERSION + ")");
    }
    int expected = in.readInt();
    int actual = crc(bytes, HEADER, bytes.length - HEADER);
    if (expected != actual) {
      throw new EventDecodeException("frame checksum mismatch (CRC32C " + Integer.toHexString(actual)
          + ", header says " + Integer.toHexString(expected) + "): the " + bytes.length
          + " bytes were corrupted or truncated in transit; send the frame again");
    }
    UUID session = Uuids.read(in);
    int countOffset = in.position();
    long count = in.readVarLong();
    if (count < 1 || count > EventFrame.MAX_EVENTS) {
      if (count > EventFrame.MAX_EVENTS) {
        throw new FrameTooLargeException("frame of " + count + " events is over the limit of "
            + EventFrame.MAX_EVENTS + " events; send smaller frames");
      }
      throw new EventDecodeException("frame event count " + count + " at offset " + countOffset
          + " is out of range");
    }
    List<RawEvent> events = new ArrayList<>((int) count);
    EventEncoding.Context ctx = new EventEncoding.Context();
    for (int i = 0; i < count; i++) {
      events.add(EventEncoding.readBody(in, session, ctx));
    }
    if (in.remaining() != 0) {
      throw new EventDecodeException(in.remaining() + " unexpected bytes after the frame's "
          + count + " events at offset " + in.position());
    }
    return new EventFrame(session, events);
  }

  /**
   * A single event, a frame or a screenshot chunk, told apart by the first byte; anything else is
   * a decode error.
   */
  public static Object decodeWire(byte[] bytes) {
    if (bytes.length == 0) {
      throw new EventDecodeException("empty message: expected a frame or a single event");
    }
    return switch (bytes[0] & 0xFF) {
      case VERSION -> decode(bytes);
      case ScreenshotChunkEncoding.VERSION -> ScreenshotChunkEncoding.decode(bytes);
      default -> EventEncoding.decodeSingle(bytes);
    };
  }

  private static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
