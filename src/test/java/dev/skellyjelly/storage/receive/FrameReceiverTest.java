package dev.skellyjelly.storage.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.IngestChunk;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventEncoding;
import dev.skellyjelly.storage.event.EventFrame;
import dev.skellyjelly.storage.event.FrameEncoding;
import dev.skellyjelly.storage.event.RawEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames into the module: one reply per frame after its commit, a resent frame stored once, and
 * each kind of bad frame answered as a whole while the frames around it are stored. Frames go as
 * their wire bytes (the path cluster traffic takes) unless the test is about local objects.
 */
@ExtendWith(VertxExtension.class)
class FrameReceiverTest {

  @TempDir
  Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  static List<RawEvent> keystrokes(UUID session, long firstSeq, int n) {
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(new RawEvent.Keystroke(1_763_950_000_000_000L + (firstSeq + i) * 1000, session,
          firstSeq + i, 65 + i % 26, 0));
    }
    return events;
  }

  private static Buffer wire(List<RawEvent> events) {
    return Buffer.buffer(FrameEncoding.encode(EventFrame.of(events)));
  }

  private Future<StorageModule> deploy(Vertx vertx, StorageConfig config) {
    return StorageModule.deploy(vertx, config, registry);
  }

  private double counter(String name, String... tags) {
    return registry.find(name).tags(tags).counter().count();
  }

  @Test
  void aDurableFrameGetsOneReplyAfterItsCommitAndAResentFrameIsStoredOnce(Vertx vertx,
      VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    UUID session = UUID.randomUUID();
    List<RawEvent> first = keystrokes(session, 0, 300);
    List<RawEvent> second = keystrokes(session, 300, 200);
    var bus = vertx.eventBus();
    deploy(vertx, config).compose(module -> bus.<Long>request(Addresses.EVENTS_RAW, wire(first))
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(299L, reply.body(), "the reply carries the frame's last sequence");
            // The reply follows the commit: every event of the frame is in the database.
            assertEquals(first, TestSupport.storedEvents(config.databasePath()));
          });
          // The same frame again (as if its reply had been lost), then the next one, as an object.
          return bus.request(Addresses.EVENTS_RAW, wire(first));
        })
        .compose(again -> bus.<Long>request(Addresses.EVENTS_RAW, EventFrame.of(second)))
        .map(module))
        .onComplete(ctx.succeeding(module -> ctx.verify(() -> {
          List<RawEvent> all = new ArrayList<>(first);
          all.addAll(second);
          assertEquals(all, TestSupport.storedEvents(config.databasePath()), "stored once, in order");
          assertEquals(300.0, counter("skelly.events.duplicates"));
          module.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void framesOfOneWriteIntervalReachTheWriterAsOneHandOffThatCommitsThem(Vertx vertx,
      VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir).put("write_interval_ms", 400));
    UUID session = UUID.randomUUID();
    List<IngestChunk> handOffs = new ArrayList<>();
    vertx.eventBus().addOutboundInterceptor(dc -> {
      if (Addresses.WRITE_EVENTS.equals(dc.message().address())) {
        handOffs.add((IngestChunk) dc.message().body());
      }
      dc.next();
    });
    var bus = vertx.eventBus();
    List<RawEvent> all = keystrokes(session, 0, 220);
    deploy(vertx, config).compose(module -> {
      // Ten fire-and-forget frames of 20 events each, then a durable one: a desktop's trickle.
      for (int f = 0; f < 10; f++) {
        bus.send(Addresses.EVENTS_RAW, wire(all.subList(f * 20, f * 20 + 20)));
      }
      return bus.<Long>request(Addresses.EVENTS_RAW, wire(all.subList(200, 220))).map(module);
    }).onComplete(ctx.succeeding(module -> ctx.verify(() -> {
      assertEquals(all, TestSupport.storedEvents(config.databasePath()),
          "the durable frame's reply follows the commit of every frame before it");
      assertEquals(1, handOffs.size(), "one hand-off to the writer's thread for the interval");
      assertEquals(220, handOffs.get(0).events().size());
      assertTrue(handOffs.get(0).commitNow(), "held for the interval: committed on arrival");
      module.undeploy().onComplete(ctx.succeedingThenComplete());
    })));
  }

  @Test
  void aChunkThatFillsUpGoesToTheWriterAtOnce(Vertx vertx, VertxTestContext ctx) {
    // A write interval far longer than the test: only the size bound can have sent the chunk.
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir).put("write_interval_ms", 60_000));
    List<IngestChunk> handOffs = new ArrayList<>();
    vertx.eventBus().addOutboundInterceptor(dc -> {
      if (Addresses.WRITE_EVENTS.equals(dc.message().address())) {
        handOffs.add((IngestChunk) dc.message().body());
      }
      dc.next();
    });
    List<RawEvent> many = keystrokes(UUID.randomUUID(), 0, WriteQueue.MAX_CHUNK_EVENTS);
    deploy(vertx, config).compose(module -> {
      // Answered once taken, so the chunk is on its way to the writer before the flush below;
      // the writer handles its messages in order: the flush commits what was handed on before it.
      DeliveryOptions onAccept = new DeliveryOptions()
          .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_ACCEPT);
      return vertx.eventBus().request(Addresses.EVENTS_RAW, wire(many), onAccept)
          .compose(taken -> vertx.eventBus().request(Addresses.WRITE_FLUSH, null)).map(module);
    }).onComplete(ctx.succeeding(module -> ctx.verify(() -> {
      assertEquals(1, handOffs.size());
      assertEquals(WriteQueue.MAX_CHUNK_EVENTS, handOffs.get(0).events().size());
      assertEquals(false, handOffs.get(0).commitNow(), "sent by size, committed on the writer's own timer");
      assertEquals(many, TestSupport.storedEvents(config.databasePath()));
      module.undeploy().onComplete(ctx.succeedingThenComplete());
    })));
  }

  @Test
  void aFrameWithAScreenshotIsAnsweredWhenTheEventsAndTheScreenshotAreStored(Vertx vertx,
      VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    List<RawEvent> events = TestSupport.everyKind(UUID.randomUUID(), 1_763_950_000_000_000L);
    deploy(vertx, config).compose(module -> vertx.eventBus()
            .<Long>request(Addresses.EVENTS_RAW, wire(events))
            .map(reply -> {
              ctx.verify(() -> {
                assertEquals(6L, reply.body());
                assertEquals(events.stream().filter(e -> !(e instanceof RawEvent.Screenshot)).toList(),
                    TestSupport.storedEvents(config.databasePath()));
                assertEquals(1, TestSupport.queryLong(config.databasePath(),
                    "SELECT count(*) FROM screenshot_metadata"));
              });
              return module;
            }))
        .onComplete(ctx.succeeding(module -> module.undeploy()
            .onComplete(ctx.succeedingThenComplete())));
  }

  @Test
  void badFramesAreAnsweredAsAWholeAndTheNextFrameIsStored(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    UUID session = UUID.randomUUID();
    List<RawEvent> good = keystrokes(session, 0, 50);
    byte[] corrupt = FrameEncoding.encode(EventFrame.of(keystrokes(session, 50, 50)));
    corrupt[corrupt.length / 2] ^= 0x10;
    byte[] truncated = Arrays.copyOf(
        FrameEncoding.encode(EventFrame.of(keystrokes(session, 100, 50))), 60);
    List<RawEvent> backwards = keystrokes(session, 150, 10);
    backwards.set(7, new RawEvent.Keystroke(9, session, 151, 65, 0));
    List<RawEvent> mixed = keystrokes(session, 160, 10);
    mixed.set(4, keystrokes(UUID.randomUUID(), 164, 1).get(0));
    List<RawEvent> after = keystrokes(session, 200, 50);
    var bus = vertx.eventBus();
    deploy(vertx, config).compose(module -> bus.request(Addresses.EVENTS_RAW, wire(good))
        .compose(r -> refusal(bus.request(Addresses.EVENTS_RAW, Buffer.buffer(corrupt)),
            ErrorCode.DECODE, ctx, "checksum"))
        .compose(r -> refusal(bus.request(Addresses.EVENTS_RAW, Buffer.buffer(truncated)),
            ErrorCode.DECODE, ctx, "checksum"))
        .compose(r -> refusal(bus.request(Addresses.EVENTS_RAW, wire(backwards)),
            ErrorCode.INVALID_EVENT, ctx, "offset 7"))
        .compose(r -> refusal(bus.request(Addresses.EVENTS_RAW, new EventFrame(session, mixed)),
            ErrorCode.INVALID_EVENT, ctx, "offset 4"))
        .compose(r -> bus.request(Addresses.EVENTS_RAW, wire(after)))
        .map(module))
        .onComplete(ctx.succeeding(module -> ctx.verify(() -> {
          List<RawEvent> stored = new ArrayList<>(good);
          stored.addAll(after);
          assertEquals(stored, TestSupport.storedEvents(config.databasePath()));
          assertEquals(2.0, counter("skelly.decode.errors"));
          assertEquals(20.0, counter("skelly.events.dropped", "reason", "invalid"),
              "the events of both inconsistent frames");
          module.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void anOversizedFrameIsRefusedNamingTheLimit(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    Buffer huge = Buffer.buffer(new byte[FrameEncoding.MAX_BYTES + 1]);
    huge.setByte(0, (byte) FrameEncoding.VERSION);
    deploy(vertx, config).compose(module -> refusal(
            vertx.eventBus().request(Addresses.EVENTS_RAW, huge), ErrorCode.TOO_LARGE, ctx,
            String.valueOf(FrameEncoding.MAX_BYTES)).map(module))
        .onComplete(ctx.succeeding(module -> module.undeploy()
            .onComplete(ctx.succeedingThenComplete())));
  }

  @Test
  void oldSingleEventBytesAreStillAccepted(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    RawEvent e = keystrokes(UUID.randomUUID(), 5, 1).get(0);
    deploy(vertx, config).compose(module -> vertx.eventBus()
            .<Long>request(Addresses.EVENTS_RAW, Buffer.buffer(EventEncoding.encodeSingle(e)))
            .map(reply -> {
              ctx.verify(() -> assertEquals(5L, reply.body()));
              return module;
            }))
        .onComplete(ctx.succeeding(module -> ctx.verify(() -> {
          assertEquals(List.of(e), TestSupport.storedEvents(config.databasePath()));
          module.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void aFrameAskingForAnAcceptReplyIsAnsweredBeforeItsCommit(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("write_interval_ms", 60_000));
    List<RawEvent> events = keystrokes(UUID.randomUUID(), 0, 100);
    DeliveryOptions onAccept = new DeliveryOptions()
        .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_ACCEPT);
    deploy(vertx, config).compose(module -> vertx.eventBus()
            .request(Addresses.EVENTS_RAW, wire(events), onAccept)
            .map(reply -> {
              // Answered at acceptance: with a one-minute write interval nothing is committed yet.
              ctx.verify(() -> assertEquals(List.of(), TestSupport.storedEvents(config.databasePath())));
              return module;
            }))
        .compose(module -> module.undeploy())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(events, TestSupport.storedEvents(config.databasePath()), "committed on stop");
          ctx.completeNow();
        })));
  }

  /** Expects the request to fail with {@code code} and a message containing {@code text}. */
  static Future<Void> refusal(Future<?> request, ErrorCode code, VertxTestContext ctx,
      String text) {
    return request.transform(ar -> {
      ctx.verify(() -> {
        assertTrue(ar.failed(), "expected " + code + ", got a reply");
        ReplyException re = (ReplyException) ar.cause();
        assertEquals(code.failureCode(), re.failureCode(), re.getMessage());
        assertTrue(re.getMessage().contains(text), re.getMessage());
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void framesSentWithoutAReplyAreAccountedForAtTheProducersNextSync(Vertx vertx,
      VertxTestContext ctx) {
    // A small write queue that nothing drains (no commit within the test) fills up.
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("write_interval_ms", 60_000).put("write_buffer_size_mb", 0.05));
    UUID session = UUID.randomUUID();
    String producer = UUID.randomUUID().toString();
    DeliveryOptions unanswered = new DeliveryOptions().addHeader(Addresses.SENDER_HEADER, producer);
    DeliveryOptions sync = new DeliveryOptions().addHeader(Addresses.SYNC_HEADER, producer);
    byte[] corrupt = FrameEncoding.encode(EventFrame.of(keystrokes(session, 10_000, 50)));
    corrupt[corrupt.length / 2] ^= 0x10;
    var bus = vertx.eventBus();
    deploy(vertx, config).compose(module -> {
      for (int f = 0; f < 30; f++) {
        bus.send(Addresses.EVENTS_RAW, wire(keystrokes(session, f * 100L, 100)), unanswered);
      }
      bus.send(Addresses.EVENTS_RAW, Buffer.buffer(corrupt), unanswered);
      return bus.<io.vertx.core.json.JsonObject>request(Addresses.EVENTS_RAW, null, sync)
          .compose(first -> bus.<io.vertx.core.json.JsonObject>request(Addresses.EVENTS_RAW, null, sync)
              .map(second -> {
                ctx.verify(() -> {
                  double dropped = counter("skelly.events.dropped", "reason", "backpressure");
                  assertTrue(dropped > 0, "the queue filled up");
                  assertEquals((long) dropped, first.body().getLong("refused"),
                      "every refused event is told to its producer");
                  assertEquals(1L, first.body().getLong("rejected"), "the corrupt frame");
                  assertEquals(0L, second.body().getLong("refused"), "counted once");
                  assertEquals(0L, second.body().getLong("rejected"));
                });
                return module;
              }));
    }).compose(module -> module.undeploy().map(module))
        .onComplete(ctx.succeeding(module -> ctx.verify(() -> {
          double refused = counter("skelly.events.dropped", "reason", "backpressure");
          assertEquals(3000 - (long) refused, TestSupport.storedEvents(config.databasePath()).size(),
              "what was not refused is stored");
          ctx.completeNow();
        })));
  }
}
