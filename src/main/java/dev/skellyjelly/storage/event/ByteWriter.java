package dev.skellyjelly.storage.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array with the varint and zig-zag writes of the wire encoding. */
public final class ByteWriter {
  private byte[] bytes;
  private int length;

  public ByteWriter(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
  }

  public int length() {
    return length;
  }

  public byte[] array() {
    return bytes;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  public void reset() {
    length = 0;
  }

  private void ensure(int extra) {
    if (length + extra > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
    }
  }

  public void writeByte(int b) {
    ensure(1);
    bytes[length++] = (byte) b;
  }

  public void writeBytes(byte[] src) {
    writeBytes(src, 0, src.length);
  }

  public void writeBytes(byte[] src, int offset, int count) {
    ensure(count);
    System.arraycopy(src, offset, bytes, length, count);
    length += count;
  }

  /** Unsigned LEB128: 7 bits a byte, high bit set on all but the last. */
  public void writeVarLong(long value) {
    ensure(MAX_VARLONG_BYTES);
    length += putVarLong(bytes, length, value);
  }

  /** The most bytes one varint takes. */
  public static final int MAX_VARLONG_BYTES = 10;

  /**
   * Writes {@code value} as an unsigned LEB128 varint into {@code out} at {@code offset}, for a
   * header written in place in front of data; the caller leaves room for it.
   *
   * @return how many bytes it took (1 to {@link #MAX_VARLONG_BYTES})
   */
  public static int putVarLong(byte[] out, int offset, long value) {
    int n = 0;
    while ((value & ~0x7FL) != 0) {
      out[offset + n++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[offset + n++] = (byte) value;
    return n;
  }

  /** Zig-zag maps small negative numbers to small unsigned ones before the varint. */
  public void writeSignedVarLong(long value) {
    writeVarLong((value << 1) ^ (value >> 63));
  }

  public void writeLong(long value) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      bytes[length++] = (byte) (value >>> (8 * i));
    }
  }

  public void writeInt(int value) {
    ensure(4);
    for (int i = 3; i >= 0; i--) {
      bytes[length++] = (byte) (value >>> (8 * i));
    }
  }

  public void writeString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeVarLong(utf8.length);
    writeBytes(utf8);
  }
}
