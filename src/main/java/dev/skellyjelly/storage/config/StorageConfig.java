package dev.skellyjelly.storage.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The module's configuration, typed and validated. Built from the JSON form of
 * {@code conf/storage.toml} (tables {@code [storage]}, {@code [http]}, {@code [cluster]}, {@code [privacy]}); every
 * key is documented in that file and in the README. Sizes are held in bytes and times as
 * {@link Duration}s; seconds may be fractional so tests can use short windows.
 */
public record StorageConfig(
    Duration batchWindow,
    int maxEventsPerBatch,
    long screenshotMemoryThresholdBytes,
    Duration screenshotRetention,
    int screenshotMemoryCacheSize,
    long screenshotMemoryCacheMaxBytes,
    boolean devMode,
    int devModeScreenshotCount,
    Path screenshotDir,
    Path databasePath,
    int databasePoolSize,
    long writeBufferBytes,
    Duration writeInterval,
    int writeBatchMaxEvents,
    String synchronous,
    Duration compactionInterval,
    Duration mergeInterval,
    long maxMemoryBytes,
    double targetCpuPercent,
    int rawEventsRetentionDays,
    int hourlyAggregatesRetentionDays,
    int dailySummariesRetentionDays,
    int screenshotMetadataRetentionDays,
    long minFreeSpaceBytes,
    Duration queryTimeout,
    Path backupDir,
    Duration backupInterval,
    int backupKeep,
    int busyTimeoutMs,
    Http http,
    Cluster cluster,
    Encryption encryption,
    Device device,
    Postgres postgres,
    Privacy privacy) {

  private static final long MB = 1024L * 1024L;

  /** The HTTP endpoints: metrics, health, read-only queries and the dashboard. */
  public record Http(boolean enabled, String host, int port, boolean vertxEventBusMetrics) {
  }

  /**
   * Encryption at rest ({@code [encryption]}): off by default. The key-encryption key comes from
   * exactly one of {@code passphrase_env} (Argon2id), {@code key_env} (base64) or {@code key_file}
   * (base64, created 600 when missing; the default source).
   */
  public record Encryption(boolean enabled, Path keyFile, String keyEnv, String passphraseEnv) {
    /** Which source the key-encryption key comes from, for messages. */
    public String source() {
      return passphraseEnv != null ? "passphrase in $" + passphraseEnv
          : keyEnv != null ? "key in $" + keyEnv : "key file " + keyFile;
    }
  }

  /**
   * The clustered event bus (Hazelcast). Off by default: the module runs embedded. Screenshots
   * from other processes arrive in chunks: those being joined again hold at most
   * {@code screenshotReassemblyBytes} together, and one not complete within
   * {@code screenshotReassemblyTimeout} of its first chunk is dropped. A clustered process the
   * launcher starts has {@code eventLoopThreads} event loops (0: Vert.x's default).
   */
  public record Cluster(boolean enabled, Path hazelcastConfig, String name, String host, int port,
      String publicHost, long screenshotReassemblyBytes, Duration screenshotReassemblyTimeout,
      int eventLoopThreads) {
  }

  /**
   * Who this module is among several devices: {@code storage.device_id} (empty: the id generated
   * once and kept in the database's settings) and {@code storage.device_name} (default: host name).
   */
  public record Device(String id, String name) {
  }

  /**
   * Replication into a shared PostgreSQL ({@code [postgres]}). The password comes from
   * {@code password} or, when set, the first line of {@code password_file}.
   */
  public record Postgres(boolean enabled, String host, int port, String database, String user,
      String password, Path passwordFile, String sslMode, int poolSize, int batchEvents,
      Duration stopDeadline) {
    @Override
    public String toString() { // never the password in a log line
      return "Postgres[enabled=" + enabled + ", " + user + "@" + host + ":" + port + "/" + database
          + ", ssl_mode=" + sslMode + "]";
    }
  }

  /**
   * PII masking of fetched screenshots ({@code [privacy]}). Patterns are compiled
   * case-insensitive; {@code ocrDataDir} holds Tesseract's {@code <language>.traineddata}.
   */
  public record Privacy(Duration maskDeadline, List<Pattern> maskPatterns, List<Pattern> maskApps,
      List<Pattern> maskTitles, int maskMarginPx, int maskWorkers, Path ocrDataDir,
      String ocrLanguage) {

    public Privacy {
      maskPatterns = List.copyOf(maskPatterns);
      maskApps = List.copyOf(maskApps);
      maskTitles = List.copyOf(maskTitles);
    }
  }

  /** Every default, with the database and screenshots below {@code dataDir}. */
  public static StorageConfig defaults(Path dataDir) {
    return fromJson(new JsonObject().put("storage", new JsonObject()
        .put("database_path", dataDir.resolve("events.db").toString())
        .put("screenshot_dir", dataDir.resolve("screenshots").toString())
        .put("backup_dir", dataDir.resolve("backups").toString())));
  }

  /**
   * Validates a whole configuration.
   *
   * @throws ConfigException naming every bad key, its value and what is allowed
   */
  public static StorageConfig fromJson(JsonObject json) {
    List<String> problems = new ArrayList<>();
    ConfigReader s = new ConfigReader("storage", json.getJsonObject("storage"), problems);
    StorageConfig config = new StorageConfig(
        s.seconds("batch_window_seconds", 30, 0, 3600),
        (int) s.integer("max_events_per_batch", 10_000, 1, 1_000_000),
        Math.round(s.number("screenshot_memory_threshold_mb", 5, 0, 1024) * MB),
        s.seconds("screenshot_retention_seconds", 30, 0, 86_400),
        (int) s.integer("screenshot_memory_cache_size", 50, 1, 100_000),
        Math.round(s.number("screenshot_memory_cache_max_mb", 64, 0, 65_536) * MB),
        s.bool("dev_mode", false),
        (int) s.integer("dev_mode_screenshot_count", 5, 1, 1000),
        s.path("screenshot_dir", "~/.skelly-jelly/screenshots"),
        s.path("database_path", "~/.skelly-jelly/events.db"),
        (int) s.integer("database_pool_size", 4, 1, 64),
        Math.round(s.number("write_buffer_size_mb", 10, 0, 4096) * MB),
        Duration.ofMillis(s.integer("write_interval_ms", 1000, 1, 60_000)),
        (int) s.integer("write_batch_max_events", 50_000, 1, 5_000_000),
        s.choice("synchronous", "NORMAL", "NORMAL", "FULL"),
        s.seconds("compaction_interval_hours", 24, 0, 8760).multipliedBy(3600),
        s.seconds("merge_interval_seconds", 300, 0, 86_400),
        s.integer("max_memory_usage_mb", 100, 16, 1_048_576) * MB,
        s.number("target_cpu_usage_percent", 2, 0, 100),
        (int) s.integer("raw_events_retention_days", 7, 1, 36_500),
        (int) s.integer("hourly_aggregates_retention_days", 30, 1, 36_500),
        (int) s.integer("daily_summaries_retention_days", 365, 1, 36_500),
        (int) s.integer("screenshot_metadata_retention_days", 0, 0, 36_500),
        s.integer("min_free_space_mb", 500, 0, 1_048_576) * MB,
        Duration.ofMillis(s.integer("query_timeout_ms", 5000, 1, 3_600_000)),
        s.path("backup_dir", "~/.skelly-jelly/backups"),
        Duration.ofHours(s.integer("backup_interval_hours", 24, 0, 8760)),
        (int) s.integer("backup_keep", 7, 1, 1000),
        (int) s.integer("busy_timeout_ms", 5000, 1, 600_000),
        readHttp(new ConfigReader("http", json.getJsonObject("http"), problems)),
        readCluster(new ConfigReader("cluster", json.getJsonObject("cluster"), problems)),
        readEncryption(new ConfigReader("encryption", json.getJsonObject("encryption"), problems), problems),
        new Device(s.optionalText("device_id"), s.text("device_name", hostName())),
        readPostgres(new ConfigReader("postgres", json.getJsonObject("postgres"), problems)),
        readPrivacy(new ConfigReader("privacy", json.getJsonObject("privacy"), problems)));
    if (!config.device.id().isEmpty()) {
      try {
        java.util.UUID.fromString(config.device.id());
      } catch (IllegalArgumentException e) {
        problems.add("storage.device_id = \"" + config.device.id() + "\" is not allowed: must be a UUID"
            + " (or leave it out to use the id generated once for this database)");
      }
    }
    s.rejectUnknownKeys();
    if (config.hourlyAggregatesRetentionDays < config.rawEventsRetentionDays) {
      problems.add("storage.hourly_aggregates_retention_days = " + config.hourlyAggregatesRetentionDays
          + " is not allowed: must be at least raw_events_retention_days ("
          + config.rawEventsRetentionDays + "), or hourly rollups would vanish before the raw data");
    }
    if (config.screenshotMemoryCacheMaxBytes < config.screenshotMemoryThresholdBytes) {
      problems.add("storage.screenshot_memory_cache_max_mb is smaller than"
          + " screenshot_memory_threshold_mb: the cache could not hold one screenshot; raise it");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("invalid configuration:\n  - " + String.join("\n  - ", problems));
    }
    return config;
  }

  private static Http readHttp(ConfigReader r) {
    Http http = new Http(r.bool("enabled", true), r.text("host", "127.0.0.1"),
        (int) r.integer("port", 8686, 0, 65_535), r.bool("vertx_event_bus_metrics", false));
    r.rejectUnknownKeys();
    return http;
  }

  private static Cluster readCluster(ConfigReader r) {
    Cluster cluster = new Cluster(r.bool("enabled", false),
        r.path("hazelcast_config", "conf/cluster.xml"), r.text("name", "skelly-jelly"),
        r.text("host", "127.0.0.1"),
        (int) r.integer("port", 0, 0, 65_535), r.text("public_host", "127.0.0.1"),
        Math.round(r.number("screenshot_reassembly_mb", 64, 0, 4096) * MB),
        r.seconds("screenshot_reassembly_timeout_seconds", 30, 0, 3600),
        (int) r.integer("event_loop_threads", 1, 0, 256));
    r.rejectUnknownKeys();
    return cluster;
  }

  private static Encryption readEncryption(ConfigReader r, List<String> problems) {
    Encryption e = new Encryption(r.bool("enabled", false), r.path("key_file", "~/.skelly-jelly/storage.key"),
        r.text("key_env", null), r.text("passphrase_env", null));
    r.rejectUnknownKeys();
    if (e.keyEnv() != null && e.passphraseEnv() != null) {
      problems.add("encryption.key_env and encryption.passphrase_env are both set: choose one source of"
          + " the key-encryption key");
    }
    return e;
  }

  private static Postgres readPostgres(ConfigReader r) {
    Postgres pg = new Postgres(r.bool("enabled", false), r.text("host", "127.0.0.1"),
        (int) r.integer("port", 5432, 1, 65_535), r.text("database", "skelly"), r.text("user", "skelly"),
        r.optionalText("password"), r.optionalPath("password_file"),
        r.choice("ssl_mode", "prefer", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
        (int) r.integer("pool_size", 4, 1, 64), (int) r.integer("batch_events", 200_000, 100, 10_000_000),
        r.seconds("stop_deadline_seconds", 10, -1e-9, 3600));
    r.rejectUnknownKeys();
    return pg;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown-host"; // a name for people only; the device id identifies the device
    }
  }

  private static Privacy readPrivacy(ConfigReader r) {
    Privacy privacy = new Privacy(Duration.ofMillis(r.integer("mask_deadline_ms", 2000, 1, 600_000)),
        r.patterns("mask_patterns"), r.patterns("mask_apps"), r.patterns("mask_titles"),
        (int) r.integer("mask_margin_px", 4, 0, 100), (int) r.integer("mask_workers", 1, 1, 64),
        r.path("ocr_data_dir", "/usr/share/tesseract-ocr/5/tessdata"), r.text("ocr_language", "eng"));
    r.rejectUnknownKeys();
    return privacy;
  }

  /** Whether scheduled backups are on ({@code backup_interval_hours = 0} turns them off). */
  public boolean scheduledBackups() {
    return !backupInterval.isZero() && !backupInterval.isNegative();
  }
}
