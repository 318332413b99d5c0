package dev.skellyjelly.storage.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.bus.ErrorCode;
import dev.skellyjelly.storage.bus.StorageException;
import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.RawEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The producer's client: frames, one reply per frame, the send bound, the retry horizon. */
@ExtendWith(VertxExtension.class)
class StorageClientTest {

  @TempDir
  Path dir;

  private static List<RawEvent> mix(UUID session, int n) {
    SyntheticCapture capture = new SyntheticCapture(session, 3);
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(capture.next(1_763_950_000_000_000L + i * 500L));
    }
    return events;
  }

  @Test
  void durableSendsTravelInFramesAndCompleteWithTheirSequenceAfterCommit(Vertx vertx,
      VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    List<RawEvent> events = new ArrayList<>(mix(a, 2500));
    events.addAll(mix(b, 100));
    StorageClient client = new StorageClient(vertx);
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry()).compose(module -> {
      List<Future<Long>> acks = new ArrayList<>();
      events.forEach(e -> acks.add(client.sendDurably(e)));
      return Future.all(acks).map(all -> {
        ctx.verify(() -> {
          for (int i = 0; i < events.size(); i++) {
            assertEquals(events.get(i).sequence(), acks.get(i).result());
          }
        });
        return module;
      });
    }).onComplete(ctx.succeeding(module -> ctx.verify(() -> {
      List<RawEvent> stored = TestSupport.storedEvents(config.databasePath());
      assertEquals(events.size(), stored.size(), "every acknowledged event is committed");
      // 2,500 events of one session: frames of at most 1,024; the other session's in its own.
      assertEquals(4, client.framesSent());
      assertEquals(0, client.queuedEvents());
      module.undeploy().onComplete(ctx.succeedingThenComplete());
    })));
  }

  @Test
  void fireAndForgetFramesAreStoredAndFlushWaitsForTheirAcceptance(Vertx vertx,
      VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    List<RawEvent> events = mix(UUID.randomUUID(), 5000);
    StorageClient client = new StorageClient(vertx);
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry()).compose(module -> {
      events.forEach(e -> ctx.verify(() -> assertTrue(client.send(e))));
      return client.flush().compose(v -> module.undeploy());
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(0, client.refused());
      assertEquals(0, client.lost());
      assertEquals(events, TestSupport.storedEvents(config.databasePath()));
      ctx.completeNow();
    })));
  }

  /**
   * No storage node: the first 100 events wait for retries and fill the bound, the next ones are
   * refused and counted; at the horizon the frame is given up once, its senders hear why, and
   * the drain handler tells the producer there is room again.
   */
  @Test
  void aFireAndForgetBurstPastStoragesWriteQueueIsCountedAndNothingIsUnaccounted(Vertx vertx,
      VertxTestContext ctx) {
    // A small write queue that nothing drains before the flush: storage must refuse some frames.
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("write_interval_ms", 60_000).put("write_buffer_size_mb", 0.2));
    List<RawEvent> events = mix(UUID.randomUUID(), 20_000);
    StorageClient client = new StorageClient(vertx);
    StorageModule.deploy(vertx, config, new SimpleMeterRegistry()).compose(module -> {
      events.forEach(client::send);
      return client.flush().compose(v -> module.undeploy());
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      int stored = TestSupport.storedEvents(config.databasePath()).size();
      assertTrue(client.refused() > 0, "storage refused part of the burst");
      assertEquals(0, client.lost());
      assertEquals(events.size(), stored + client.refused(), "stored + refused = sent");
      assertEquals(0, client.queuedEvents(), "the syncs released every frame");
      ctx.completeNow();
    })));
  }

  @Test
  void sendsWaitingForRetryFillTheBoundAndAreGivenUpAtTheHorizon(Vertx vertx,
      VertxTestContext ctx) {
    StorageClient.registerCodecs(vertx);
    StorageClient client = new StorageClient(vertx, new StorageClientOptions()
        .setMaxQueuedEvents(100)
        .setRetryFirstDelay(Duration.ofMillis(10))
        .setRetryMaxDelay(Duration.ofMillis(40))
        .setRetryHorizon(Duration.ofMillis(300)));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    client.bindTo(registry);
    List<RawEvent> events = mix(UUID.randomUUID(), 130);
    Checkpoint gaveUp = ctx.checkpoint(100);
    Checkpoint refused = ctx.checkpoint(30);
    Checkpoint drained = ctx.checkpoint();
    long start = System.nanoTime();
    client.drainHandler(v -> ctx.verify(() -> {
      // A frame is given up on when its next retry would start past the horizon (300 ms after
      // its first attempt): at the earliest one retry delay (at most 40 ms) before it.
      assertTrue(System.nanoTime() - start >= 260_000_000L, "not before the horizon");
      assertEquals(1, client.gaveUp(), "one frame given up, once");
      assertEquals(0, client.queuedEvents());
      assertFalse(client.writeQueueFull());
      assertEquals(30.0, registry.find("skelly.client.events.refused").functionCounter().count());
      drained.flag();
    }));
    for (RawEvent e : events) {
      client.sendDurably(e).onComplete(ctx.failing(err -> ctx.verify(() -> {
        StorageException se = (StorageException) err;
        if (se.code() == ErrorCode.BACKPRESSURE) {
          assertTrue(se.getMessage().contains("100 events"), se.getMessage());
          refused.flag();
        } else {
          assertEquals(ErrorCode.UNAVAILABLE, se.code(), se.getMessage());
          assertTrue(se.getMessage().contains("retry horizon"), se.getMessage());
          gaveUp.flag();
        }
      })));
    }
    assertTrue(client.writeQueueFull());
    assertEquals(30, client.refused());
  }

  /**
   * Storage is away: after a few failures the breaker opens and the frames' retries wait for one
   * probe at a time instead of each knocking on its own; when storage appears, the probe gets
   * through and every send completes — none fails before the horizon.
   */
  @Test
  void whileStorageIsAwayRetriesWaitForAProbeAndAllCompleteWhenItIsBack(Vertx vertx, VertxTestContext ctx) {
    StorageClient.registerCodecs(vertx);
    StorageClient client = new StorageClient(vertx, new StorageClientOptions()
        .setRetryFirstDelay(Duration.ofMillis(10))
        .setRetryMaxDelay(Duration.ofMillis(80))
        .setRetryHorizon(Duration.ofSeconds(60)));
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(dc -> {
      if (dev.skellyjelly.storage.bus.Addresses.EVENTS_RAW.equals(dc.message().address())) {
        attempts.incrementAndGet();
      }
      dc.next();
    });
    List<RawEvent> events = new ArrayList<>();
    for (int s = 0; s < 20; s++) {
      events.addAll(mix(UUID.randomUUID(), 1)); // 20 sessions: 20 frames
    }
    List<Future<Long>> acks = new ArrayList<>();
    events.forEach(e -> acks.add(client.sendDurably(e)));
    StorageConfig config = TestSupport.config(dir);
    vertx.timer(600)
        .compose(t -> {
          ctx.verify(() -> {
            assertTrue(java.util.Set.of("OPEN", "HALF_OPEN").contains(client.breakerState()), client.breakerState());
            // Without the breaker each of the 20 frames would have tried about 8 times by now.
            assertTrue(attempts.get() < 60, attempts.get() + " attempts in 600 ms");
          });
          return StorageModule.deploy(vertx, config, new SimpleMeterRegistry());
        })
        .compose(module -> Future.all(acks).map(module))
        .onComplete(ctx.succeeding(module -> ctx.verify(() -> {
          assertEquals("CLOSED", client.breakerState());
          assertEquals(0, client.gaveUp());
          assertEquals(20, TestSupport.storedEvents(config.databasePath()).size());
          module.undeploy().onComplete(ctx.succeedingThenComplete());
        })));
  }
}
