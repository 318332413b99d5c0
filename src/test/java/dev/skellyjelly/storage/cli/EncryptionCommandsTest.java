package dev.skellyjelly.storage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.Schema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rotate-key, and a wrong key met by a command: exit 2, one line, nothing changed. */
class EncryptionCommandsTest {

  private static final long T9 = 1_794_301_200_000_000L;

  @TempDir
  Path dir;

  private Path config(Path keyFile) throws Exception {
    Path conf = dir.resolve("storage-" + keyFile.getFileName() + ".toml");
    Files.writeString(conf, "[storage]\ndatabase_path = \"" + dir.resolve("events.db") + "\"\n"
        + "[encryption]\nenabled = true\nkey_file = \"" + keyFile + "\"\n");
    return conf;
  }

  private static StorageConfig.Encryption key(Path file) {
    return new StorageConfig.Encryption(true, file, null, null);
  }

  private List<RawEvent> fill(Path keyFile) throws Exception {
    List<RawEvent> sent = new ArrayList<>();
    try (EventStore store = EventStore.open(dir.resolve("events.db"), "NORMAL", 5_000, key(keyFile))) {
      UUID session = UUID.randomUUID();
      for (int w = 0; w < 5; w++) {
        List<RawEvent> batch = List.of(new RawEvent.WindowFocus(T9 + w, session, w, "title " + w, "app", 1));
        store.stage(batch);
        store.commit();
        sent.addAll(batch);
      }
    }
    return sent;
  }

  private List<RawEvent> read(Path keyFile) throws Exception {
    try (EventStore store = EventStore.open(dir.resolve("events.db"), "NORMAL", 5_000, key(keyFile))) {
      // Opening unlocks the keys; the events are read through the same keys by a reader.
    }
    try (var c = dev.skellyjelly.storage.store.SqliteFiles.openReader(dir.resolve("events.db"))) {
      List<RawEvent> events = new java.util.ArrayList<>();
      dev.skellyjelly.storage.store.EventReader.readAll(dir.resolve("events.db"),
          dev.skellyjelly.storage.store.EncryptionAtRest.openForReading(c, key(keyFile)),
          new dev.skellyjelly.storage.store.EventReader.Range(T9 - 1, T9 + 1_000, null, null), 100,
          page -> events.addAll(page.events()));
      return events;
    }
  }

  @Test
  void rotateKeyRewrapsUnderANewKeyFileThenReencryptsUnderANewDataKey() throws Exception {
    Path a = dir.resolve("a.key");
    Path b = dir.resolve("b.key");
    List<RawEvent> sent = fill(a);

    LauncherRun rewrap = LauncherRun.of("rotate-key", "--config", config(a).toString(), "--new-key-file", b.toString());
    assertEquals(0, rewrap.exit(), rewrap.err());
    assertTrue(rewrap.out().contains("\"rewrappedUnder\":\"" + b + "\""), rewrap.out());
    assertThrows(ConfigException.class, () -> read(a), "the old key no longer opens the database");
    assertEquals(sent, read(b));

    LauncherRun reencrypt = LauncherRun.of("rotate-key", "--config", config(b).toString(), "--reencrypt");
    assertEquals(0, reencrypt.exit(), reencrypt.err());
    assertTrue(reencrypt.out().contains("\"reencryptedBlocks\":5"), reencrypt.out());
    assertTrue(reencrypt.out().contains("\"dataKey\":2"), reencrypt.out());
    assertEquals(5, TestSupport.queryLong(dir.resolve("events.db"), "SELECT count(*) FROM "
        + Schema.blockTableFor(T9) + " WHERE hex(substr(payload, 1, 2)) = '0302'"), "every block under key 2");
    assertEquals(0, TestSupport.queryLong(dir.resolve("events.db"),
        "SELECT count(*) FROM settings WHERE key = 'data_key:1'"), "the old data key is forgotten");
    assertEquals(sent, read(b));

    LauncherRun neither = LauncherRun.of("rotate-key", "--config", config(b).toString());
    assertEquals(2, neither.exit());
    assertTrue(neither.err().startsWith("storage rotate-key: Missing required argument (specify one of these):"
        + " (--new-key-file=FILE | --reencrypt)"), neither.err());
  }

  @Test
  void aWrongKeyStopsACommandWithExit2AndOneLineAndChangesNothing() throws Exception {
    Path right = dir.resolve("right.key");
    fill(right);
    Path wrong = dir.resolve("wrong.key");
    Files.writeString(wrong, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    byte[] before = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("events.db")));
    LauncherRun run = LauncherRun.of("export", "--config", config(wrong).toString(), "--from", Long.toString(T9),
        "--to", Long.toString(T9 + 1_000), "--out", dir.resolve("out.jsonl.gz").toString());
    assertEquals(2, run.exit());
    List<String> lines = run.err().lines().filter(l -> !l.contains("plaintext")).toList();
    assertEquals(List.of("storage export: [encryption] the key file " + wrong + " does not unlock this database's"
        + " data key (wrong key or passphrase?); nothing was read or changed"), lines, run.err());
    assertTrue(MessageDigest.isEqual(before,
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("events.db")))));
    assertTrue(!Files.exists(dir.resolve("out.jsonl.gz")), "no output");
  }

  @Test
  void anEncryptedExportOpensOnlyWholeAndWithTheKey() throws Exception {
    Path key = dir.resolve("storage.key");
    List<RawEvent> sent = fill(key);
    Path sealed = dir.resolve("day.jsonl.gz.sealed");
    LauncherRun export = LauncherRun.of("export", "--config", config(key).toString(), "--from", Long.toString(T9),
        "--to", Long.toString(T9 + 1_000), "--out", sealed.toString(), "--encrypt");
    assertEquals(0, export.exit(), export.err());
    assertTrue(export.out().contains("\"encrypted\":true") && export.out().contains("\"events\":5"), export.out());
    assertTrue(!export.err().contains("plaintext"), "no plaintext warning for a sealed export");
    byte[] bytes = Files.readAllBytes(sealed);
    assertEquals("SJX1", new String(bytes, 0, 4, StandardCharsets.US_ASCII));

    Path opened = dir.resolve("day.jsonl.gz");
    LauncherRun decrypt = LauncherRun.of("decrypt-export", sealed.toString(), opened.toString(), "--config", config(key).toString());
    assertEquals(0, decrypt.exit(), decrypt.err());
    List<String> lines;
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
        new java.util.zip.GZIPInputStream(Files.newInputStream(opened)), StandardCharsets.UTF_8))) {
      lines = in.lines().toList();
    }
    assertEquals(sent.stream().map(e -> dev.skellyjelly.storage.event.EventJson.toJson(e).encode()).toList(), lines);
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(opened)));

    byte[] changed = bytes.clone();
    changed[changed.length - 20] ^= 1;
    Files.write(sealed, changed);
    LauncherRun tampered = LauncherRun.of("decrypt-export", sealed.toString(), dir.resolve("x.gz").toString(), "--config",
        config(key).toString());
    assertEquals(1, tampered.exit());
    assertTrue(tampered.err().contains("does not decrypt: the file was changed"), tampered.err());
    Files.write(sealed, java.util.Arrays.copyOf(bytes, bytes.length - 1));
    LauncherRun cut = LauncherRun.of("decrypt-export", sealed.toString(), dir.resolve("x.gz").toString(), "--config",
        config(key).toString());
    assertEquals(1, cut.exit());
    try (var left = Files.list(dir)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("x.gz")).toList(),
          "nothing half-opened left");
    }
  }
}
