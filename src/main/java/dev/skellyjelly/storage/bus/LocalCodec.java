package dev.skellyjelly.storage.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Codec for the module's internal, immutable messages: passed by reference between its own
 * verticles and refused if anything tries to put them on the cluster wire.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  private LocalCodec(Class<T> type) {
    this.type = type;
  }

  /** Registers {@code type} as local-only on {@code bus}. */
  public static <T> void register(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new LocalCodec<>(type));
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new IllegalStateException(type.getName() + " is internal to the storage module and must"
        + " only be sent to local consumers");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException(type.getName() + " never travels on the wire");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "skelly-jelly.local." + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
