package dev.skellyjelly.storage.event;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One event as Data Capture records it. Every event carries a wall-clock timestamp in epoch
 * microseconds ({@code Instant} does not cross processes), the capture session it belongs to,
 * and a per-session sequence number chosen by the producer: two events of one session never
 * share a sequence, so equal timestamps never collide and a retried event is stored once.
 */
public sealed interface RawEvent {

  long timestampMicros();

  UUID sessionId();

  long sequence();

  EventKind kind();

  /** A rough size in memory, used to bound the write queue by bytes. */
  default int estimatedBytes() {
    return 64;
  }

  /** A key press. Only the key code and modifiers are recorded, never the character typed. */
  record Keystroke(long timestampMicros, UUID sessionId, long sequence, int keyCode, int modifiers)
      implements RawEvent {
    public Keystroke {
      Checks.common(timestampMicros, sessionId, sequence);
      Checks.notNegative("keyCode", keyCode);
    }

    @Override
    public EventKind kind() {
      return EventKind.KEYSTROKE;
    }
  }

  /** The pointer moved to (x, y) in screen pixels; may be negative on multi-monitor set-ups. */
  record MouseMove(long timestampMicros, UUID sessionId, long sequence, int x, int y)
      implements RawEvent {
    public MouseMove {
      Checks.common(timestampMicros, sessionId, sequence);
    }

    @Override
    public EventKind kind() {
      return EventKind.MOUSE_MOVE;
    }
  }

  /** A button pressed at (x, y); {@code clickCount} is 2 for a double click. */
  record MouseClick(long timestampMicros, UUID sessionId, long sequence, int x, int y,
      MouseButton button, int clickCount) implements RawEvent {
    public MouseClick {
      Checks.common(timestampMicros, sessionId, sequence);
      Objects.requireNonNull(button, "mouse click button must not be null");
      if (clickCount < 1) {
        throw new IllegalArgumentException("mouse click count must be at least 1, got " + clickCount);
      }
    }

    @Override
    public EventKind kind() {
      return EventKind.MOUSE_CLICK;
    }
  }

  /** Keyboard focus moved to a window of an application. */
  record WindowFocus(long timestampMicros, UUID sessionId, long sequence, String windowTitle,
      String appName, int pid) implements RawEvent {
    public WindowFocus {
      Checks.common(timestampMicros, sessionId, sequence);
      Checks.notNull("window focus windowTitle", windowTitle);
      Checks.notNull("window focus appName", appName);
      Checks.notNegative("pid", pid);
    }

    @Override
    public EventKind kind() {
      return EventKind.WINDOW_FOCUS;
    }

    @Override
    public int estimatedBytes() {
      return 64 + 2 * (windowTitle.length() + appName.length());
    }
  }

  /**
   * A captured image. {@code data} is never copied or changed after construction (events are
   * passed by reference on the local bus); width and height are required for raw formats and may
   * be 0 (unknown) for PNG/JPEG.
   */
  record Screenshot(long timestampMicros, UUID sessionId, long sequence, ScreenshotId screenshotId,
      byte[] data, ImageFormat format, int width, int height, String windowTitle, String appName,
      ScreenRegion region, boolean privacyMasked) implements RawEvent {
    public Screenshot {
      Checks.common(timestampMicros, sessionId, sequence);
      Objects.requireNonNull(screenshotId, "screenshot id must not be null");
      Objects.requireNonNull(data, "screenshot data must not be null");
      Objects.requireNonNull(format, "screenshot format must not be null");
      Checks.notNegative("screenshot width", width);
      Checks.notNegative("screenshot height", height);
      Checks.notNull("screenshot windowTitle", windowTitle);
      Checks.notNull("screenshot appName", appName);
      Objects.requireNonNull(region, "screenshot region must not be null");
    }

    @Override
    public EventKind kind() {
      return EventKind.SCREENSHOT;
    }

    @Override
    public int estimatedBytes() {
      return 128 + data.length + 2 * (windowTitle.length() + appName.length());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Screenshot s
          && timestampMicros == s.timestampMicros && sequence == s.sequence
          && width == s.width && height == s.height && privacyMasked == s.privacyMasked
          && sessionId.equals(s.sessionId) && screenshotId.equals(s.screenshotId)
          && format == s.format && windowTitle.equals(s.windowTitle) && appName.equals(s.appName)
          && region.equals(s.region) && Arrays.equals(data, s.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(screenshotId, sessionId, sequence, timestampMicros, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
      return "Screenshot[" + screenshotId + ", " + format + " " + width + "x" + height + ", "
          + data.length + " bytes, app=" + appName + ", t=" + timestampMicros + "]";
    }
  }

  /** A process was started. {@code executablePath} may be empty when the OS does not tell it. */
  record ProcessStart(long timestampMicros, UUID sessionId, long sequence, String processName,
      int pid, String executablePath) implements RawEvent {
    public ProcessStart {
      Checks.common(timestampMicros, sessionId, sequence);
      Checks.notNull("process processName", processName);
      Checks.notNegative("pid", pid);
      Checks.notNull("process executablePath", executablePath);
    }

    @Override
    public EventKind kind() {
      return EventKind.PROCESS_START;
    }

    @Override
    public int estimatedBytes() {
      return 64 + 2 * (processName.length() + executablePath.length());
    }
  }

  /**
   * A resource sample: CPU use of the machine in percent of one core times cores (0..100·cores)
   * and resident memory in bytes.
   */
  record ResourceUsage(long timestampMicros, UUID sessionId, long sequence, float cpuPercent,
      long memoryBytes) implements RawEvent {
    public ResourceUsage {
      Checks.common(timestampMicros, sessionId, sequence);
      if (!(cpuPercent >= 0f) || Float.isInfinite(cpuPercent)) {
        throw new IllegalArgumentException("resource cpuPercent must be a finite number >= 0, got "
            + cpuPercent);
      }
      if (memoryBytes < 0) {
        throw new IllegalArgumentException("resource memoryBytes must not be negative, got "
            + memoryBytes);
      }
    }

    @Override
    public EventKind kind() {
      return EventKind.RESOURCE_USAGE;
    }
  }

  /** Validation shared by the records' compact constructors. */
  final class Checks {
    private Checks() {
    }

    static void common(long timestampMicros, UUID sessionId, long sequence) {
      if (timestampMicros < 0) {
        throw new IllegalArgumentException(
            "event timestampMicros must be epoch microseconds >= 0, got " + timestampMicros);
      }
      Objects.requireNonNull(sessionId, "event sessionId must not be null");
      if (sequence < 0) {
        throw new IllegalArgumentException("event sequence must not be negative, got " + sequence);
      }
    }

    static void notNull(String what, String value) {
      if (value == null) {
        throw new IllegalArgumentException(what + " must not be null (use \"\" when unknown)");
      }
    }

    static void notNegative(String what, long value) {
      if (value < 0) {
        throw new IllegalArgumentException(what + " must not be negative, got " + value);
      }
    }
  }
}
