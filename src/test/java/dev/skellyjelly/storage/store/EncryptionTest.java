package dev.skellyjelly.storage.store;

import static dev.skellyjelly.storage.TestSupport.bySessionAndSequence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.NonceSequence;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encryption at rest: nothing sensitive on disk, tampering named, wrong keys refused, nonces unique. */
class EncryptionTest {

  private static final long T9 = 1_794_301_200_000_000L;
  private static final String TITLE = "Quarterly acquisition plan — CONFIDENTIAL draft";
  private static final String APP = "secret-banking-client";
  /** No 4-byte repeat inside, so LZ4 leaves it whole in a plaintext block (the test sees it there). */
  private static final String PATH = "/opt/vaultkeeper/bin/vk-agent";

  @TempDir
  Path dir;

  private StorageConfig.Encryption keyFile(String name) {
    return new StorageConfig.Encryption(true, dir.resolve("keys").resolve(name), null, null);
  }

  /** Events and a screenshot row carrying the sensitive strings, for two sessions. */
  private static List<RawEvent> write(EventStore store, int writes) throws Exception {
    return write(store, 0, writes);
  }

  /** Writes number {@code from} to {@code to} (exclusive): each its own events, sequences and second. */
  private static List<RawEvent> write(EventStore store, int from, int to) throws Exception {
    List<RawEvent> sent = new ArrayList<>();
    UUID a = new UUID(1, 1);
    UUID b = new UUID(2, 2);
    for (int w = from; w < to; w++) {
      long t = T9 + w * 1_000_000L;
      List<RawEvent> batch = List.of(
          new RawEvent.WindowFocus(t, a, 3L * w, TITLE, APP, 4242),
          new RawEvent.ProcessStart(t + 1, a, 3L * w + 1, "vk-agent", 99, PATH),
          new RawEvent.Keystroke(t + 2, a, 3L * w + 2, 65, 0),
          new RawEvent.MouseMove(t + 3, b, w, w, w));
      store.stage(batch);
      sent.addAll(batch);
      store.stageScreenshot(new ScreenshotMetadata(ScreenshotId.random(), t, a, 1_000 + w, TITLE, APP,
          new ScreenRegion(0, 0, 10, 10), 10, 10, ImageFormat.PNG, 100, dev.skellyjelly.storage.bus.ScreenshotStorage.MEMORY, null, null, List.of(), false, null));
      store.commit();
    }
    return sent;
  }

