package dev.skellyjelly.storage.replicate;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The declarative partitions of the shared tables: created before rows need them (ahead of time
 * for today and the next days, and on demand for a backlog), and dropped whole for retention —
 * never a bulk {@code DELETE}. Partition DDL runs under the schema's advisory lock so devices
 * creating the same partition at once do not collide.
 */
public final class PgPartitions {

  /** How a parent table is partitioned: by UTC day or UTC month of its time column. */
  public enum Period {
    DAY, MONTH
  }

  /** A partitioned table. */
  public record Parent(String table, Period period) {
  }

  public static final Parent BLOCKS = new Parent("event_blocks", Period.DAY);
  public static final Parent WINDOWS = new Parent("windows", Period.DAY);
  public static final Parent MINUTES = new Parent("event_aggregates_minute", Period.MONTH);
  public static final Parent HOURLY = new Parent("event_aggregates_hourly", Period.MONTH);
  public static final Parent DAILY = new Parent("event_aggregates_daily", Period.MONTH);
  public static final Parent SCREENSHOTS = new Parent("screenshot_metadata", Period.MONTH);
  public static final List<Parent> ALL = List.of(BLOCKS, WINDOWS, MINUTES, HOURLY, DAILY, SCREENSHOTS);

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");

  private final Pool pool;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  public PgPartitions(Pool pool) {
    this.pool = pool;
  }

  static LocalDate date(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)).atZone(ZoneOffset.UTC).toLocalDate();
  }

  static long micros(LocalDate date) {
    return date.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
  }

  /** The first day of the period holding {@code micros}. */
  static LocalDate periodStart(Parent parent, long micros) {
    LocalDate d = date(micros);
    return parent.period() == Period.DAY ? d : d.withDayOfMonth(1);
  }

  static LocalDate next(Parent parent, LocalDate start) {
    return parent.period() == Period.DAY ? start.plusDays(1) : start.plusMonths(1);
  }

  static String partitionName(Parent parent, LocalDate start) {
    return parent.table() + "_p" + (parent.period() == Period.DAY ? DAY : MONTH).format(start);
  }

  /** Makes sure a partition of {@code parent} exists for every instant in {@code micros}. */
  public Future<Void> ensure(Parent parent, Collection<Long> micros) {
    Set<LocalDate> missing = new TreeSet<>();
    for (long t : micros) {
      LocalDate start = periodStart(parent, t);
      if (!known.contains(partitionName(parent, start))) {
        missing.add(start);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.withTransaction(c -> {
      Future<Void> f = PgSchema.lock(c);
      for (LocalDate start : missing) {
        String sql = "CREATE TABLE IF NOT EXISTS " + partitionName(parent, start) + " PARTITION OF "
            + parent.table() + " FOR VALUES FROM (" + micros(start) + ") TO (" + micros(next(parent, start)) + ")";
        f = f.compose(v -> c.query(sql).execute().mapEmpty());
      }
      return f;
    }).onSuccess(v -> missing.forEach(start -> known.add(partitionName(parent, start))));
  }

  /** Forgets which partitions exist (after a failure: an operator may have dropped one). */
  public void forgetAll() {
    known.clear();
  }

  /** Creates the partitions of today and the next {@code days} days (their months for monthly tables). */
  public Future<Void> ensureAhead(long nowMicros, int days) {
    List<Long> instants = new ArrayList<>();
    for (int d = 0; d <= days; d++) {
      instants.add(nowMicros + d * 86_400_000_000L);
    }
    Future<Void> f = Future.succeededFuture();
    for (Parent parent : ALL) {
      f = f.compose(v -> ensure(parent, instants));
    }
    return f;
  }

  /**
   * Drops the partitions of {@code parent} that end at or before {@code cutoffMicros}: a partition
   * goes only once all of it is past retention.
   *
   * @return the names dropped
   */
  public Future<List<String>> dropBefore(Parent parent, long cutoffMicros) {
    return pool.withTransaction(c -> PgSchema.lock(c)
        .compose(v -> c.preparedQuery("SELECT child.relname FROM pg_inherits i"
            + " JOIN pg_class child ON child.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent"
            + " WHERE p.relname = $1 ORDER BY 1").execute(Tuple.of(parent.table())))
        .compose(rows -> {
          List<String> expired = new ArrayList<>();
          for (Row r : rows) {
            String name = r.getString(0);
            LocalDate start = parseStart(parent, name);
            if (start != null && micros(next(parent, start)) <= cutoffMicros) {
              expired.add(name);
            }
          }
          Future<Void> f = Future.succeededFuture();
          for (String name : expired) {
            f = f.compose(v -> c.query("DROP TABLE IF EXISTS " + name).execute().mapEmpty());
          }
          return f.map(expired);
        }))
        .onSuccess(dropped -> known.removeAll(dropped));
  }

  private static LocalDate parseStart(Parent parent, String name) {
    String prefix = parent.table() + "_p";
    if (!name.startsWith(prefix)) {
      return null; // not ours (an operator's own partition): left alone
    }
    String stamp = name.substring(prefix.length());
    try {
      return parent.period() == Period.DAY ? LocalDate.parse(stamp, DAY)
          : LocalDate.parse(stamp + "01", DAY);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
