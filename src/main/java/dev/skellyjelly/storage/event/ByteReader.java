package dev.skellyjelly.storage.event;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteWriter} wrote, checking every bound: corrupt or truncated input ends in
 * an {@link EventDecodeException} naming the offset, never in an index error or a huge allocation.
 */
public final class ByteReader {
  private final byte[] bytes;
  private final int end;
  private int pos;

  public ByteReader(byte[] bytes) {
    this(bytes, 0, bytes.length);
  }

  public ByteReader(byte[] bytes, int offset, int length) {
    this.bytes = bytes;
    this.pos = offset;
    this.end = offset + length;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return end - pos;
  }

  private void need(int n, String what) {
    if (n < 0 || end - pos < n) {
      throw new EventDecodeException("truncated input: " + what + " needs " + n
          + " bytes at offset " + pos + " but only " + (end - pos) + " remain");
    }
  }

  public int readByte() {
    need(1, "a byte");
    return bytes[pos++] & 0xFF;
  }

  public byte[] readBytes(int count, String what) {
    need(count, what);
    byte[] out = new byte[count];
    System.arraycopy(bytes, pos, out, 0, count);
    pos += count;
    return out;
  }

  public long readVarLong() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1, "a varint");
      int b = bytes[pos++];
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new EventDecodeException("malformed varint ending at offset " + pos + " (over 10 bytes)");
  }

  public long readSignedVarLong() {
    long raw = readVarLong();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** A varint that must fit in a non-negative int no larger than {@code max}. */
  public int readBoundedInt(long max, String what) {
    long v = readVarLong();
    if (v < 0 || v > max) {
      throw new EventDecodeException(what + " " + v + " at offset " + pos + " is out of range 0.." + max);
    }
    return (int) v;
  }

  public long readLong() {
    need(8, "a long");
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (bytes[pos++] & 0xFF);
    }
    return v;
  }

  public int readInt() {
    need(4, "an int");
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (bytes[pos++] & 0xFF);
    }
    return v;
  }

  public String readString(String what) {
    int len = readBoundedInt(Integer.MAX_VALUE, what + " length");
    need(len, what);
    String s = new String(bytes, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }
}
