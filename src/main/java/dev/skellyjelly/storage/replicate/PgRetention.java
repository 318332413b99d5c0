package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.store.Maintenance;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention in PostgreSQL by the same {@code *_retention_days} keys as the local store, by
 * dropping whole partitions: event blocks, windows and minute aggregates follow
 * {@code raw_events_retention_days}, hourly rows {@code hourly_aggregates_retention_days}, daily
 * rows {@code daily_summaries_retention_days}, screenshot metadata
 * {@code screenshot_metadata_retention_days} (0: kept). A partition goes once all of it is past its
 * retention, so a monthly one may outlive its oldest rows by up to a month.
 */
final class PgRetention {

  private final PgPartitions partitions;
  private final StorageConfig config;

  PgRetention(PgPartitions partitions, StorageConfig config) {
    this.partitions = partitions;
    this.config = config;
  }

  Future<List<String>> run(long nowMicros) {
    long raw = nowMicros - config.rawEventsRetentionDays() * Maintenance.DAY_MICROS;
    long hourly = nowMicros - config.hourlyAggregatesRetentionDays() * Maintenance.DAY_MICROS;
    long daily = nowMicros - config.dailySummariesRetentionDays() * Maintenance.DAY_MICROS;
    List<String> dropped = new ArrayList<>();
    return partitions.dropBefore(PgPartitions.BLOCKS, raw).onSuccess(dropped::addAll)
        .compose(v -> partitions.dropBefore(PgPartitions.WINDOWS, raw)).onSuccess(dropped::addAll)
        .compose(v -> partitions.dropBefore(PgPartitions.MINUTES, raw)).onSuccess(dropped::addAll)
        .compose(v -> partitions.dropBefore(PgPartitions.HOURLY, hourly)).onSuccess(dropped::addAll)
        .compose(v -> partitions.dropBefore(PgPartitions.DAILY, daily)).onSuccess(dropped::addAll)
        .compose(v -> config.screenshotMetadataRetentionDays() == 0 ? io.vertx.core.Future.succeededFuture(List.<String>of())
            : partitions.dropBefore(PgPartitions.SCREENSHOTS,
                nowMicros - config.screenshotMetadataRetentionDays() * Maintenance.DAY_MICROS))
        .onSuccess(dropped::addAll)
        .map(v -> dropped);
  }
}
