package dev.skellyjelly.storage.event;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers the codecs of {@link RawEvent} (each of its records), {@link EventFrame},
 * {@link ScreenshotChunk} and {@link EventBatch} as default
 * codecs on one event bus. Every node that sends or receives these types calls this once on its
 * own {@code Vertx} — the storage module, Data Capture, Analysis, tests — never from a static
 * initialiser. A node that forgets loses its {@code send}s with only a log line.
 */
public final class Codecs {

  private static final String PREFIX = "skelly-jelly.";
  private static final List<Class<? extends RawEvent>> EVENT_TYPES = List.of(
      RawEvent.Keystroke.class, RawEvent.MouseMove.class, RawEvent.MouseClick.class,
      RawEvent.WindowFocus.class, RawEvent.Screenshot.class, RawEvent.ProcessStart.class,
      RawEvent.ResourceUsage.class);

  private Codecs() {
  }

  /**
   * Registers every codec on {@code bus}.
   *
   * @throws IllegalStateException if they are registered there already
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void registerAll(EventBus bus) {
    codecs().forEach((type, codec) -> bus.registerDefaultCodec((Class) type, (MessageCodec) codec));
  }

  /** One codec per type: Vert.x picks a default codec by the body's exact class. */
  static Map<Class<?>, MessageCodec<?, ?>> codecs() {
    Map<Class<?>, MessageCodec<?, ?>> codecs = new LinkedHashMap<>();
    for (Class<? extends RawEvent> type : EVENT_TYPES) {
      codecs.put(type, eventCodec(type));
    }
    codecs.put(EventFrame.class, new WireCodec<>(PREFIX + "EventFrame.v" + FrameEncoding.VERSION,
        EventFrame.class, FrameEncoding::encode, FrameEncoding::decode));
    codecs.put(ScreenshotChunk.class, new WireCodec<>(PREFIX + "ScreenshotChunk.v"
        + ScreenshotChunkEncoding.VERSION, ScreenshotChunk.class, ScreenshotChunkEncoding::encode,
        ScreenshotChunkEncoding::decode));
    codecs.put(EventBatch.class, new WireCodec<>(PREFIX + "EventBatch.v" + EventEncoding.VERSION,
        EventBatch.class, EventBatchEncoding::encode, EventBatchEncoding::decode));
    return codecs;
  }

  private static <T extends RawEvent> MessageCodec<T, T> eventCodec(Class<T> type) {
    return new WireCodec<>(PREFIX + "RawEvent." + type.getSimpleName() + ".v" + EventEncoding.VERSION,
        type, EventEncoding::encodeSingle, EventEncoding::decodeSingle);
  }
}
