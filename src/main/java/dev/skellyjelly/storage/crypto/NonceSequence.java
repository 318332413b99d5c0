package dev.skellyjelly.storage.crypto;

import java.nio.ByteBuffer;

/**
 * 96-bit GCM nonces that never repeat under one key: a 4-byte prefix fixed per key, then a 64-bit
 * counter. The counter is reserved ahead of use in durable storage ({@link Reservations}): after a
 * crash or a restart counting resumes at the reserved mark, so a nonce handed out before the crash
 * is never handed out again (some are skipped, none reused).
 */
public final class NonceSequence {

  /** Where the reserved mark is kept; {@link #reserve} must be durable when it returns. */
  public interface Reservations {
    long reserved();

    void reserve(long upTo);
  }

  /** Reserved at a time: one durable write per this many encryptions. */
  static final long CHUNK = 100_000;

  private final int prefix;
  private final Reservations reservations;
  private long next;
  private long reservedUpTo;

  public NonceSequence(int prefix, Reservations reservations) {
    this.prefix = prefix;
    this.reservations = reservations;
    this.next = reservations.reserved();
    this.reservedUpTo = next;
  }

  /**
   * Makes sure {@code count} nonces can be handed out without a durable write: call outside a
   * transaction whose rollback could otherwise forget a reservation.
   */
  public void ensure(long count) {
    if (next + count > reservedUpTo) {
      reservedUpTo = next + Math.max(count, CHUNK);
      reservations.reserve(reservedUpTo);
    }
  }

  /**
   * The next nonce. Refuses when the reservation is used up: reserving inside a transaction that
   * may roll back could hand the same nonce out twice, so callers {@link #ensure} first.
   */
  public byte[] next() {
    if (next >= reservedUpTo) {
      throw new IllegalStateException("no nonce reserved: call ensure(count) before sealing");
    }
    return ByteBuffer.allocate(Aead.NONCE_BYTES).putInt(prefix).putLong(next++).array();
  }
}
