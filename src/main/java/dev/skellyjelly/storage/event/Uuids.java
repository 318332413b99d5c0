package dev.skellyjelly.storage.event;

import java.util.UUID;

/**
 * The one byte form of a UUID in this module: 16 bytes, most significant half first (big
 * endian). The wire encodings write it inline; the database stores it as a 16-byte BLOB.
 */
public final class Uuids {

  public static final int BYTES = 16;

  private Uuids() {
  }

  public static void write(ByteWriter out, UUID id) {
    out.writeLong(id.getMostSignificantBits());
    out.writeLong(id.getLeastSignificantBits());
  }

  public static UUID read(ByteReader in) {
    return new UUID(in.readLong(), in.readLong());
  }

  /** The 16 bytes of {@code id}, e.g. for a BLOB column. */
  public static byte[] toBytes(UUID id) {
    ByteWriter out = new ByteWriter(BYTES);
    write(out, id);
    return out.toByteArray();
  }

  /** The UUID of 16 bytes read back from a BLOB column; any other length is a decode error. */
  public static UUID fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != BYTES) {
      throw new EventDecodeException("a UUID is " + BYTES + " bytes, got "
          + (bytes == null ? "none" : bytes.length + ""));
    }
    return read(new ByteReader(bytes));
  }
}
