package dev.skellyjelly.storage.event;

import java.util.List;
import java.util.UUID;

/**
 * Many events of one capture session in one bus message: what producers send across the cluster,
 * so that a TCP write, a wake-up and a reply are paid per frame rather than per event. Locally
 * the object itself is passed; on the wire it is {@link FrameEncoding}'s checksummed form.
 *
 * <p>The record does not refuse an inconsistent frame (events of another session, sequences
 * not increasing): the receiver must be able to answer such a frame with the offset that is
 * wrong, so {@link #inconsistency()} reports it instead.
 */
public record EventFrame(UUID session, List<RawEvent> events) {

  /** Most events one frame may carry; a larger frame is refused as a whole. */
  public static final int MAX_EVENTS = 65_536;

  public EventFrame {
    if (session == null) {
      throw new IllegalArgumentException("a frame needs a session id");
    }
    events = List.copyOf(events);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a frame carries at least one event");
    }
  }

  /** A frame of {@code events}, all of the first event's session. */
  public static EventFrame of(List<RawEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a frame carries at least one event");
    }
    return new EventFrame(events.get(0).sessionId(), events);
  }

  /** The sequence of the frame's last event: a durable frame's reply. */
  public long lastSequence() {
    return events.get(events.size() - 1).sequence();
  }

  /**
   * What makes this frame unacceptable, naming the offset (index of the event in the frame), or
   * {@code null} when every event is of the frame's session with strictly increasing sequences.
   */
  public String inconsistency() {
    if (events.size() > MAX_EVENTS) {
      return "a frame carries at most " + MAX_EVENTS + " events, this one " + events.size()
          + "; send smaller frames";
    }
    long previous = -1;
    for (int i = 0; i < events.size(); i++) {
      RawEvent e = events.get(i);
      if (!e.sessionId().equals(session)) {
        return "event at offset " + i + " belongs to session " + e.sessionId() + ", the frame to "
            + session + "; a frame carries one session's events";
      }
      if (e.sequence() <= previous) {
        return "event at offset " + i + " has sequence " + e.sequence() + " after " + previous
            + "; sequences inside a frame must increase";
      }
      previous = e.sequence();
    }
    return null;
  }
}
