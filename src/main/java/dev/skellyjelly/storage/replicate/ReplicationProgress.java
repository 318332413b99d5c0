package dev.skellyjelly.storage.replicate;

import io.vertx.core.json.JsonObject;

/**
 * What replication knows of its own progress and reports from it: what is pending locally, since
 * when PostgreSQL holds everything committed, the last error. Plain state with an injected "now",
 * so the states and the lag are tested without a server or timers.
 */
final class ReplicationProgress {

  private long pendingEvents = -1; // unknown until the first read
  private long pendingBlocks;
  private long committedSinceRead;
  private long caughtUpAtMicros;
  private long lastSuccessMicros;
  private String lastError;
  private boolean refused;

  ReplicationProgress(long startMicros) {
    this.caughtUpAtMicros = startMicros;
  }

  /** The writer committed {@code events} locally. */
  void committed(long events) {
    committedSinceRead += events;
  }

  /** A read of the local database begins: what was committed so far is in its snapshot. */
  void readStarted() {
    committedSinceRead = 0;
  }

  /** The batch read says what was pending at its snapshot: known now, even if shipping then fails. */
  void read(LocalChanges.Batch batch) {
    pendingEvents = batch.pendingEvents();
    pendingBlocks = batch.pendingBlocks();
  }

  /**
   * {@code batch}, read at {@code readMicros}, is in PostgreSQL. Returns whether more was pending
   * at its snapshot than it held, so the next batch should follow at once.
   */
  boolean shipped(LocalChanges.Batch batch, long readMicros, long nowMicros) {
    lastSuccessMicros = nowMicros;
    boolean more = !batch.isEmpty() && (batch.pendingEvents() > batch.events()
        || batch.pendingBlocks() > batch.blocks().size() || batch.cut());
    pendingEvents = batch.pendingEvents() - batch.events();
    pendingBlocks = batch.pendingBlocks() - batch.blocks().size();
    if (!more) {
      caughtUpAtMicros = readMicros;
    }
    return more;
  }

  /** Records {@code message} as the last error; returns whether it differs from the one before. */
  boolean failed(String message) {
    boolean changed = !message.equals(lastError);
    lastError = message;
    return changed;
  }

  /** Forgets the last error after a success; returns it (null: there was none). */
  String recovered() {
    String was = lastError;
    lastError = null;
    return was;
  }

  /** PostgreSQL holds a schema from a newer build: replication stops until a restart. */
  void refuse() {
    refused = true;
  }

  boolean refused() {
    return refused;
  }

  String lastError() {
    return lastError;
  }

  /** Commits the last read did not see: a read that started after them is still needed. */
  boolean committedSinceRead() {
    return committedSinceRead > 0;
  }

  /** Whether the last read found nothing left to ship. */
  boolean caughtUp() {
    return pendingEvents == 0;
  }

  /** Events committed locally and not known to be in PostgreSQL. */
  long lagEvents() {
    return Math.max(0, pendingEvents) + committedSinceRead;
  }

  /** How long since PostgreSQL last held everything committed (0 while nothing is pending). */
  long lagMicros(long nowMicros) {
    return lagEvents() == 0 ? 0 : Math.max(0, nowMicros - caughtUpAtMicros);
  }

  String state() {
    return refused ? "stopped" : lastError != null ? "backing-off"
        : pendingEvents == 0 && committedSinceRead == 0 ? "caught-up" : "replicating";
  }

  /** The progress part of the status /health and the status command show. */
  JsonObject toJson(long nowMicros) {
    return new JsonObject()
        .put("state", state())
        .put("lagSeconds", lagMicros(nowMicros) / 1e6)
        .put("lagEvents", lagEvents())
        .put("pendingBlocks", Math.max(0, pendingBlocks))
        .put("lastError", lastError)
        .put("lastSuccessMicros", lastSuccessMicros == 0 ? null : lastSuccessMicros);
  }
}
