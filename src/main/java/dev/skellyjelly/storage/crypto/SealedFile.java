package dev.skellyjelly.storage.crypto;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A file sealed under a key-encryption key, streamed in chunks (for {@code export --encrypt}):
 * a one-time file key, wrapped by the key-encryption key, seals 64 KiB chunks with AES-256-GCM;
 * each chunk's index and whether it is the last are authenticated, so a chunk cannot be dropped,
 * reordered or the file cut short unnoticed.
 *
 * <pre>
 * file  := "SJX1"  saltLength:u8 salt  wrappedKeyLength:u16 wrappedKey  chunk*
 * chunk := sealedLength:u32  nonce ciphertext tag      (associated data: index:u64 last:u8)
 * </pre>
 * The salt is the passphrase's (empty for a key file or key variable), so the file opens without
 * the database it came from.
 */
public final class SealedFile {

  private static final byte[] MAGIC = "SJX1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WRAP_AAD = "skelly-jelly export key".getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK = 64 * 1024;

  private SealedFile() {
  }

  /** A stream that seals what is written to it into {@code out}; close it to write the last chunk. */
  public static OutputStream sealing(OutputStream out, byte[] keyEncryptionKey, byte[] salt) throws IOException {
    byte[] fileKey = Aead.randomBytes(Aead.KEY_BYTES);
    byte[] wrapped = new Aead(keyEncryptionKey).sealWithRandomNonce(fileKey, WRAP_AAD);
    DataOutputStream data = new DataOutputStream(out);
    data.write(MAGIC);
    data.writeByte(salt == null ? 0 : salt.length);
    if (salt != null) {
      data.write(salt);
    }
    data.writeShort(wrapped.length);
    data.write(wrapped);
    Aead aead = new Aead(fileKey);
    return new FilterOutputStream(data) {
      private final byte[] buffer = new byte[CHUNK];
      private int filled;
      private long index;
      private boolean closed;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
          int n = Math.min(len, CHUNK - filled);
          System.arraycopy(b, off, buffer, filled, n);
          filled += n;
          off += n;
          len -= n;
          if (filled == CHUNK) {
            chunk(false);
          }
        }
      }

      private void chunk(boolean last) throws IOException {
        // The file key seals this file only, so the chunk index is a nonce that never repeats.
        byte[] nonce = ByteBuffer.allocate(Aead.NONCE_BYTES).putInt(0).putLong(index).array();
        byte[] sealed = aead.seal(nonce, Arrays.copyOf(buffer, filled), aad(index, last));
        data.writeInt(sealed.length);
        data.write(sealed);
        index++;
        filled = 0;
      }

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          chunk(true);
          Arrays.fill(fileKey, (byte) 0);
          data.close();
        }
      }
    };
  }

  /**
   * Opens a sealed file into {@code out}; {@code keyForSalt} gives the key-encryption key for the
   * file's passphrase salt (null when there is none).
   */
  public static void open(InputStream in, OutputStream out, Function<byte[], byte[]> keyForSalt)
      throws IOException, DecryptException {
    DataInputStream data = new DataInputStream(in);
    byte[] magic = new byte[MAGIC.length];
    data.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new DecryptException("not a file written by export --encrypt");
    }
    byte[] salt = new byte[data.readUnsignedByte()];
    data.readFully(salt);
    byte[] wrapped = new byte[data.readUnsignedShort()];
    data.readFully(wrapped);
    byte[] fileKey;
    try {
      fileKey = new Aead(keyForSalt.apply(salt.length == 0 ? null : salt)).open(wrapped, 0, WRAP_AAD);
    } catch (DecryptException e) {
      throw new DecryptException("the configured key does not open this file (wrong key or passphrase?)");
    }
    Aead aead = new Aead(fileKey);
    for (long index = 0; ; index++) {
      int length;
      try {
        length = data.readInt();
      } catch (EOFException e) {
        throw new DecryptException("the file is cut short after chunk " + index + "; it is incomplete");
      }
      if (length < Aead.NONCE_BYTES + Aead.TAG_BYTES || length > CHUNK + Aead.NONCE_BYTES + Aead.TAG_BYTES) {
        throw new DecryptException("chunk " + index + " claims " + length + " bytes; the file is damaged");
      }
      byte[] sealed = new byte[length];
      data.readFully(sealed);
      try {
        out.write(aead.open(sealed, 0, aad(index, false)));
      } catch (DecryptException notMiddle) {
        try {
          out.write(aead.open(sealed, 0, aad(index, true)));
        } catch (DecryptException e) {
          throw new DecryptException("chunk " + index + " does not decrypt: the file was changed");
        }
        if (data.read() != -1) {
          throw new DecryptException("bytes follow the last chunk: the file was changed");
        }
        return;
      }
    }
  }

  private static byte[] aad(long index, boolean last) {
    return ByteBuffer.allocate(9).putLong(index).put((byte) (last ? 1 : 0)).array();
  }
}
