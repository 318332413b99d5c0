package dev.skellyjelly.storage.event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Wire form of an {@link EventBatch}: the window header, the sessions it mentions, then every
 * event as an {@link EventEncoding} body against its session's context, then the screenshot ids.
 */
public final class EventBatchEncoding {

  private static final int MAX_COUNT = 100_000_000;

  private EventBatchEncoding() {
  }

  public static byte[] encode(EventBatch batch) {
    ByteWriter out = new ByteWriter(64 + batch.events().size() * 12);
    out.writeByte(EventEncoding.VERSION);
    Uuids.write(out, batch.windowId());
    out.writeVarLong(batch.startMicros());
    out.writeVarLong(batch.endMicros() - batch.startMicros());
    Map<UUID, Integer> sessionIndex = new HashMap<>();
    List<UUID> sessions = new ArrayList<>();
    for (RawEvent e : batch.events()) {
      if (sessionIndex.putIfAbsent(e.sessionId(), sessions.size()) == null) {
        sessions.add(e.sessionId());
      }
    }
    out.writeVarLong(sessions.size());
    for (UUID s : sessions) {
      Uuids.write(out, s);
    }
    EventEncoding.Context[] contexts = newContexts(sessions.size());
    out.writeVarLong(batch.events().size());
    for (RawEvent e : batch.events()) {
      int index = sessionIndex.get(e.sessionId());
      out.writeVarLong(index);
      EventEncoding.writeBody(out, e, contexts[index]);
    }
    out.writeVarLong(batch.screenshotRefs().size());
    for (ScreenshotId id : batch.screenshotRefs()) {
      Uuids.write(out, id.value());
    }
    return out.toByteArray();
  }

  public static EventBatch decode(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    EventEncoding.checkVersion(in.readByte(), "event batch");
    UUID windowId = Uuids.read(in);
    long start = in.readVarLong();
    long end = start + in.readVarLong();
    int sessionCount = in.readBoundedInt(in.remaining() / 16, "session count");
    List<UUID> sessions = new ArrayList<>(sessionCount);
    for (int i = 0; i < sessionCount; i++) {
      sessions.add(Uuids.read(in));
    }
    EventEncoding.Context[] contexts = newContexts(sessionCount);
    int eventCount = in.readBoundedInt(Math.min(MAX_COUNT, in.remaining()), "event count");
    List<RawEvent> events = new ArrayList<>(eventCount);
    for (int i = 0; i < eventCount; i++) {
      int index = in.readBoundedInt(sessionCount - 1L, "session index");
      events.add(EventEncoding.readBody(in, sessions.get(index), contexts[index]));
    }
    int refCount = in.readBoundedInt(in.remaining() / 16, "screenshot ref count");
    List<ScreenshotId> refs = new ArrayList<>(refCount);
    for (int i = 0; i < refCount; i++) {
      refs.add(new ScreenshotId(Uuids.read(in)));
    }
    if (in.remaining() != 0) {
      throw new EventDecodeException(in.remaining() + " unexpected bytes after the event batch");
    }
    try {
      return new EventBatch(windowId, start, end, events, refs);
    } catch (IllegalArgumentException e) {
      throw new EventDecodeException("decoded event batch is invalid: " + e.getMessage(), e);
    }
  }

  private static EventEncoding.Context[] newContexts(int n) {
    EventEncoding.Context[] contexts = new EventEncoding.Context[n];
    for (int i = 0; i < n; i++) {
      contexts[i] = new EventEncoding.Context();
    }
    return contexts;
  }
}
