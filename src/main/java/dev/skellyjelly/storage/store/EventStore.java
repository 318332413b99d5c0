package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.ByteWriter;
import dev.skellyjelly.storage.event.EventEncoding;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.event.SequenceRanges;
import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import io.vertx.core.json.JsonArray;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The writing side of the database, owned by one thread (the writer verticle's). Work is first
 * <em>staged</em> — events grouped by session with retried ones skipped, windows, screenshot
 * metadata — then {@link #commit() committed} in one {@code BEGIN IMMEDIATE} transaction: one
 * compressed block per session and UTC day, the minute aggregates those events change, the
 * sessions' stored sequence ranges, the windows and the metadata rows.
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
  private final BlockCodec blockCodec;
  private final Map<UUID, Long> sessionKeys = new HashMap<>();
  private final Map<UUID, SequenceRanges> committed = new HashMap<>();
  private final Set<String> blockTables = new HashSet<>();

  private final Map<UUID, List<RawEvent>> stagedEvents = new LinkedHashMap<>();
  private List<RawEvent> stagedInArrivalOrder = new ArrayList<>();
  private long stagedBytes;
  private final Map<UUID, SequenceRanges> stagedRanges = new HashMap<>();
  private final List<WindowRecord> stagedWindows = new ArrayList<>();
  private final List<ScreenshotMetadata> stagedScreenshots = new ArrayList<>();
  private final List<MaskingRecorded> stagedMaskings = new ArrayList<>();
  private int stagedEventCount;

  private EventStore(Connection connection, StorageConfig.Encryption encryption) throws SQLException {
    this.connection = connection;
    try {
      Schema.migrate(connection);
      Settings.deviceId(connection, true);
      this.crypto = EncryptionAtRest.openForWriting(connection, encryption);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    this.blockCodec = new BlockCodec(crypto);
    blockTables.addAll(Schema.blockTables(connection));
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
    return stagedEventCount;
  }

  public boolean hasStagedWork() {
    return stagedEventCount > 0 || !stagedWindows.isEmpty() || !stagedScreenshots.isEmpty()
        || !stagedMaskings.isEmpty();
  }

  /**
   * Stages events; an event whose (session, sequence) is already stored or staged is skipped.
   *
   * @return how many were skipped as duplicates
   */
  public int stage(List<RawEvent> events) throws SQLException {
    int duplicates = 0;
    for (RawEvent e : events) {
      UUID session = e.sessionId();
      SequenceRanges pending = stagedRanges.computeIfAbsent(session, s -> new SequenceRanges());
      if (pending.contains(e.sequence()) || committedRanges(session).contains(e.sequence())) {
        duplicates++;
        continue;
      }
      pending.add(e.sequence());
      stagedEvents.computeIfAbsent(session, s -> new ArrayList<>()).add(e);
      stagedInArrivalOrder.add(e);
      stagedBytes += e.estimatedBytes();
      stagedEventCount++;
    }
    return duplicates;
  }

  public void stageWindow(WindowRecord window) {
    stagedWindows.add(window);
  }

  public void stageScreenshot(ScreenshotMetadata metadata) {
    stagedScreenshots.add(metadata);
  }

  /**
   * Stages what masking found in a screenshot; applied after the staged metadata rows, since
   * masking runs at first fetch, which may come before or after its row is committed.
   */
  public void stageMasking(MaskingRecorded masking) {
    stagedMaskings.add(masking);
  }

  /**
   * Forgets the staged events and screenshot metadata after a failed commit whose producers were
   * told to send again. Window records and masking results stay staged for the next commit: nobody else holds
   * them (a window's events are stored already), and writing one twice is harmless.
   */
  public void discardStagedEvents() {
    stagedEvents.clear();
    stagedInArrivalOrder = new ArrayList<>();
    stagedBytes = 0;
    stagedRanges.clear();
    stagedScreenshots.clear();
    stagedEventCount = 0;
  }

  /** Writes everything staged in one transaction; on failure it is rolled back and kept staged. */
  public CommitResult commit() throws SQLException {
    long start = System.nanoTime();
    MinuteAggregates aggregates = new MinuteAggregates();
    int blocks = 0;
    if (crypto != null) {
      // At most one sealed block per event, two sealed columns per screenshot; durable before BEGIN.
      crypto.reserve(stagedEventCount + 2L * stagedScreenshots.size());
    }
    try (Statement st = connection.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      try {
        for (Map.Entry<UUID, List<RawEvent>> e : stagedEvents.entrySet()) {
          blocks += writeBlocks(sessionKey(e.getKey()), e.getValue(), aggregates);
        }
        writeSequenceRanges();
        writeWindows();
        writeScreenshots(aggregates);
        writeMaskings();
        writeAggregates(aggregates);
        st.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollback(st, e);
        throw e;
      }
    }
    stagedRanges.forEach((session, ranges) -> committedRanges(session).addAll(ranges));
    CommitResult result = new CommitResult(stagedEventCount, blocks, stagedWindows.size(),
        stagedScreenshots.size(), System.nanoTime() - start, stagedInArrivalOrder, stagedBytes);
    stagedEvents.clear();
    stagedInArrivalOrder = new ArrayList<>();
    stagedBytes = 0;
    stagedRanges.clear();
    stagedWindows.clear();
    stagedScreenshots.clear();
    stagedMaskings.clear();
    stagedEventCount = 0;
    return result;
  }

  private void rollback(Statement st, Exception cause) {
    try {
      st.execute("ROLLBACK");
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
    // Sessions created inside the failed transaction are gone again.
    sessionKeys.clear();
  }

  /** One block per UTC day the session's events fall in (normally one). */
  private int writeBlocks(long sessionKey, List<RawEvent> events, MinuteAggregates aggregates)
      throws SQLException {
    events.sort(Comparator.comparingLong(RawEvent::sequence));
    Map<String, List<RawEvent>> byDay = new LinkedHashMap<>();
    for (RawEvent e : events) {
      byDay.computeIfAbsent(Schema.blockTableFor(e.timestampMicros()), t -> new ArrayList<>()).add(e);
      aggregates.addEvent(e);
    }
    for (Map.Entry<String, List<RawEvent>> day : byDay.entrySet()) {
      String table = ensureBlockTable(day.getKey());
      BlockRows.insert(connection, table, sessionKey, day.getValue(), blockCodec.encode(day.getValue()), false);
    }
    return byDay.size();
  }

  private String ensureBlockTable(String table) throws SQLException {
    if (blockTables.add(table)) {
      try (Statement st = connection.createStatement()) {
        for (String sql : Schema.createBlockTable(table)) {
          st.execute(sql);
        }
        Schema.recreateBlockView(connection);
      } catch (SQLException e) {
        blockTables.remove(table);
        throw e;
      }
    }
    return table;
  }

  /** Forgets cached block tables, after maintenance dropped some. */
  public void reloadBlockTables() throws SQLException {
    blockTables.clear();
    blockTables.addAll(Schema.blockTables(connection));
  }

  private void writeSequenceRanges() throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM session_seq_ranges WHERE session_key = ?");
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO session_seq_ranges (session_key, lo, hi) VALUES (?, ?, ?)")) {
      for (Map.Entry<UUID, SequenceRanges> e : stagedRanges.entrySet()) {
        if (e.getValue().isEmpty()) {
          continue;
        }
        SequenceRanges merged = new SequenceRanges();
        merged.addAll(committedRanges(e.getKey()));
        merged.addAll(e.getValue());
        long key = sessionKey(e.getKey());
        delete.setLong(1, key);
        delete.executeUpdate();
        for (long[] range : merged.intervals()) {
          insert.setLong(1, key);
          insert.setLong(2, range[0]);
          insert.setLong(3, range[1]);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }

  private void writeWindows() throws SQLException {
    if (stagedWindows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement("INSERT OR REPLACE INTO windows"
        + " (window_id, start_us, end_us, event_count, members, screenshot_refs)"
        + " VALUES (?, ?, ?, ?, ?, ?)")) {
      for (WindowRecord w : stagedWindows) {
        ps.setBytes(1, uuidBytes(w.windowId()));
        ps.setLong(2, w.startMicros());
        ps.setLong(3, w.endMicros());
        ps.setInt(4, w.eventCount());
        ps.setBytes(5, WindowMembers.encode(w.members()));
        ps.setBytes(6, screenshotRefs(w.screenshotRefs()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void writeScreenshots(MinuteAggregates aggregates) throws SQLException {
    if (stagedScreenshots.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement("INSERT OR IGNORE INTO screenshot_metadata"
        + " (screenshot_id, timestamp_us, session_id, sequence, window_title, app_name, region_x,"
        + " region_y, region_width, region_height, width, height, format, size_bytes, storage,"
        + " text_density, ui_element_count, dominant_colors, privacy_masked, analysis_error)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (ScreenshotMetadata m : stagedScreenshots) {
        int i = 1;
        ps.setBytes(i++, uuidBytes(m.id().value()));
        ps.setLong(i++, m.timestampMicros());
        ps.setBytes(i++, uuidBytes(m.sessionId()));
        ps.setLong(i++, m.sequence());
        if (crypto != null) {
          ps.setBytes(i++, crypto.sealText(m.windowTitle(), m.id().value(), "window_title"));
          ps.setBytes(i++, crypto.sealText(m.appName(), m.id().value(), "app_name"));
        } else {
          ps.setString(i++, m.windowTitle());
          ps.setString(i++, m.appName());
        }
        ps.setInt(i++, m.region().x());
        ps.setInt(i++, m.region().y());
        ps.setInt(i++, m.region().width());
        ps.setInt(i++, m.region().height());
        ps.setInt(i++, m.width());
        ps.setInt(i++, m.height());
        ps.setString(i++, m.format().name());
        ps.setLong(i++, m.sizeBytes());
        ps.setString(i++, m.storage().label());
        ps.setObject(i++, m.textDensity());
        ps.setObject(i++, m.uiElementCount());
        ps.setString(i++, new JsonArray(new ArrayList<Object>(m.dominantColors())).encode());
        ps.setInt(i++, m.privacyMasked() ? 1 : 0);
        ps.setString(i++, m.analysisError());
        if (ps.executeUpdate() == 1) {
          aggregates.addScreenshot(m.timestampMicros()); // count each screenshot once
        }
      }
    }
  }

  private void writeMaskings() throws SQLException {
    if (stagedMaskings.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement("UPDATE screenshot_metadata"
        + " SET masked_regions = ?, masked_kinds = ?, text_density = coalesce(?, text_density)"
        + " WHERE screenshot_id = ?")) {
      for (MaskingRecorded m : stagedMaskings) {
        ps.setInt(1, m.regions());
        ps.setString(2, m.kinds());
        ps.setObject(3, m.textDensity());
        ps.setBytes(4, uuidBytes(m.id().value()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void writeAggregates(MinuteAggregates aggregates) throws SQLException {
    if (aggregates.isEmpty()) {
      return;
    }
    try (PreparedStatement read = connection.prepareStatement(
            "SELECT active_seconds_mask FROM event_aggregates_minute WHERE minute_start_us = ?");
        PreparedStatement upsert = connection.prepareStatement(
            "INSERT INTO event_aggregates_minute (minute_start_us, keystroke_count, mouse_clicks,"
                + " window_switches, active_time_ms, screenshot_count, active_seconds_mask)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(minute_start_us) DO UPDATE SET"
                + " keystroke_count = keystroke_count + excluded.keystroke_count,"
                + " mouse_clicks = mouse_clicks + excluded.mouse_clicks,"
                + " window_switches = window_switches + excluded.window_switches,"
                + " screenshot_count = screenshot_count + excluded.screenshot_count,"
                + " active_time_ms = excluded.active_time_ms,"
                + " active_seconds_mask = excluded.active_seconds_mask")) {
      for (Map.Entry<Long, MinuteAggregates.Minute> e : aggregates.minutes().entrySet()) {
        MinuteAggregates.Minute m = e.getValue();
        read.setLong(1, e.getKey());
        try (ResultSet rs = read.executeQuery()) {
          if (rs.next()) {
            m.activeSecondsMask |= rs.getLong(1);
          }
        }
        upsert.setLong(1, e.getKey());
        upsert.setLong(2, m.keystrokes);
        upsert.setLong(3, m.mouseClicks);
        upsert.setLong(4, m.windowSwitches);
        upsert.setLong(5, m.activeTimeMillis());
        upsert.setLong(6, m.screenshots);
        upsert.setLong(7, m.activeSecondsMask);
        upsert.executeUpdate();
      }
    }
  }

  private long sessionKey(UUID session) throws SQLException {
    Long key = sessionKeys.get(session);
    if (key != null) {
      return key;
    }
    byte[] id = uuidBytes(session);
    try (PreparedStatement insert = connection.prepareStatement(
            "INSERT OR IGNORE INTO sessions (session_id) VALUES (?)");
        PreparedStatement select = connection.prepareStatement(
            "SELECT session_key FROM sessions WHERE session_id = ?")) {
      insert.setBytes(1, id);
      insert.executeUpdate();
      select.setBytes(1, id);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        key = rs.getLong(1);
      }
    }
    sessionKeys.put(session, key);
    return key;
  }

  /** The stored sequence numbers of a session, loaded from the database on first sight. */
  private SequenceRanges committedRanges(UUID session) {
    return committed.computeIfAbsent(session, s -> {
      SequenceRanges ranges = new SequenceRanges();
      try (PreparedStatement ps = connection.prepareStatement("SELECT r.lo, r.hi FROM"
          + " session_seq_ranges r JOIN sessions s ON s.session_key = r.session_key"
          + " WHERE s.session_id = ?")) {
        ps.setBytes(1, uuidBytes(s));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ranges.addRange(rs.getLong(1), rs.getLong(2));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read stored sequence ranges of session " + s
            + ": " + e.getMessage(), e);
      }
      return ranges;
    });
  }

  public static byte[] uuidBytes(UUID id) {
    return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits()).array();
  }

  public static UUID uuidFrom(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new UUID(b.getLong(), b.getLong());
  }

  static byte[] screenshotRefs(List<ScreenshotId> refs) {
    ByteWriter out = new ByteWriter(16 * refs.size() + 2);
    out.writeVarLong(refs.size());
    for (ScreenshotId id : refs) {
      EventEncoding.writeUuid(out, id.value());
    }
    return out.toByteArray();
  }

  static List<ScreenshotId> readScreenshotRefs(byte[] bytes) {
    dev.skellyjelly.storage.event.ByteReader in = new dev.skellyjelly.storage.event.ByteReader(bytes);
    int n = in.readBoundedInt(bytes.length / 16, "screenshot ref count");
    List<ScreenshotId> refs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      refs.add(new ScreenshotId(EventEncoding.readUuid(in)));
    }
    return refs;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
