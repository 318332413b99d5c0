package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.ByteReader;
import dev.skellyjelly.storage.event.ByteWriter;
import dev.skellyjelly.storage.event.EventDecodeException;
import dev.skellyjelly.storage.event.EventEncoding;
import dev.skellyjelly.storage.event.RawEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;

/**
 * The payload of one event block (DESIGN decision 10), in one of two formats told apart by the
 * first byte. A <em>fresh</em> block holds the events of one session from one write, in sequence
 * order, as {@link EventEncoding} bodies sharing one delta context, then LZ4 — cheap to write at
 * every commit. A <em>sealed</em> block ({@link SealedBlockFormat}) is what merging writes: many
 * fresh blocks' events in columns under zstd, denser by half.
 *
 * <pre>
 * fresh   := 1:u8  rawLength:varint  lz4(count:varint body*)
 * sealed  := 2:u8  ... (see SealedBlockFormat)
 * </pre>
 * The session is not repeated per event: it is the block row's {@code session_key}.
 */
public final class BlockCodec {

  /** First byte of a fresh block (the body layout of wire version 1). */
  public static final int FRESH = 1;
  public static final int SEALED = SealedBlockFormat.FORMAT;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  /** Blocks larger than this when decompressed are corrupt (a write holds at most a few MB). */
  private static final int MAX_RAW_BYTES = 512 << 20;

  private final BlockCrypto crypto;
  private final LZ4Compressor compressor = LZ4.fastCompressor();
  private final LZ4FastDecompressor decompressor = LZ4.fastDecompressor();
  private final ByteWriter raw = new ByteWriter(64 * 1024);
  private final EventEncoding.Context context = new EventEncoding.Context();

  /** A codec for plaintext databases. */
  public BlockCodec() {
    this(null);
  }

  /** A codec that seals what it encodes and opens sealed blocks with {@code crypto} (null: none). */
  public BlockCodec(BlockCrypto crypto) {
    this.crypto = crypto;
  }

  /**
   * Encodes events of one session, already in sequence order, as a fresh block (sealed when
   * encryption is on). Not thread-safe: one per writer.
   */
  public byte[] encode(List<RawEvent> events) {
    return sealed(encodeFresh(events), events);
  }

  private byte[] encodeFresh(List<RawEvent> events) {
    raw.reset();
    context.reset();
    raw.writeVarLong(events.size());
    for (RawEvent e : events) {
      EventEncoding.writeBody(raw, e, context);
    }
    int rawLength = raw.length();
    int max = compressor.maxCompressedLength(rawLength);
    byte[] out = new byte[1 + 5 + max]; // format byte, raw length (an int: 5 varint bytes at most)
    out[0] = (byte) FRESH;
    int headerLength = 1 + ByteWriter.putVarLong(out, 1, rawLength);
    int compressed = compressor.compress(raw.array(), 0, rawLength, out, headerLength, max);
    return java.util.Arrays.copyOf(out, headerLength + compressed);
  }

  /** Encodes events of one session, already in sequence order, as one merged block. */
  public byte[] encodeSealed(List<RawEvent> events) {
    return sealed(SealedBlockFormat.encode(events), events);
  }

  private byte[] sealed(byte[] payload, List<RawEvent> events) {
    if (crypto == null) {
      return payload;
    }
    RawEvent first = events.get(0);
    return crypto.sealBlock(payload, first.sessionId(), first.sequence(), events.get(events.size() - 1).sequence());
  }

  /**
   * Decodes a payload of any format; an encrypted one is opened with the block's identity (its
   * session and stored sequence range). Corrupt payloads throw a decode error, ones that do not
   * open a {@link BlockDecryptException}.
   */
  public List<RawEvent> decode(byte[] payload, UUID session, long firstSeq, long lastSeq) {
    if (format(payload) != BlockCrypto.SEALED) {
      return decode(payload, session);
    }
    if (crypto == null) {
      throw new BlockDecryptException("the block is encrypted; set [encryption] enabled = true with its key");
    }
    byte[] plain;
    try {
      plain = crypto.openBlock(payload, session, firstSeq, lastSeq);
    } catch (dev.skellyjelly.storage.crypto.DecryptException e) {
      throw new BlockDecryptException("the block does not decrypt: " + e.getMessage());
    }
    if (format(plain) == BlockCrypto.SEALED) {
      throw new BlockDecryptException("an encrypted block holds another encrypted block");
    }
    return decode(plain, session);
  }

  /** The format of a payload: {@link #FRESH}, {@link #SEALED} or another (corrupt) byte. */
  public static int format(byte[] payload) {
    return payload.length == 0 ? -1 : payload[0] & 0xFF;
  }

  /** Decodes a plaintext payload of either format; corrupt payloads throw a decode error. */
  public List<RawEvent> decode(byte[] payload, UUID session) {
    int format = format(payload);
    if (format == SEALED) {
      return SealedBlockFormat.decode(payload, session, MAX_RAW_BYTES);
    }
    if (format == BlockCrypto.SEALED) {
      throw new BlockDecryptException("the block is encrypted; read it with its sequence range and key");
    }
    if (format != FRESH) {
      throw new EventDecodeException("event block format " + format + " is not one this build reads ("
          + FRESH + " fresh, " + SEALED + " sealed); upgrade the storage module");
    }
    ByteReader header = new ByteReader(payload);
    header.readByte();
    int rawLength = header.readBoundedInt(MAX_RAW_BYTES, "block length");
    byte[] rawBytes = new byte[rawLength];
    try {
      int read = decompressor.decompress(payload, header.position(), rawBytes, 0, rawLength);
      if (header.position() + read != payload.length) {
        throw new EventDecodeException("event block has " + (payload.length - header.position() - read)
            + " trailing bytes after its LZ4 data");
      }
    } catch (LZ4Exception e) {
      throw new EventDecodeException("event block's LZ4 data is corrupt: " + e.getMessage(), e);
    }
    ByteReader in = new ByteReader(rawBytes);
    int count = in.readBoundedInt(rawLength, "block event count");
    EventEncoding.Context ctx = new EventEncoding.Context();
    List<RawEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(EventEncoding.readBody(in, session, ctx));
    }
    return events;
  }
}
