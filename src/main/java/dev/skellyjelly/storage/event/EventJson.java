package dev.skellyjelly.storage.event;

import io.vertx.core.json.JsonObject;

/** The JSON form of events for queries and exports: common fields, then the kind's own. */
public final class EventJson {
  private EventJson() {
  }

  public static JsonObject toJson(RawEvent e) {
    JsonObject json = new JsonObject()
        .put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT))
        .put("timestampMicros", e.timestampMicros())
        .put("session", e.sessionId().toString())
        .put("sequence", e.sequence());
    switch (e.kind()) {
      case KEYSTROKE -> {
        RawEvent.Keystroke k = (RawEvent.Keystroke) e;
        json.put("keyCode", k.keyCode()).put("modifiers", k.modifiers());
      }
      case MOUSE_MOVE -> {
        RawEvent.MouseMove m = (RawEvent.MouseMove) e;
        json.put("x", m.x()).put("y", m.y());
      }
      case MOUSE_CLICK -> {
        RawEvent.MouseClick c = (RawEvent.MouseClick) e;
        json.put("x", c.x()).put("y", c.y()).put("button", c.button().name().toLowerCase(java.util.Locale.ROOT))
            .put("clickCount", c.clickCount());
      }
      case WINDOW_FOCUS -> {
        RawEvent.WindowFocus w = (RawEvent.WindowFocus) e;
        json.put("windowTitle", w.windowTitle()).put("appName", w.appName()).put("pid", w.pid());
      }
      case SCREENSHOT -> {
        RawEvent.Screenshot s = (RawEvent.Screenshot) e;
        json.put("screenshotId", s.screenshotId().toString()).put("format", s.format().name())
            .put("width", s.width()).put("height", s.height()).put("sizeBytes", s.data().length);
      }
      case PROCESS_START -> {
        RawEvent.ProcessStart p = (RawEvent.ProcessStart) e;
        json.put("processName", p.processName()).put("pid", p.pid()).put("executablePath", p.executablePath());
      }
      case RESOURCE_USAGE -> {
        RawEvent.ResourceUsage r = (RawEvent.ResourceUsage) e;
        json.put("cpuPercent", r.cpuPercent()).put("memoryBytes", r.memoryBytes());
      }
      default -> throw new IllegalStateException("no JSON form for " + e.kind());
    }
    return json;
  }
}
