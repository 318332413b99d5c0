package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The writing side of the database, owned by one thread (the writer verticle's): work is
 * {@linkplain StagedWrite staged} as it arrives, then {@link #commit() committed} in one
 * {@code BEGIN IMMEDIATE} transaction — the {@linkplain BlockWriter blocks}, the
 * {@linkplain MinuteRows minute aggregates} those events change, the sessions'
 * {@linkplain StoredSequences stored sequence ranges}, the {@linkplain WindowRows windows} and the
 * {@linkplain ScreenshotRows screenshot metadata}.
 */
public final class EventStore implements AutoCloseable {

  /**
   * What one commit wrote; {@code stored} are its new events in arrival order (retried ones
   * already stored are not among them), for the windows of the Analysis Engine.
   */
  public record CommitResult(int events, int blocks, int windows, int screenshots, long nanos,
      List<RawEvent> stored, long storedBytes) {
  }

  private final Connection connection;
  private final BlockCrypto crypto;
  private final SessionKeys sessionKeys;
  private final StoredSequences storedSequences;
  private final BlockWriter blocks;
  private final StagedWrite staged;

  private EventStore(Connection connection, StorageConfig.Encryption encryption) throws SQLException {
    this.connection = connection;
    try {
      SchemaMigration.migrate(connection);
      Settings.deviceId(connection, true);
      this.crypto = EncryptionAtRest.openForWriting(connection, encryption);
      this.blocks = new BlockWriter(connection, crypto);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    this.sessionKeys = new SessionKeys(connection);
    this.storedSequences = new StoredSequences(connection);
    this.staged = new StagedWrite(storedSequences);
  }

  /** Opens (creating, 600 in a 700 directory, if needed) and migrates the database. */
  public static EventStore open(Path db, String synchronous) throws SQLException, java.io.IOException {
    return open(db, synchronous, 5_000);
  }

  public static EventStore open(Path db, String synchronous, int busyTimeoutMs)
      throws SQLException, java.io.IOException {
    return open(db, synchronous, busyTimeoutMs, EncryptionAtRest.OFF);
  }

  /** Opens the database with encryption as configured ({@code [encryption]}). */
  public static EventStore open(Path db, String synchronous, int busyTimeoutMs, StorageConfig.Encryption encryption)
      throws SQLException, java.io.IOException {
    return new EventStore(SqliteFiles.openWriter(db, synchronous, busyTimeoutMs), encryption);
  }

  /** The keys sealing what this store writes, or null when encryption is off. */
  public BlockCrypto crypto() {
    return crypto;
  }

  /** The writer's connection, for the maintenance jobs that run on the writer's thread. */
  public Connection connection() {
    return connection;
  }

  public int stagedEventCount() {
    return staged.eventCount();
  }

  public boolean hasStagedWork() {
    return !staged.isEmpty();
  }

  /**
   * Stages events; an event whose (session, sequence) is already stored or staged is skipped.
   *
   * @return how many were skipped as duplicates
   */
  public int stage(List<RawEvent> events) {
    return staged.stage(events);
  }

  public void stageWindow(WindowRecord window) {
    staged.window(window);
  }

  public void stageScreenshot(ScreenshotMetadata metadata) {
    staged.screenshot(metadata);
  }

  /**
   * Stages what masking found in a screenshot; applied after the staged metadata rows, since
   * masking runs at first fetch, which may come before or after its row is committed.
   */
  public void stageMasking(MaskingRecorded masking) {
    staged.masking(masking);
  }

  /**
   * Forgets the staged events and screenshot metadata after a failed commit whose producers were
   * told to send again. Window records and masking results stay staged for the next commit: nobody else holds
   * them (a window's events are stored already), and writing one twice is harmless.
   */
  public void discardStagedEvents() {
    staged.discardEvents();
  }

  /** Writes everything staged in one transaction; on failure it is rolled back and kept staged. */
  public CommitResult commit() throws SQLException {
    long start = System.nanoTime();
    MinuteAggregates aggregates = new MinuteAggregates();
    if (crypto != null) {
      // At most one sealed block per event, two sealed columns per screenshot; durable before BEGIN.
      crypto.reserve(staged.eventCount() + 2L * staged.screenshots().size());
    }
    int[] blockCount = {0};
    try {
      Transactions.immediate(connection, st -> {
        for (Map.Entry<UUID, List<RawEvent>> e : staged.eventsBySession().entrySet()) {
          blockCount[0] += blocks.write(sessionKeys.keyOf(e.getKey()), e.getValue(), aggregates);
        }
        storedSequences.write(staged.ranges(), sessionKeys);
        WindowRows.insert(connection, staged.windows());
        ScreenshotRows.insert(connection, crypto, staged.screenshots(), aggregates);
        ScreenshotRows.recordMaskings(connection, staged.maskings());
        MinuteRows.add(connection, aggregates);
      });
    } catch (SQLException | RuntimeException e) {
      sessionKeys.forgetUncommitted();
      blocks.forgetUncommitted();
      throw e;
    }
    storedSequences.committed(staged.ranges());
    CommitResult result = new CommitResult(staged.eventCount(), blockCount[0], staged.windows().size(),
        staged.screenshots().size(), System.nanoTime() - start, staged.inArrivalOrder(), staged.bytes());
    staged.clear();
    return result;
  }

  /** Forgets cached block tables, after maintenance dropped some. */
  public void reloadBlockTables() throws SQLException {
    blocks.reloadTables();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
