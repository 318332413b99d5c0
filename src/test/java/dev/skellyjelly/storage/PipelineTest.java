package dev.skellyjelly.storage;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.Codecs;
import dev.skellyjelly.storage.event.EventBatch;
import dev.skellyjelly.storage.event.RawEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on one Vert.x: bus in, SQLite rows and EventBatch out. */
@ExtendWith(VertxExtension.class)
class PipelineTest {

  @TempDir
  Path dir;

  private Future<StorageModule> deploy(Vertx vertx, StorageConfig config) {
    return StorageModule.deploy(vertx, config, new SimpleMeterRegistry());
  }

  @Test
  void everyKindIsStoredFieldForFieldAndRepliedAfterCommit(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    UUID session = UUID.randomUUID();
    List<RawEvent> events = TestSupport.everyKind(session, 1_763_950_000_000_000L);
    deploy(vertx, config).compose(module -> {
      List<Future<Object>> replies = new ArrayList<>();
      for (RawEvent e : events) {
        replies.add(vertx.eventBus().request(Addresses.EVENTS_RAW, e).map(m -> m.body()));
      }
      return Future.all(replies).map(f -> module);
    }).onComplete(ctx.succeeding(module -> ctx.verify(() -> {
      // Inside the reply handler: the transaction has committed, so the rows are there.
      List<RawEvent> stored = TestSupport.storedEvents(config.databasePath());
      List<RawEvent> expected = events.stream().filter(e -> !(e instanceof RawEvent.Screenshot)).toList();
      assertEquals(expected, stored);
      RawEvent.Screenshot shot = (RawEvent.Screenshot) events.get(4);
      assertEquals(1, TestSupport.queryLong(config.databasePath(),
          "SELECT count(*) FROM screenshot_metadata WHERE privacy_masked = 1 AND app_name = 'Thunderbird'"
              + " AND region_width = 1920 AND timestamp_us = " + shot.timestampMicros()));
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(config.databasePath())));
      assertEquals("rwx------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(config.databasePath().getParent())));
      Path wal = Path.of(config.databasePath() + "-wal");
      assertTrue(Files.exists(wal), "WAL mode");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(wal)));
      module.undeploy().onComplete(ctx.succeedingThenComplete());
    })));
  }

  @Test
  void twoEventsWithEqualTimestampAndSessionAreBothStored(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    UUID session = UUID.randomUUID();
    var a = new RawEvent.Keystroke(1_000_000L, session, 0, 10, 0);
    var b = new RawEvent.Keystroke(1_000_000L, session, 1, 11, 0);
    deploy(vertx, config)
        .compose(m -> Future.all(vertx.eventBus().request(Addresses.EVENTS_RAW, a),
            vertx.eventBus().request(Addresses.EVENTS_RAW, b)).map(m))
        .onComplete(ctx.succeeding(module -> ctx.verify(() -> {
          assertEquals(List.of(a, b), TestSupport.storedEvents(config.databasePath()));
          module.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void aRetriedEventIsStoredOnce(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    UUID session = UUID.randomUUID();
    var e = new RawEvent.MouseMove(5_000_000L, session, 41, 1, 2);
    deploy(vertx, config)
        .compose(m -> vertx.eventBus().request(Addresses.EVENTS_RAW, e)
            .compose(r -> vertx.eventBus().request(Addresses.EVENTS_RAW, e)).map(m))
        .onComplete(ctx.succeeding(module -> ctx.verify(() -> {
          assertEquals(List.of(e), TestSupport.storedEvents(config.databasePath()));
          module.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void windowClosesOnItsTimerWithoutFurtherEvents(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("batch_window_seconds", 0.2));
    UUID session = UUID.randomUUID();
    var e = new RawEvent.Keystroke(7_000_000L, session, 0, 1, 0);
    StorageModule[] module = new StorageModule[1];
    vertx.eventBus().<EventBatch>consumer(Addresses.EVENT_BATCHES, m -> ctx.verify(() -> {
      assertEquals(List.of(e), m.body().events());
      assertTrue(m.body().endMicros() - m.body().startMicros() >= 150_000,
          "window lasted its configured 0.2 s");
      module[0].undeploy().onComplete(ctx.succeedingThenComplete());
    }));
    deploy(vertx, config).onComplete(ctx.succeeding(m -> {
      module[0] = m;
      vertx.eventBus().send(Addresses.EVENTS_RAW, e);
    }));
  }

  @Test
  void windowClosesEarlyAtTheMaximumAndIsRecorded(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("max_events_per_batch", 5));
    UUID session = UUID.randomUUID();
    List<EventBatch> batches = new ArrayList<>();
    var checkpoint = ctx.checkpoint(2);
    vertx.eventBus().<EventBatch>consumer(Addresses.EVENT_BATCHES, m -> {
      batches.add(m.body());
      if (batches.size() <= 2) {
        checkpoint.flag(); // the third, the 2 left over, comes from the undeploy below
      }
    });
    StorageModule module = deploy(vertx, config).onComplete(ctx.succeeding(m -> {
      for (int i = 0; i < 12; i++) {
        vertx.eventBus().send(Addresses.EVENTS_RAW, new RawEvent.Keystroke(9_000_000L + i, session, i, i, 0));
      }
    })).await(10, TimeUnit.SECONDS);
    assertTrue(ctx.awaitCompletion(10, TimeUnit.SECONDS));
    assertEquals(5, batches.get(0).events().size());
    assertEquals(5, batches.get(1).events().size());
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L),
        batches.get(0).events().stream().map(RawEvent::sequence).toList());
    module.undeploy().await(10, TimeUnit.SECONDS);
    // The remaining 2 events form a third window on stop; all three are recorded.
    assertEquals(3, TestSupport.queryLong(config.databasePath(), "SELECT count(*) FROM windows"));
    assertEquals(12, TestSupport.queryLong(config.databasePath(), "SELECT sum(event_count) FROM windows"));
  }

  @Test
  void undeployEmitsTheOpenWindowAndCommitsTheBuffer(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("write_interval_ms", 60_000));
    UUID session = UUID.randomUUID();
    List<EventBatch> batches = new ArrayList<>();
    vertx.eventBus().<EventBatch>consumer(Addresses.EVENT_BATCHES, m -> batches.add(m.body()));
    deploy(vertx, config).compose(module -> {
      for (int i = 0; i < 100; i++) {
        vertx.eventBus().send(Addresses.EVENTS_RAW, new RawEvent.MouseMove(1_000L * i, session, i, i, i));
      }
      // A send from the same context is queued before this undeploy runs.
      return vertx.timer(1).compose(t -> module.undeploy());
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(1, batches.size());
      assertEquals(100, batches.get(0).events().size());
      assertEquals(100, TestSupport.storedEvents(config.databasePath()).size());
      assertEquals(1, TestSupport.queryLong(config.databasePath(),
          "SELECT count(*) FROM windows WHERE event_count = 100"));
      ctx.completeNow();
    })));
  }

  @Test
  void corruptWireBytesAreRefusedAndTheConsumerGoesOn(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    UUID session = UUID.randomUUID();
    var good = new RawEvent.Keystroke(1L, session, 0, 1, 0);
    byte[] wire = dev.skellyjelly.storage.event.EventEncoding.encodeSingle(good);
    byte[] truncated = java.util.Arrays.copyOf(wire, wire.length - 3);
    deploy(vertx, config)
        .compose(m -> vertx.eventBus().request(Addresses.EVENTS_RAW,
                io.vertx.core.buffer.Buffer.buffer(truncated))
            .transform(ar -> {
              ctx.verify(() -> {
                assertTrue(ar.failed());
                ReplyException re = (ReplyException) ar.cause();
                assertEquals(ErrorCode.DECODE.failureCode(), re.failureCode());
                assertTrue(re.getMessage().contains("truncated"), re.getMessage());
                assertTrue(re.getMessage().startsWith("DECODE: ") && !re.getMessage().contains("DECODE: DECODE"),
                    "the code is said once: " + re.getMessage());
              });
              return vertx.eventBus().request(Addresses.EVENTS_RAW, new JsonObject().put("x", 1));
            })
            .transform(ar -> {
              ctx.verify(() -> assertEquals(ErrorCode.INVALID_EVENT.failureCode(),
                  ((ReplyException) ar.cause()).failureCode()));
              return vertx.eventBus().request(Addresses.EVENTS_RAW, io.vertx.core.buffer.Buffer.buffer(wire));
            }).map(m))
        .onComplete(ctx.succeeding(module -> ctx.verify(() -> {
          assertEquals(List.of(good), TestSupport.storedEvents(config.databasePath()));
          module.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void pastTheQueueBoundRequestsGetBackpressureAndSendsAreCountedAsDropped(Vertx vertx,
      VertxTestContext ctx) {
    // ~1 KiB of queue: about 16 events in flight; the write interval keeps them queued.
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("write_buffer_size_mb", 0.001).put("write_interval_ms", 300));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UUID session = UUID.randomUUID();
    List<Future<Object>> replies = new ArrayList<>();
    StorageModule.deploy(vertx, config, registry).compose(module -> {
      for (int i = 0; i < 50; i++) {
        replies.add(vertx.eventBus().request(Addresses.EVENTS_RAW,
            new RawEvent.Keystroke(1_000 + i, session, i, 1, 0)).map(m -> m.body()));
      }
      for (int i = 50; i < 80; i++) {
        vertx.eventBus().send(Addresses.EVENTS_RAW, new RawEvent.Keystroke(1_000 + i, session, i, 1, 0));
      }
      return Future.join(replies).otherwiseEmpty().map(module);
    }).onComplete(ctx.succeeding(module -> ctx.verify(() -> {
      List<Long> acked = new ArrayList<>();
      int refused = 0;
      for (Future<Object> r : replies) {
        if (r.succeeded()) {
          acked.add((Long) r.result());
        } else {
          ReplyException re = (ReplyException) r.cause();
          assertEquals(ErrorCode.BACKPRESSURE.failureCode(), re.failureCode());
          assertTrue(re.getMessage().contains("retry with backoff"), re.getMessage());
          refused++;
        }
      }
      assertTrue(refused > 0, "some requests were refused");
      assertTrue(!acked.isEmpty(), "some requests were stored");
      List<Long> storedSeqs = TestSupport.storedEvents(config.databasePath()).stream()
          .map(RawEvent::sequence).filter(s -> s < 50).toList();
      assertEquals(acked, storedSeqs, "exactly the acknowledged requests are stored");
      double droppedSends = registry.get("skelly.events.dropped").tag("reason", "backpressure")
          .counter().count();
      assertEquals(30 + refused, (long) droppedSends, "every refusal is counted, sends included");
      assertEquals(refused, (long) registry.get("skelly.backpressure.refusals").counter().count());
      module.undeploy().onComplete(ctx.succeedingThenComplete());
    })));
  }

  /** What a producer without the codecs might try to send instead of a RawEvent. */
  record LegacyKeystroke(long timestamp, int keyCode) implements java.io.Serializable {
  }

  @Test
  void aSerializablePojoIsRefusedWithAClearError(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, TestSupport.config(dir))
        .compose(m -> vertx.eventBus().request(Addresses.EVENTS_RAW, new LegacyKeystroke(1, 65))
            .transform(ar -> {
              ctx.verify(() -> {
                ReplyException re = (ReplyException) ar.cause();
                assertEquals(ErrorCode.INVALID_EVENT.failureCode(), re.failureCode());
                assertTrue(re.getMessage().contains("Codecs.registerAll"), re.getMessage());
              });
              return m.undeploy();
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void localDeliveryPassesTheEventItselfWithoutCopying(Vertx vertx, VertxTestContext ctx) {
    Codecs.registerAll(vertx.eventBus());
    var event = new RawEvent.MouseMove(1, UUID.randomUUID(), 0, 5, 6);
    vertx.eventBus().<RawEvent>consumer("test.local", m -> ctx.verify(() -> {
      assertTrue(m.body() == event, "same instance: transform() does not copy immutable events");
      ctx.completeNow();
    })).completion().onSuccess(v -> vertx.eventBus().send("test.local", event));
  }
}
