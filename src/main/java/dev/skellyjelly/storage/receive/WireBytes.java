package dev.skellyjelly.storage.receive;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The bytes of a message body that came across the cluster. Vert.x hands a received
 * {@link Buffer} over a heap array of exactly its length (it copies it out of the connection's
 * buffer twice already); reading that array instead of {@link Buffer#getBytes()} spares a third
 * copy — per 1 MiB screenshot chunk, a fresh megabyte the JVM must zero and the kernel fault in.
 * Any other buffer is copied as before.
 */
final class WireBytes {

  private WireBytes() {
  }

  /** The body's bytes; the array is the buffer's own when it can be, so it must not be changed. */
  static byte[] of(Buffer body) {
    if (body instanceof BufferInternal internal) {
      ByteBuf buf = internal.getByteBuf();
      if (buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0
          && buf.array().length == buf.readableBytes()) {
        return buf.array();
      }
    }
    return body.getBytes();
  }
}
