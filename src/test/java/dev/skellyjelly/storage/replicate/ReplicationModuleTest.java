package dev.skellyjelly.storage.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.MouseButton;
import dev.skellyjelly.storage.event.RawEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The module with {@code [postgres] enabled}: replication, its faults, its status, scope=all queries, clean stop. */
@ExtendWith(VertxExtension.class)
class ReplicationModuleTest {

  /** 2026-11-10T09:00:00Z */
  static final long T9 = 1_794_301_200_000_000L;

  @TempDir
  Path dir;

  private StorageConfig config(String database, JsonObject postgresOverrides) {
    return config(database, postgresOverrides, new JsonObject().put("enabled", false));
  }

  private StorageConfig config(String database, JsonObject postgresOverrides, JsonObject http) {
    JsonObject pg = PgTestSupport.postgresTable(database).mergeIn(postgresOverrides);
    return StorageConfig.fromJson(new JsonObject().put("storage", TestSupport.storageTable(dir))
        .put("http", http).put("postgres", pg));
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Future<JsonObject> get(Vertx vertx, int port, String path) {
    return vertx.createHttpClient().request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", path)
        .compose(r -> r.send()).compose(r -> r.body().map(b -> new JsonObject().put("status", r.statusCode())
            .put("body", b.toJsonObject())));
  }

  /** {@code n} events of two sessions from {@code firstSeq}, keystrokes and clicks alternating. */
  static List<RawEvent> events(UUID a, UUID b, int firstSeq, int n) {
    List<RawEvent> out = new ArrayList<>();
    for (int i = firstSeq; i < firstSeq + n; i++) {
      UUID s = i % 2 == 0 ? a : b;
      long t = T9 + i * 10_000L;
      out.add(i % 3 == 0 ? new RawEvent.MouseClick(t, s, i, 10, 20, MouseButton.LEFT, 1)
          : new RawEvent.Keystroke(t, s, i, 65, 0));
    }
    return out;
  }

  static Future<Void> sendDurably(Vertx vertx, List<RawEvent> events) {
    List<Future<?>> acks = new ArrayList<>();
    events.forEach(e -> acks.add(vertx.eventBus().request(Addresses.EVENTS_RAW, e)));
    return Future.all(acks).mapEmpty();
  }

  static Future<JsonObject> status(Vertx vertx, long waitMs) {
    return vertx.eventBus().<JsonObject>request(Addresses.REPLICATION_STATUS, new JsonObject().put("waitMs", waitMs),
        new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(waitMs + 10_000)).map(m -> m.body());
  }

  /** Polls the status every 100 ms until it matches (no sleeping: timers). */
  private static Future<JsonObject> statusUntil(Vertx vertx, Predicate<JsonObject> done) {
    Promise<JsonObject> p = Promise.promise();
    vertx.setPeriodic(100, id -> status(vertx, 0).onSuccess(s -> {
      if (done.test(s) && p.tryComplete(s)) {
        vertx.cancelTimer(id);
      }
    }));
    return p.future();
  }

  private static Future<Long> pgSum(Vertx vertx, String database) {
    return vertx.executeBlocking(() -> PgTestSupport.pgLong(database, "SELECT coalesce(sum(event_count), 0) FROM event_blocks"));
  }

  static Future<JsonObject> query(Vertx vertx, JsonObject q) {
    return vertx.eventBus().<JsonObject>request(Addresses.QUERY, q).map(m -> m.body());
  }

  /** Every page of a scope=all events query, following the cursors. */
  private Future<List<JsonObject>> allEvents(Vertx vertx, JsonObject q, String cursor, List<JsonObject> acc) {
    return allEvents(vertx, q, cursor, acc, new JsonArray());
  }

  /** Every page of a scope=all events query, following the cursors; the pages' errors go to {@code errors}. */
  static Future<List<JsonObject>> allEvents(Vertx vertx, JsonObject q, String cursor, List<JsonObject> acc,
      JsonArray errors) {
    JsonObject page = q.copy();
    if (cursor != null) {
      page.put("cursor", cursor);
    }
    return query(vertx, page).compose(r -> {
      r.getJsonArray("events").forEach(e -> acc.add((JsonObject) e));
      errors.addAll(r.getJsonArray("errors", new JsonArray()));
      String next = r.getString("next");
      return next == null ? Future.succeededFuture(acc) : allEvents(vertx, q, next, acc, errors);
    });
  }

  @Test
  void committedEventsArriveAndAreReadAcrossDevicesAndACleanStopWaitsForThem(Vertx vertx, VertxTestContext ctx) {
    String database = TestPostgres.get().createDatabase();
    StorageConfig config = config(database, new JsonObject());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    List<RawEvent> sent = events(a, b, 0, 500);
    StorageModule.deploy(vertx, config, registry)
        .compose(module -> sendDurably(vertx, sent)
            .compose(v -> status(vertx, 20_000))
            .compose(s -> {
              ctx.verify(() -> {
                assertEquals(true, s.getBoolean("caughtUp"), s.encodePrettily());
                assertEquals("caught-up", s.getString("state"));
                assertEquals(0L, s.getLong("lagEvents"));
                assertEquals("CLOSED", s.getString("breaker"));
                assertTrue(registry.get("skelly.replication.batches").counter().count() >= 1);
                assertEquals(0.0, registry.get("skelly.replication.lag.events").gauge().value());
              });
              return pgSum(vertx, database);
            })
            .compose(sum -> {
              ctx.verify(() -> assertEquals(500L, sum));
              JsonObject q = new JsonObject().put("type", "events").put("scope", "all")
                  .put("from", T9).put("to", T9 + 3_600_000_000L).put("limit", 77);
              return allEvents(vertx, q, null, new ArrayList<>());
            })
            .compose(events -> {
              ctx.verify(() -> {
                assertEquals(500, events.size(), "every event once, across pages of 77");
                Set<String> keys = new HashSet<>();
                events.forEach(e -> keys.add(e.getString("session") + ":" + e.getLong("sequence")));
                Set<String> expected = new HashSet<>();
                sent.forEach(e -> expected.add(e.sessionId() + ":" + e.sequence()));
                assertEquals(expected, keys);
                assertTrue(events.stream().allMatch(e -> e.getString("device") != null), "events name their device");
              });
              return query(vertx, new JsonObject().put("type", "aggregates").put("scope", "all")
                  .put("from", T9).put("to", T9 + 3_600_000_000L).put("resolution", "hour"));
            })
            .compose(agg -> {
              ctx.verify(() -> {
                JsonArray rows = agg.getJsonArray("rows");
                long keys = rows.stream().mapToLong(r -> ((JsonObject) r).getLong("keystrokes")).sum();
                long clicks = rows.stream().mapToLong(r -> ((JsonObject) r).getLong("mouseClicks")).sum();
                assertEquals(sent.stream().filter(e -> e instanceof RawEvent.Keystroke).count(), keys);
                assertEquals(sent.stream().filter(e -> e instanceof RawEvent.MouseClick).count(), clicks);
              });
              // Fire-and-forget events just before a clean stop: the stop waits until they are in PostgreSQL.
              events(a, b, 500, 100).forEach(e -> vertx.eventBus().send(Addresses.EVENTS_RAW, e));
              return module.undeploy();
            }))
        .compose(v -> ReplicationReport.server(vertx, config, null).compose(unknownDevice -> vertx.executeBlocking(() ->
            ReplicationReport.local(config)).compose(local -> ReplicationReport.server(vertx, config, local.getString("device"))
            .map(server -> local.put("server", server).put("unknownDevice", unknownDevice)))))
        .compose(report -> {
          ctx.verify(() -> {
            assertEquals(0L, report.getLong("pendingEvents"), report.encode());
            assertEquals(600L, report.getJsonObject("server").getLong("events"));
            assertEquals(0L, report.getJsonObject("unknownDevice").getLong("events"));
            assertEquals(null, report.getString("lastError"));
          });
          return SharedStats.of(vertx, config);
        })
        .compose(shared -> {
          ctx.verify(() -> { // what stats --from-postgres prints
            assertEquals(600L, shared.getLong("events"));
            assertEquals(1, shared.getJsonArray("devices").size());
            assertEquals(2L, shared.getJsonArray("devices").getJsonObject(0).getLong("sessions"));
          });
          return pgSum(vertx, database);
        })
        .onComplete(ctx.succeeding(sum -> ctx.verify(() -> {
          assertEquals(600L, sum, "the clean stop waited for replication");
          assertEquals(600L, TestSupport.queryLong(config.databasePath(), "SELECT sum(event_count) FROM event_blocks"));
          ctx.completeNow();
        })));
  }

  @Test
  void postgresStoppedMidCaptureLosesAndDuplicatesNothing(Vertx vertx, VertxTestContext ctx) throws Exception {
    TestPostgres server = TestPostgres.get();
    String database = server.createDatabase();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    int port = freePort();
    StorageModule.deploy(vertx, config(database, new JsonObject(), new JsonObject().put("port", port)), registry)
        .compose(module -> sendDurably(vertx, events(a, b, 0, 200))
            .compose(v -> status(vertx, 20_000))
            .compose(v -> vertx.executeBlocking(() -> {
              server.stop();
              return null;
            }))
            // Capture goes on: every event is acknowledged (committed locally) while PostgreSQL is down.
            .compose(v -> sendDurably(vertx, events(a, b, 200, 300)))
            .compose(v -> statusUntil(vertx, s -> s.getLong("failures") >= 2 && s.getLong("lagEvents") > 0))
            .compose(s -> {
              ctx.verify(() -> {
                assertEquals("backing-off", s.getString("state"), s.encodePrettily());
                assertTrue(s.getString("lastError").startsWith("postgres.host / postgres.port = "), s.getString("lastError"));
                assertEquals(300L, s.getLong("lagEvents"), "the events committed during the outage are pending");
                assertTrue(registry.get("skelly.replication.failures").counter().count() >= 2);
              });
              return Future.all(get(vertx, port, "/health"), get(vertx, port, "/ready"), get(vertx, port, "/api/dashboard"));
            })
            .compose(pages -> {
              ctx.verify(() -> {
                JsonObject health = pages.resultAt(0);
                JsonObject ready = pages.resultAt(1);
                assertEquals(200, health.getInteger("status"));
                assertEquals("backing-off", health.getJsonObject("body").getJsonObject("replication").getString("state"),
                    "/health reports replication");
                assertEquals(200, ready.getInteger("status"), "replication is not needed for capture: /ready stays green");
                JsonObject dashboard = pages.<JsonObject>resultAt(2).getJsonObject("body");
                assertEquals(300L, dashboard.getJsonObject("replication").getLong("lagEvents"), "the dashboard shows the lag");
              });
              return vertx.executeBlocking(() -> {
                server.start();
                return null;
              });
            })
            .compose(v -> status(vertx, 40_000))
            .compose(s -> {
              ctx.verify(() -> {
                assertEquals(true, s.getBoolean("caughtUp"), s.encodePrettily());
                assertEquals("CLOSED", s.getString("breaker"));
              });
              return module.undeploy();
            }))
        .compose(v -> vertx.executeBlocking(() -> PgTestSupport.pgRows(database,
            "SELECT count(*), sum(event_count), count(DISTINCT (session_id, first_seq)) FROM event_blocks")))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          long localBlocks = TestSupport.queryLong(dir.resolve("db/events.db"), "SELECT count(*) FROM event_blocks");
          assertEquals(List.of(String.valueOf(localBlocks), "500", String.valueOf(localBlocks)), rows.get(0),
              "every block once, every event once");
          ctx.completeNow();
        })));
    assertTrue(ctx.awaitCompletion(120, TimeUnit.SECONDS));
  }

  @Test
  void aWrongPasswordIsOneLineNamingTheKeyAndCaptureGoesOn(Vertx vertx, VertxTestContext ctx) {
    String database = TestPostgres.get().createDatabase();
    StorageConfig config = config(database, new JsonObject().put("password", "not-the-password")
        .put("stop_deadline_seconds", 0.2));
    UUID a = UUID.randomUUID();
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry())
        .compose(module -> sendDurably(vertx, events(a, a, 0, 10))
            .compose(v -> statusUntil(vertx, s -> s.getString("lastError") != null))
            .compose(s -> {
              ctx.verify(() -> {
                String error = s.getString("lastError");
                assertTrue(error.startsWith("postgres.password: the server answered: password authentication failed"
                    + " for user \"" + TestPostgres.get().user() + "\" (SQLSTATE 28P01)"), error);
                assertEquals(1, error.lines().count(), "one line");
              });
              return module.undeploy();
            }))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(10, TestSupport.queryLong(config.databasePath(), "SELECT sum(event_count) FROM event_blocks"),
              "local capture was untouched");
          JsonObject report = ReplicationReport.local(config); // what replication-status prints
          assertEquals(10L, report.getLong("pendingEvents"));
          JsonObject changes = report.getJsonObject("changes");
          assertEquals(1L, changes.getJsonObject("newSessions").getLong("pending"), "the one session");
          assertTrue(changes.getJsonObject("minutes").getLong("pending") > 0, changes.encode());
          assertEquals(0L, changes.getJsonObject("rewrittenBlocks").getLong("pending"), changes.encode());
          assertTrue(report.getString("lastError").startsWith("postgres.password: "), report.encode());
          ctx.completeNow();
        })));
  }

  @Test
  void scopeAllWithoutPostgresIsABadRequestNamingTheSetting(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry())
        .compose(module -> query(vertx, new JsonObject().put("type", "aggregates").put("scope", "all")
            .put("from", T9).put("to", T9 + 1)).transform(ar -> module.undeploy().map(ar)))
        .onComplete(ctx.succeeding(ar -> ctx.verify(() -> {
          assertTrue(ar.failed());
          ReplyException e = (ReplyException) ar.cause();
          assertEquals(400, e.failureCode());
          assertTrue(e.getMessage().contains("[postgres] enabled = true"), e.getMessage());
          ctx.completeNow();
        })));
  }
}
