package dev.skellyjelly.storage.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ObservabilityTest {

  /** Every metric of the spec's PerformanceMetrics, as Prometheus names. */
  static final List<String> SPEC_METRICS = List.of(
      "skelly_events_received_total", "skelly_events_per_second",
      "skelly_event_processing_latency_seconds_bucket", "skelly_batches_total",
      "skelly_batch_events_count", "skelly_batch_creation_seconds_count",
      "skelly_screenshots_received_total", "skelly_screenshots_in_memory",
      "skelly_screenshots_on_disk", "skelly_screenshots_deleted_total",
      "skelly_screenshot_processing_seconds_bucket", "skelly_db_write_latency_seconds_bucket",
      "skelly_db_write_batch_events_count", "skelly_db_size_bytes", "skelly_memory_used_bytes",
      "skelly_cpu_usage_percent", "skelly_decode_errors_total", "skelly_backpressure_refusals_total",
      "skelly_events_dropped_total", "skelly_screenshots_evicted_total",
      "skelly_screenshots_expired_fetches_total", "skelly_write_interval_seconds");

  @TempDir
  Path dir;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final UUID session = UUID.randomUUID();
  private int port;

  private StorageConfig config(JsonObject storage) throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return StorageConfig.fromJson(new JsonObject().put("storage", storage)
        .put("http", new JsonObject().put("enabled", true).put("port", port)));
  }

  private Future<Buffer> get(Vertx vertx, String path, int expectedStatus) {
    return vertx.createHttpClient().request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(req -> req.send())
        .compose(resp -> resp.body().compose(body -> resp.statusCode() == expectedStatus
            ? Future.succeededFuture(body)
            : Future.failedFuture(path + " answered " + resp.statusCode() + ": " + body)));
  }

  /** Polls {@code path} every 50 ms until its JSON satisfies {@code done} (no sleeping). */
  private Future<JsonObject> poll(Vertx vertx, String path, Predicate<JsonObject> done) {
    Promise<JsonObject> result = Promise.promise();
    vertx.setPeriodic(50, id -> vertx.createHttpClient()
        .request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> b.toJsonObject().put("httpStatus", resp.statusCode())))
        .onSuccess(json -> {
          if (done.test(json) && result.tryComplete(json)) {
            vertx.cancelTimer(id);
          }
        }));
    return result.future();
  }

  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.Ee+-]+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void everySpecMetricIsServedAndCountersMoveUnderLoad(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    StorageConfig config = config(TestSupport.storageTable(dir));
    StorageModule.deploy(vertx, config, registry, dev.skellyjelly.storage.time.StorageClock.SYSTEM)
        .compose(module -> get(vertx, "/metrics", 200).compose(first -> {
          Future<?> sent = Future.succeededFuture();
          for (int i = 0; i < 20; i++) {
            int seq = i;
            sent = sent.compose(v -> vertx.eventBus().request(Addresses.EVENTS_RAW,
                new RawEvent.Keystroke(1_000_000L + seq, session, seq, 40, 0)));
          }
          return sent.compose(v -> get(vertx, "/metrics", 200))
              .map(second -> List.of(first.toString(), second.toString(), module));
        }))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          String before = (String) r.get(0);
          String after = (String) r.get(1);
          for (String name : SPEC_METRICS) {
            assertTrue(after.contains("\n" + name), "missing " + name);
          }
          String keystrokes = "skelly_events_received_total{kind=\"keystroke\"}";
          assertEquals(value(before, keystrokes) + 20, value(after, keystrokes));
          assertTrue(value(after, "skelly_events_stored_total") >= 20);
          assertTrue(after.contains("# HELP skelly_events_dropped_total"));
          ((StorageModule) r.get(2)).undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void readyTurnsNotReadyWhileTheDatabaseIsLockedAndReadyAgainAfter(Vertx vertx,
      VertxTestContext ctx) throws Exception {
    StorageConfig config = config(TestSupport.storageTable(dir)
        .put("busy_timeout_ms", 100).put("write_interval_ms", 20));
    Connection[] locker = new Connection[1];
    StorageModule.deploy(vertx, config, registry, dev.skellyjelly.storage.time.StorageClock.SYSTEM)
        .compose(module -> poll(vertx, "/ready", j -> j.getInteger("httpStatus") == 200)
            .compose(ready -> vertx.executeBlocking(() -> {
              // Another process takes the write lock and keeps it.
              locker[0] = SqliteFiles.openWriter(config.databasePath(), "NORMAL");
              try (Statement st = locker[0].createStatement()) {
                st.execute("BEGIN EXCLUSIVE");
              }
              return null;
            }))
            .compose(v -> {
              vertx.eventBus().send(Addresses.EVENTS_RAW, new RawEvent.MouseMove(1, session, 0, 1, 1));
              return poll(vertx, "/ready", j -> j.getInteger("httpStatus") == 503);
            })
            .compose(notReady -> {
              ctx.verify(() -> {
                assertEquals("NOT_READY", notReady.getString("status"));
                assertEquals("database", notReady.getJsonArray("failing").getString(0));
                assertTrue(notReady.getJsonObject("checks").getJsonObject("database")
                    .getString("detail").contains("SQLITE_BUSY"), notReady.encode());
              });
              return vertx.executeBlocking(() -> {
                try (Statement st = locker[0].createStatement()) {
                  st.execute("ROLLBACK");
                }
                locker[0].close();
                return null;
              });
            })
            .compose(v -> poll(vertx, "/ready", j -> j.getInteger("httpStatus") == 200))
            .compose(readyAgain -> vertx.eventBus().<JsonObject>request(Addresses.HEALTH, null))
            .onComplete(ctx.succeeding(health -> ctx.verify(() -> {
              assertEquals("READY", health.body().getString("status"));
              // The event waited through the lock and was stored, not lost.
              assertEquals(1, TestSupport.storedEvents(config.databasePath()).size());
              module.undeploy().onComplete(ctx.succeedingThenComplete());
            }))));
  }

  @Test
  void theDiskGuardMakesTheModuleNotReady(Vertx vertx, VertxTestContext ctx) throws Exception {
    // A threshold above any real free space: the guard trips at start.
    StorageConfig config = config(TestSupport.storageTable(dir).put("min_free_space_mb", 1_048_576));
    StorageModule.deploy(vertx, config, registry, dev.skellyjelly.storage.time.StorageClock.SYSTEM)
        .compose(module -> poll(vertx, "/ready", j -> j.getInteger("httpStatus") == 503).map(j -> {
          ctx.verify(() -> {
            assertEquals("diskSpace", j.getJsonArray("failing").getString(0));
            assertEquals(1.0, registry.get("skelly.disk.guard.trips").counter().count());
          });
          return module;
        }))
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theQueryApiStreamsEventsAsJsonLinesAndNamesBadParameters(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    StorageConfig config = config(TestSupport.storageTable(dir));
    StorageModule.deploy(vertx, config, registry, dev.skellyjelly.storage.time.StorageClock.SYSTEM)
        .compose(module -> {
          Future<?> sent = Future.succeededFuture();
          for (int i = 0; i < 5000; i += 500) {
            int first = i;
            sent = sent.compose(v -> {
              List<Future<Object>> batch = new java.util.ArrayList<>();
              for (int j = first; j < first + 500; j++) {
                batch.add(vertx.eventBus().request(Addresses.EVENTS_RAW,
                    new RawEvent.MouseMove(2_000_000L + j, session, j, j, j)).map(m -> m.body()));
              }
              return Future.all(batch);
            });
          }
          return sent.compose(v -> get(vertx, "/api/events?from=2000000&to=2005000&kinds=mouse_move", 200))
              .compose(stream -> {
                ctx.verify(() -> {
                  List<String> lines = stream.toString().lines().toList();
                  assertEquals(5000, lines.size(), "every event, one JSON object per line, across pages");
                  assertEquals(4999, new JsonObject(lines.get(4999)).getLong("sequence"));
                });
                return get(vertx, "/api/aggregates?from=soon&to=2005000", 400);
              })
              .map(bad -> {
                ctx.verify(() -> assertTrue(bad.toString().contains("parameter 'from'"), bad.toString()));
                return module;
              });
        })
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aStreamingClientThatDisconnectsStopsTheReader(Vertx vertx, VertxTestContext ctx) throws Exception {
    StorageConfig config = config(TestSupport.storageTable(dir));
    java.util.concurrent.atomic.AtomicInteger pages = new java.util.concurrent.atomic.AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(dc -> {
      if (Addresses.QUERY.equals(dc.message().address())) {
        pages.incrementAndGet();
      }
      dc.next();
    });
    StorageModule.deploy(vertx, config, registry, dev.skellyjelly.storage.time.StorageClock.SYSTEM)
        .compose(module -> {
          List<Future<Object>> sent = new java.util.ArrayList<>();
          for (int j = 0; j < 30_000; j++) { // 15 pages of the stream
            sent.add(vertx.eventBus().request(Addresses.EVENTS_RAW,
                new RawEvent.MouseMove(2_000_000L + j, session, j, j % 1920, j % 1080)).map(m -> m.body()));
          }
          return Future.all(sent).map(module);
        })
        .compose(module -> vertx.createHttpClient().request(HttpMethod.GET, port, "127.0.0.1",
                "/api/events?from=2000000&to=2030000")
            .compose(req -> req.send())
            .compose(resp -> {
              Promise<Void> closed = Promise.promise();
              resp.handler(chunk -> resp.request().connection().close().onComplete(closed));
              return closed.future();
            })
            .compose(v -> stable(vertx, pages))
            .map(n -> {
              ctx.verify(() -> assertTrue(n <= 3, "the reader stopped after the client left: " + n
                  + " of 15 pages were read"));
              return module;
            }))
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }

  /** The counter once it has not moved for 5 polls of 100 ms. */
  private static Future<Integer> stable(Vertx vertx, java.util.concurrent.atomic.AtomicInteger counter) {
    Promise<Integer> result = Promise.promise();
    int[] last = {-1, 0};
    vertx.setPeriodic(100, id -> {
      int now = counter.get();
      last[1] = now == last[0] ? last[1] + 1 : 0;
      last[0] = now;
      if (last[1] == 5) {
        vertx.cancelTimer(id);
        result.complete(now);
      }
    });
    return result.future();
  }

  @Test
  void theOnceASecondSamplesSeeTheEventsAndTheDatabase(Vertx vertx, VertxTestContext ctx) throws Exception {
    StorageConfig config = config(TestSupport.storageTable(dir));
    long now = System.currentTimeMillis() * 1000L;
    StorageModule.deploy(vertx, config, registry).onComplete(ctx.succeeding(module -> {
      Future<?> sent = Future.succeededFuture();
      for (int i = 0; i < 50; i++) {
        RawEvent event = new RawEvent.Keystroke(now + i, session, i, 65, 0);
        sent = sent.compose(v -> vertx.eventBus().request(Addresses.EVENTS_RAW, event));
      }
      // The sampler runs every second: ask for its history until a sample shows both.
      sent.onComplete(ctx.succeeding(v -> vertx.setPeriodic(100, id -> vertx.eventBus()
          .<JsonObject>request(Addresses.STATUS_SAMPLES, null).onComplete(ctx.succeeding(reply -> {
            boolean seen = reply.body().getJsonArray("samples").stream().map(JsonObject.class::cast)
                .anyMatch(sample -> sample.getDouble("eventsPerSecond") > 0 && sample.getDouble("dbBytes") > 0);
            if (seen && vertx.cancelTimer(id)) {
              module.undeploy().onComplete(ctx.succeedingThenComplete());
            }
          })))));
    }));
  }

  @Test
  void theDashboardAndItsDataAreServedByTheModule(Vertx vertx, VertxTestContext ctx) throws Exception {
    StorageConfig config = config(TestSupport.storageTable(dir));
    long now = System.currentTimeMillis() * 1000L;
    StorageModule.deploy(vertx, config, registry, dev.skellyjelly.storage.time.StorageClock.SYSTEM)
        .compose(module -> {
          // 7 keystrokes and 3 clicks in the current minute, each acknowledged after its commit.
          Future<?> sent = Future.succeededFuture();
          for (int i = 0; i < 10; i++) {
            int seq = i;
            RawEvent event = seq < 7 ? new RawEvent.Keystroke(now + seq, session, seq, 65, 0)
                : new RawEvent.MouseClick(now + seq, session, seq, 10, 10,
                    dev.skellyjelly.storage.event.MouseButton.LEFT, 1);
            sent = sent.compose(v -> vertx.eventBus().request(Addresses.EVENTS_RAW, event));
          }
          return sent.compose(v -> get(vertx, "/", 200))
            .compose(page -> get(vertx, "/dashboard.js", 200).map(js -> List.of(page, js)))
            .compose(files -> get(vertx, "/api/dashboard", 200).map(data -> {
              ctx.verify(() -> {
                String html = files.get(0).toString();
                assertTrue(html.contains("<canvas id=\"chart-eps\""));
                assertTrue(!html.contains("http://") && !html.contains("https://"), "no external resources");
                assertTrue(files.get(1).toString().contains("/api/dashboard"));
                JsonObject json = data.toJsonObject();
                assertTrue(json.getJsonArray("samples") != null, "samples: " + json);
                assertEquals(null, json.getValue("minutesError"), "the minutes query failed: " + json);
                assertEquals("READY", json.getJsonObject("ready").getString("status"), json.encode());
                JsonObject minute = json.getJsonArray("minutes").stream().map(JsonObject.class::cast)
                    .filter(m -> m.getLong("minute") == now / 60_000_000L * 60_000L).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for the current minute: " + json));
                assertEquals(7L, minute.getLong("keystrokes"), minute.encode());
                assertEquals(3L, minute.getLong("clicks"), minute.encode());
              });
              return module;
            }));
        })
        .compose(StorageModule::undeploy)
        .onComplete(ctx.succeedingThenComplete());
  }
}