  private static boolean onDisk(Path db, String text) throws Exception {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    for (String suffix : new String[] {"", "-wal"}) {
      Path f = Path.of(db + suffix);
      if (Files.exists(f) && indexOf(Files.readAllBytes(f), needle) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static List<RawEvent> readAll(Path db, StorageConfig.Encryption encryption) throws Exception {
    try (QueryFixture reads = QueryFixture.open(db, crypto(db, encryption))) {
      return RangeReadTest.readWith(reads, T9 - 1, T9 + 86_400_000_000L);
    }
  }

  private static BlockCrypto crypto(Path db, StorageConfig.Encryption encryption) throws Exception {
    try (Connection c = SqliteFiles.openReader(db)) {
      return EncryptionAtRest.openForReading(c, encryption);
    }
  }


  @Test
  void withEncryptionOnNoTitleAppOrPathIsOnDiskAndEverythingReadsBack() throws Exception {
    Path db = dir.resolve("events.db");
    List<RawEvent> sent;
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, keyFile("storage.key"))) {
      sent = write(store, 20);
      new BlockMerger(store.connection(), store.crypto()).merge(Long.MAX_VALUE / 2, Long.MAX_VALUE);
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys/storage.key"))));
    Path backup = Backup.backup(db, dir.resolve("backups"), 3, keyFile("storage.key"));
    for (String secret : List.of(TITLE, APP, PATH)) {
      assertFalse(onDisk(db, secret), secret + " is on disk");
      assertFalse(onDisk(backup, secret), secret + " is in the backup");
    }
    assertEquals(bySessionAndSequence(sent), bySessionAndSequence(readAll(db, keyFile("storage.key"))));
    assertEquals(bySessionAndSequence(sent), bySessionAndSequence(readAll(backup, keyFile("storage.key"))), "the backup carries its wrapped key");
    try (QueryFixture reads = QueryFixture.open(db, crypto(db, keyFile("storage.key")))) {
      JsonArray shots = reads.run(
          new JsonObject().put("type", "screenshots").put("from", T9).put("to", T9 + 60_000_000L))
          .getJsonArray("screenshots");
      assertEquals(20, shots.size());
      assertEquals(TITLE, shots.getJsonObject(0).getString("windowTitle"));
      assertEquals(APP, shots.getJsonObject(0).getString("appName"));
    }
  }

  @Test
  void aTamperedOrMovedBlockFailsWithDecryptNamingItAndEveryOtherBlockReads() throws Exception {
    Path db = dir.resolve("events.db");
    List<RawEvent> sent;
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, keyFile("storage.key"))) {
      sent = write(store, 10);
    }
    String table = Schema.blockTableFor(T9);
    long flipped;
    long moved;
    try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
      flipped = SqliteFiles.queryLong(st, "SELECT min(rowid) FROM " + table);
      moved = SqliteFiles.queryLong(st, "SELECT max(rowid) FROM " + table);
      // One byte of the ciphertext changed; another block given another sequence range.
      st.execute("UPDATE " + table + " SET payload = substr(payload, 1, 20) || x'5A' || substr(payload, 22)"
          + " WHERE rowid = " + flipped);
      st.execute("UPDATE " + table + " SET first_seq = first_seq + 1000, last_seq = last_seq + 1000"
          + " WHERE rowid = " + moved);
    }
    long lost = TestSupport.queryLong(db, "SELECT sum(event_count) FROM " + table + " WHERE rowid IN ("
        + flipped + ", " + moved + ")");
    try (QueryFixture reads = QueryFixture.open(db, crypto(db, keyFile("storage.key")))) {
      JsonObject reply = reads.run(
          new JsonObject().put("type", "events").put("from", T9).put("to", T9 + 60_000_000L).put("limit", 10_000));
      assertEquals(sent.size() - lost, reply.getJsonArray("events").size());
      JsonArray errors = reply.getJsonArray("errors");
      assertEquals(2, errors.size(), errors.encode());
      for (Object o : errors) {
        JsonObject e = (JsonObject) o;
        assertEquals("DECRYPT", e.getString("code"));
        assertEquals(table, e.getString("table"));
        assertTrue(e.getString("message").contains("does not decrypt"), e.encode());
      }
    }
  }

  @Test
  void aWrongKeyIsRefusedInOneLineAndTheDatabaseIsUntouched() throws Exception {
    Path db = dir.resolve("events.db");
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, keyFile("right.key"))) {
      write(store, 3);
      try (Statement st = store.connection().createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
    byte[] before = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db));
    ConfigException wrong = assertThrows(ConfigException.class,
        () -> EventStore.open(db, "NORMAL", 5_000, keyFile("wrong.key")));
    assertEquals("[encryption] the key file " + dir.resolve("keys/wrong.key") + " does not unlock this database's"
        + " data key (wrong key or passphrase?); nothing was read or changed", wrong.getMessage());
    ConfigException off = assertThrows(ConfigException.class, () -> EventStore.open(db, "NORMAL"));
    assertTrue(off.getMessage().contains("this database is encrypted but encryption.enabled is false"));
    try (Connection c = SqliteFiles.openReader(db)) {
      assertThrows(ConfigException.class, () -> EncryptionAtRest.openForReading(c, keyFile("wrong.key")));
    }
    assertTrue(MessageDigest.isEqual(before, MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db))),
        "the database file is unchanged");
  }

  @Test
  void aPassphraseUnlocksThroughArgon2idAndAWrongOneDoesNot() throws Exception {
    // The environment cannot be set from Java: the variables named here exist or not in every JVM.
    String present = System.getenv().containsKey("HOME") ? "HOME" : "PATH";
    Path db = dir.resolve("events.db");
    StorageConfig.Encryption passphrase = new StorageConfig.Encryption(true, dir.resolve("unused.key"), null, present);
    List<RawEvent> sent;
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, passphrase)) {
      sent = write(store, 2);
    }
    assertFalse(Files.exists(dir.resolve("unused.key")), "no key file with a passphrase");
    assertEquals(bySessionAndSequence(sent), bySessionAndSequence(readAll(db, passphrase)));
    ConfigException missing = assertThrows(ConfigException.class, () -> EventStore.open(db, "NORMAL", 5_000,
        new StorageConfig.Encryption(true, dir.resolve("unused.key"), null, "SKELLY_TEST_NO_SUCH_VARIABLE")));
    assertTrue(missing.getMessage().contains("$SKELLY_TEST_NO_SUCH_VARIABLE, which is not set"), missing.getMessage());
  }

  @Test
  void turningEncryptionOnSealsAPlaintextDatabaseAndLeavesNoPlaintext() throws Exception {
    Path db = dir.resolve("events.db");
    List<RawEvent> sent;
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      sent = write(store, 30);
    }
    for (String secret : List.of(TITLE, APP, PATH)) {
      assertTrue(onDisk(db, secret), secret + " is readable in the file before (so the check below can fail)");
    }
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, keyFile("storage.key"))) {
      long[] sealed = EncryptionMigration.run(store);
      assertEquals(60, sealed[1], "screenshot texts sealed: a title and an app per row");
      assertTrue(sealed[0] >= 30, "blocks sealed: " + sealed[0]);
      assertEquals(0, EncryptionMigration.run(store)[0], "a second run finds nothing left to seal");
    }
    for (String secret : List.of(TITLE, APP, PATH)) {
      assertFalse(onDisk(db, secret), secret + " is still on disk after the migration");
    }
    assertEquals(bySessionAndSequence(sent), bySessionAndSequence(readAll(db, keyFile("storage.key"))));
  }

  @Test
  void killedWhileSealingAPlaintextDatabaseItReadsAndFinishesAtTheNextStart() throws Exception {
    Path db = dir.resolve("events.db");
    List<RawEvent> sent;
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      sent = write(store, 3_000); // 6,000 blocks and 3,000 screenshot rows: a few batches to seal
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom();
    Path key = dir.resolve("keys/storage.key");
    java.nio.file.Files.createDirectories(key.getParent());
    for (int round = 0; round < 3; round++) {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), EncryptUntilKilled.class.getName(), db.toString(),
          key.toString()).redirectErrorStream(true).start();
      try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8))) {
        int sealedBatches = 0;
        int killAfter = random.nextInt(1, 3);
        for (String line; (line = out.readLine()) != null && sealedBatches < killAfter; ) {
          sealedBatches += line.contains("sealed") ? 1 : 0;
          if (line.equals("done")) {
            break;
          }
        }
        p.destroyForcibly(); // SIGKILL, mid-batch or between two
        assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
      }
      // Half sealed, half plain: every event still reads, each once, with the key.
      assertEquals(bySessionAndSequence(sent), bySessionAndSequence(readAll(db, keyFile("storage.key"))),
          "round " + round);
    }
    try (EventStore store = EventStore.open(db, "NORMAL", 5_000, keyFile("storage.key"))) {
      EncryptionMigration.run(store); // the next start finishes what the killed ones began
    }
    assertEquals(0, TestSupport.queryLong(db, "SELECT count(*) FROM event_blocks WHERE hex(substr(payload, 1, 1)) != '03'"));
    for (String secret : List.of(TITLE, APP, PATH)) {
      assertFalse(onDisk(db, secret), secret + " is still on disk");
    }
    assertEquals(bySessionAndSequence(sent), bySessionAndSequence(readAll(db, keyFile("storage.key"))));
  }

  @Test
  void aMillionNoncesAcrossRestartsNeverRepeat() {
    AtomicLong durable = new AtomicLong(); // the reserved mark as the database keeps it
    NonceSequence.Reservations store = new NonceSequence.Reservations() {
      @Override
      public long reserved() {
        return durable.get();
      }

      @Override
      public void reserve(long upTo) {
        durable.set(upTo);
      }
    };
    BitSet seen = new BitSet();
    Set<Integer> prefixes = new HashSet<>();
    int total = 0;
    for (int restart = 0; restart < 10; restart++) {
      NonceSequence nonces = new NonceSequence(0x5EED, store); // a crash: whatever was in memory is gone
      for (int i = 0; i < 100_000; i++) {
        if (i % 1_000 == 0) {
          nonces.ensure(1_000);
        }
        ByteBuffer n = ByteBuffer.wrap(nonces.next());
        prefixes.add(n.getInt());
        long counter = n.getLong();
        assertFalse(seen.get((int) counter), "nonce " + counter + " repeated after restart " + restart);
        seen.set((int) counter);
        total++;
      }
    }
    assertEquals(1_000_000, total);
    assertEquals(Set.of(0x5EED), prefixes);
    NonceSequence unreserved = new NonceSequence(1, store);
    assertThrows(IllegalStateException.class, unreserved::next, "never a nonce that was not reserved first");
  }

  @Test
  void sealedValuesNeverShareANonceAcrossReopenedStores() throws Exception {
    Path db = dir.resolve("events.db");
    for (int open = 0; open < 3; open++) {
      try (EventStore store = EventStore.open(db, "NORMAL", 5_000, keyFile("storage.key"))) {
        write(store, open * 50, open * 50 + 50);
      }
    }
    Set<String> nonces = new HashSet<>();
    int sealed = 0;
    try (Connection c = SqliteFiles.openReader(db); Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT payload FROM " + Schema.blockTableFor(T9)
            + " UNION ALL SELECT window_title FROM screenshot_metadata UNION ALL SELECT app_name FROM screenshot_metadata")) {
      while (rs.next()) {
        byte[] v = rs.getBytes(1);
        assertEquals(BlockCrypto.SEALED, v[0] & 0xFF);
        nonces.add(java.util.HexFormat.of().formatHex(v, 2, 14));
        sealed++;
      }
    }
    assertEquals(3 * 50 * 4, sealed, "two blocks and two columns per write");
    assertEquals(sealed, nonces.size(), "every sealed value has its own nonce");
  }
}
