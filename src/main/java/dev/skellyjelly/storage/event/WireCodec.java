package dev.skellyjelly.storage.event;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.function.Function;

/**
 * Event-bus codec for an immutable message type. Local delivery passes the object itself (safe
 * because records here are immutable and never mutate their arrays); cluster delivery writes a
 * length-prefixed {@link EventEncoding} form and checks it fully when reading.
 */
final class WireCodec<T> implements MessageCodec<T, T> {
  private final String name;
  private final Function<? super T, byte[]> encoder;
  private final Function<byte[], ?> decoder;
  private final Class<T> type;

  WireCodec(String name, Class<T> type, Function<? super T, byte[]> encoder,
      Function<byte[], ?> decoder) {
    this.name = name;
    this.type = type;
    this.encoder = encoder;
    this.decoder = decoder;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    byte[] bytes = encoder.apply(value);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int available = buffer.length() - pos;
    if (available < 4) {
      throw new EventDecodeException(name + ": message of " + available
          + " bytes is too short for its length prefix");
    }
    int length = buffer.getInt(pos);
    if (length < 0 || length > available - 4) {
      throw new EventDecodeException(name + ": length prefix says " + length + " bytes but "
          + (available - 4) + " follow");
    }
    Object decoded = decoder.apply(buffer.getBytes(pos + 4, pos + 4 + length));
    if (!type.isInstance(decoded)) {
      throw new EventDecodeException(name + ": bytes hold a " + decoded.getClass().getSimpleName()
          + ", not a " + type.getSimpleName());
    }
    return type.cast(decoded);
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
