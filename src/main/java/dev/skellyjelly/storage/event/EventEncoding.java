package dev.skellyjelly.storage.event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one binary encoding of events, used on the clustered bus and inside the database's event
 * blocks. Each event body is written against a {@link Context} holding the previous event's
 * timestamp, sequence and pointer position and the strings seen so far: inside a block this makes
 * timestamps, sequences and mouse positions small deltas and repeated titles one-byte
 * references; a single event on the wire uses a fresh context, so it carries absolute values.
 *
 * <pre>
 * body    := kind:u8  Δtimestamp:zigzag  (Δsequence-1):zigzag  fields
 * string  := 0 len:varint utf8   (literal, remembered)  |  n:varint   (the n-th remembered string)
 * </pre>
 * The version byte that precedes an event on the wire or a block in the database is
 * {@link #VERSION}; a reader refuses any other.
 */
public final class EventEncoding {

  /** Version of the body layout; bump on any change and keep a reader for the old one. */
  public static final int VERSION = 1;

  /** Largest screenshot accepted on the wire (256 MiB): anything larger is corrupt input. */
  public static final int MAX_SCREENSHOT_BYTES = 256 << 20;

  private EventEncoding() {
  }

  /** Delta state shared by consecutive events of one session. */
  public static final class Context {
    long previousTimestamp;
    long previousSequence = -1;
    int previousX;
    int previousY;
    private final Map<String, Integer> writtenStrings = new HashMap<>();
    private final List<String> readStrings = new ArrayList<>();

    public void reset() {
      previousTimestamp = 0;
      previousSequence = -1;
      previousX = 0;
      previousY = 0;
      writtenStrings.clear();
      readStrings.clear();
    }
  }

  /** One event for the wire: version, session, then its body against a fresh context. */
  public static byte[] encodeSingle(RawEvent event) {
    ByteWriter out = new ByteWriter(event.estimatedBytes());
    out.writeByte(VERSION);
    Uuids.write(out, event.sessionId());
    writeBody(out, event, new Context());
    return out.toByteArray();
  }

  /** Reads what {@link #encodeSingle} wrote; the whole input must be one event. */
  public static RawEvent decodeSingle(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    checkVersion(in.readByte(), "event");
    UUID session = Uuids.read(in);
    RawEvent event = readBody(in, session, new Context());
    if (in.remaining() != 0) {
      throw new EventDecodeException(in.remaining() + " unexpected bytes after the event at offset "
          + in.position());
    }
    return event;
  }

  public static void checkVersion(int version, String what) {
    if (version != VERSION) {
      throw new EventDecodeException(what + " encoding version " + version + " is not supported (this"
          + " build reads version " + VERSION + "); upgrade the storage module or the producer");
    }
  }

  public static void writeBody(ByteWriter out, RawEvent event, Context ctx) {
    out.writeByte(event.kind().code());
    out.writeSignedVarLong(event.timestampMicros() - ctx.previousTimestamp);
    out.writeSignedVarLong(event.sequence() - ctx.previousSequence - 1);
    ctx.previousTimestamp = event.timestampMicros();
    ctx.previousSequence = event.sequence();
    writeFields(out, out, event, ctx);
  }

  /**
   * The fields after kind, timestamp and sequence: pointer positions (as deltas) go to
   * {@code positions}, everything else to {@code out} — the same writer for the row layout, two
   * columns for sealed blocks.
   */
  public static void writeFields(ByteWriter out, ByteWriter positions, RawEvent event, Context ctx) {
    switch (event.kind()) {
      case KEYSTROKE -> {
        RawEvent.Keystroke k = (RawEvent.Keystroke) event;
        out.writeVarLong(k.keyCode());
        out.writeVarLong(k.modifiers());
      }
      case MOUSE_MOVE -> {
        RawEvent.MouseMove m = (RawEvent.MouseMove) event;
        writePosition(positions, ctx, m.x(), m.y());
      }
      case MOUSE_CLICK -> {
        RawEvent.MouseClick c = (RawEvent.MouseClick) event;
        writePosition(positions, ctx, c.x(), c.y());
        out.writeByte(c.button().ordinal());
        out.writeVarLong(c.clickCount());
      }
      case WINDOW_FOCUS -> {
        RawEvent.WindowFocus w = (RawEvent.WindowFocus) event;
        writeString(out, ctx, w.windowTitle());
        writeString(out, ctx, w.appName());
        out.writeVarLong(w.pid());
      }
      case SCREENSHOT -> {
        RawEvent.Screenshot s = (RawEvent.Screenshot) event;
        Uuids.write(out, s.screenshotId().value());
        out.writeByte(s.format().wireCode());
        out.writeVarLong(s.width());
        out.writeVarLong(s.height());
        writeString(out, ctx, s.windowTitle());
        writeString(out, ctx, s.appName());
        out.writeSignedVarLong(s.region().x());
        out.writeSignedVarLong(s.region().y());
        out.writeVarLong(s.region().width());
        out.writeVarLong(s.region().height());
        out.writeByte(s.privacyMasked() ? 1 : 0);
        out.writeVarLong(s.data().length);
        out.writeBytes(s.data());
      }
      case PROCESS_START -> {
        RawEvent.ProcessStart p = (RawEvent.ProcessStart) event;
        writeString(out, ctx, p.processName());
        out.writeVarLong(p.pid());
        writeString(out, ctx, p.executablePath());
      }
      case RESOURCE_USAGE -> {
        RawEvent.ResourceUsage r = (RawEvent.ResourceUsage) event;
        out.writeInt(Float.floatToIntBits(r.cpuPercent()));
        out.writeVarLong(r.memoryBytes());
      }
      default -> throw new IllegalStateException("no encoding for " + event.kind());
    }
  }

  public static RawEvent readBody(ByteReader in, UUID session, Context ctx) {
    int code = in.readByte();
    EventKind kind = EventKind.fromCode(code);
    if (kind == null) {
      throw new EventDecodeException("unknown event type byte " + code + " at offset "
          + (in.position() - 1) + " (known 1..7)");
    }
    long timestamp = ctx.previousTimestamp + in.readSignedVarLong();
    long sequence = ctx.previousSequence + 1 + in.readSignedVarLong();
    ctx.previousTimestamp = timestamp;
    ctx.previousSequence = sequence;
    return readFields(in, in, kind, timestamp, session, sequence, ctx);
  }

  /** Reads what {@link #writeFields} wrote for an event of {@code kind}. */
  public static RawEvent readFields(ByteReader in, ByteReader positions, EventKind kind, long timestamp,
      UUID session, long sequence, Context ctx) {
    try {
      return switch (kind) {
        case KEYSTROKE -> new RawEvent.Keystroke(timestamp, session, sequence,
            in.readBoundedInt(Integer.MAX_VALUE, "key code"),
            in.readBoundedInt(Integer.MAX_VALUE, "modifiers"));
        case MOUSE_MOVE -> {
          readPosition(positions, ctx);
          yield new RawEvent.MouseMove(timestamp, session, sequence, ctx.previousX, ctx.previousY);
        }
        case MOUSE_CLICK -> {
          readPosition(positions, ctx);
          MouseButton button = MouseButton.fromOrdinal(in.readByte());
          int clicks = in.readBoundedInt(Integer.MAX_VALUE, "click count");
          yield new RawEvent.MouseClick(timestamp, session, sequence, ctx.previousX, ctx.previousY,
              button, clicks);
        }
        case WINDOW_FOCUS -> new RawEvent.WindowFocus(timestamp, session, sequence,
            readString(in, ctx, "window title"), readString(in, ctx, "app name"),
            in.readBoundedInt(Integer.MAX_VALUE, "pid"));
        case SCREENSHOT -> readScreenshot(in, session, ctx, timestamp, sequence);
        case PROCESS_START -> new RawEvent.ProcessStart(timestamp, session, sequence,
            readString(in, ctx, "process name"), in.readBoundedInt(Integer.MAX_VALUE, "pid"),
            readString(in, ctx, "executable path"));
        case RESOURCE_USAGE -> new RawEvent.ResourceUsage(timestamp, session, sequence,
            Float.intBitsToFloat(in.readInt()), in.readVarLong());
      };
    } catch (IllegalArgumentException | NullPointerException e) {
      // The bytes parsed but describe an event its own constructor refuses.
      throw new EventDecodeException("decoded " + kind + " is invalid: " + e.getMessage(), e);
    }
  }

  private static RawEvent.Screenshot readScreenshot(ByteReader in, UUID session, Context ctx,
      long timestamp, long sequence) {
    ScreenshotId id = new ScreenshotId(Uuids.read(in));
    ImageFormat format = ImageFormat.fromWireCode(in.readByte());
    int width = in.readBoundedInt(Integer.MAX_VALUE, "width");
    int height = in.readBoundedInt(Integer.MAX_VALUE, "height");
    String title = readString(in, ctx, "window title");
    String app = readString(in, ctx, "app name");
    ScreenRegion region = new ScreenRegion((int) in.readSignedVarLong(), (int) in.readSignedVarLong(),
        in.readBoundedInt(Integer.MAX_VALUE, "region width"),
        in.readBoundedInt(Integer.MAX_VALUE, "region height"));
    boolean masked = in.readByte() != 0;
    int length = in.readBoundedInt(MAX_SCREENSHOT_BYTES, "image length");
    byte[] data = in.readBytes(length, "image data");
    return new RawEvent.Screenshot(timestamp, session, sequence, id, data, format, width, height,
        title, app, region, masked);
  }

  private static void writePosition(ByteWriter out, Context ctx, int x, int y) {
    out.writeSignedVarLong((long) x - ctx.previousX);
    out.writeSignedVarLong((long) y - ctx.previousY);
    ctx.previousX = x;
    ctx.previousY = y;
  }

  private static void readPosition(ByteReader in, Context ctx) {
    ctx.previousX = (int) (ctx.previousX + in.readSignedVarLong());
    ctx.previousY = (int) (ctx.previousY + in.readSignedVarLong());
  }

  private static void writeString(ByteWriter out, Context ctx, String s) {
    Integer index = ctx.writtenStrings.get(s);
    if (index != null) {
      out.writeVarLong(index + 1L);
      return;
    }
    out.writeVarLong(0);
    out.writeString(s);
    ctx.writtenStrings.put(s, ctx.writtenStrings.size());
  }

  private static String readString(ByteReader in, Context ctx, String what) {
    int ref = in.readBoundedInt(ctx.readStrings.size(), what + " reference");
    if (ref > 0) {
      return ctx.readStrings.get(ref - 1);
    }
    String s = in.readString(what);
    ctx.readStrings.add(s);
    return s;
  }
}
