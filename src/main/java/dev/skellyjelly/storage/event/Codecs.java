package dev.skellyjelly.storage.event;

import io.vertx.core.eventbus.EventBus;

/**
 * Registers the codecs of {@link RawEvent} (each of its records) and {@link EventBatch} as default
 * codecs on one event bus. Every node that sends or receives these types calls this once on its
 * own {@code Vertx} — the storage module, Data Capture, Analysis, tests — never from a static
 * initialiser. A node that forgets loses its {@code send}s with only a log line.
 */
public final class Codecs {

  private static final String PREFIX = "skelly-jelly.";

  private Codecs() {
  }

  public static void registerAll(EventBus bus) {
    register(bus, RawEvent.Keystroke.class);
    register(bus, RawEvent.MouseMove.class);
    register(bus, RawEvent.MouseClick.class);
    register(bus, RawEvent.WindowFocus.class);
    register(bus, RawEvent.Screenshot.class);
    register(bus, RawEvent.ProcessStart.class);
    register(bus, RawEvent.ResourceUsage.class);
    bus.registerDefaultCodec(EventBatch.class, new WireCodec<>(PREFIX + "EventBatch.v"
        + EventEncoding.VERSION, EventBatch.class, EventBatchEncoding::encode,
        EventBatchEncoding::decode));
  }

  /** Vert.x picks a default codec by the body's exact class, so each record gets its own. */
  private static <T extends RawEvent> void register(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new WireCodec<>(PREFIX + "RawEvent." + type.getSimpleName() + ".v"
        + EventEncoding.VERSION, type, EventEncoding::encodeSingle, EventEncoding::decodeSingle));
  }
}
