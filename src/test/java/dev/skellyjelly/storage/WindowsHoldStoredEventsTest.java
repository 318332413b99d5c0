package dev.skellyjelly.storage;

import dev.skellyjelly.storage.bus.Addresses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.EventBatch;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.EventStore;
import dev.skellyjelly.storage.store.SqliteFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows hold exactly the stored events, each once: what the Analysis Engine receives and what
 * {@code windows.event_count} says equal what the database holds, with a failing writer and
 * with producers retrying while the database is locked.
 */
@ExtendWith(VertxExtension.class)
class WindowsHoldStoredEventsTest {

  private static final long T0 = 1_794_268_800_000_000L;

  @TempDir
  Path dir;

  private final List<RawEvent> analysed = new ArrayList<>();

  private Future<StorageModule> deploy(Vertx vertx, StorageConfig config, SimpleMeterRegistry registry) {
    vertx.eventBus().<EventBatch>consumer(Addresses.EVENT_BATCHES, m -> analysed.addAll(m.body().events()));
    return StorageModule.deploy(vertx, config, registry);
  }

  private static List<RawEvent> keystrokes(UUID session, int count) {
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(new RawEvent.Keystroke(T0 + i * 1_000L, session, i, 30 + i % 20, 0));
    }
    return events;
  }

  private static Future<List<Boolean>> requestAll(Vertx vertx, List<RawEvent> events) {
    List<Future<Boolean>> replies = new ArrayList<>();
    for (RawEvent e : events) {
      replies.add(vertx.eventBus().request(Addresses.EVENTS_RAW, e).transform(ar ->
          Future.succeededFuture(ar.succeeded())));
    }
    return Future.all(replies).map(f -> f.<Boolean>list());
  }

  @Test
  void eventsWhoseWriteFailedNeverReachAWindow(Vertx vertx, VertxTestContext ctx) throws Exception {
    StorageConfig config = TestSupport.config(dir);
    Path db = config.databasePath();
    try (EventStore store = EventStore.open(db, "NORMAL"); Statement st = store.connection().createStatement()) {
      // As a full disk does: every write transaction fails, permanently.
      st.execute("CREATE TRIGGER simulated_disk_full BEFORE INSERT ON sessions"
          + " BEGIN SELECT RAISE(ABORT, 'database or disk is full (simulated)'); END");
    }
    List<RawEvent> lost = keystrokes(UUID.randomUUID(), 300);
    List<RawEvent> kept = keystrokes(UUID.randomUUID(), 200);
    deploy(vertx, config, new SimpleMeterRegistry()).compose(module -> requestAll(vertx, lost)
        .compose(answers -> {
          ctx.verify(() -> assertTrue(answers.stream().noneMatch(ok -> ok), "every write failed"));
          return vertx.executeBlocking(() -> {
            try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
              st.execute("DROP TRIGGER simulated_disk_full"); // space is back
            }
            return null;
          });
        })
        .compose(v -> requestAll(vertx, kept))
        .compose(answers -> {
          ctx.verify(() -> assertTrue(answers.stream().allMatch(ok -> ok), "every write succeeded"));
          return vertx.eventBus().request(Addresses.BATCH_FLUSH, null);
        })
        .compose(v -> module.undeploy()))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(kept.size(), analysed.size(), "the Analysis Engine saw as many as were stored");
          assertTrue(kept.equals(analysed), "and exactly the stored ones, in order");
          assertTrue(kept.equals(TestSupport.storedEvents(db)), "the database holds them");
          assertEquals(kept.size(), TestSupport.queryLong(db, "SELECT sum(event_count) FROM windows"));
          ctx.completeNow();
        })));
  }

  @Test
  void eventsRetriedWhileTheDatabaseIsLockedReachAWindowOnce(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(TestSupport.storageTable(dir)
        .put("busy_timeout_ms", 20).put("write_interval_ms", 20));
    Path db = config.databasePath();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<RawEvent> events = keystrokes(UUID.randomUUID(), 500);
    Connection[] locker = new Connection[1];
    deploy(vertx, config, registry).compose(module -> vertx.executeBlocking(() -> {
      locker[0] = SqliteFiles.openWriter(db, "NORMAL"); // another process holds the write lock
      try (Statement st = locker[0].createStatement()) {
        st.execute("BEGIN EXCLUSIVE");
      }
      return null;
    }).compose(locked -> {
      // The producer sends, then sends everything again twice, as a client whose replies are late.
      Future<List<Boolean>> first = requestAll(vertx, events);
      Future<List<Boolean>> retry = requestAll(vertx, events);
      Future<List<Boolean>> again = requestAll(vertx, events);
      return vertx.timer(300).compose(t -> vertx.executeBlocking(() -> {
        try (Statement st = locker[0].createStatement()) {
          st.execute("ROLLBACK");
        }
        locker[0].close();
        return null;
      })).compose(released -> Future.all(first, retry, again));
    }).compose(answers -> {
      ctx.verify(() -> {
        for (int i = 0; i < 3; i++) {
          assertTrue(answers.<List<Boolean>>resultAt(i).stream().allMatch(ok -> ok), "all acknowledged");
        }
      });
      return vertx.eventBus().request(Addresses.BATCH_FLUSH, null);
    }).compose(v -> module.undeploy())).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(events.size(), new HashSet<>(analysed).size(), "every stored event was analysed");
      assertEquals(events.size(), analysed.size(), "and none of them twice");
      assertTrue(events.equals(TestSupport.storedEvents(db)), "the database holds each once");
      assertEquals(events.size(), TestSupport.queryLong(db, "SELECT sum(event_count) FROM windows"));
      assertEquals(2.0 * events.size(), registry.get("skelly.events.duplicates").counter().count());
      ctx.completeNow();
    })));
  }

  @Test
  void aWindowRecordWhoseCommitFailedIsWrittenOnceTheDatabaseRecovers(Vertx vertx, VertxTestContext ctx) {
    StorageConfig config = TestSupport.config(dir);
    Path db = config.databasePath();
    List<RawEvent> events = keystrokes(UUID.randomUUID(), 200);
    deploy(vertx, config, new SimpleMeterRegistry()).compose(module -> requestAll(vertx, events)
        .compose(stored -> vertx.executeBlocking(() -> {
          try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
            st.execute("CREATE TRIGGER simulated_disk_full BEFORE INSERT ON windows"
                + " BEGIN SELECT RAISE(ABORT, 'database or disk is full (simulated)'); END");
          }
          return null;
        }))
        .compose(v -> vertx.eventBus().request(Addresses.BATCH_FLUSH, null)) // its record fails
        .compose(v -> vertx.executeBlocking(() -> {
          try (Connection c = SqliteFiles.openWriter(db, "NORMAL"); Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER simulated_disk_full"); // space is back
          }
          return null;
        }))
        .compose(v -> vertx.eventBus().request(Addresses.WRITE_FLUSH, null))
        .compose(v -> module.undeploy()))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(events.size(), analysed.size());
          assertEquals(events.size(), TestSupport.storedEvents(db).size());
          assertEquals(events.size(), TestSupport.queryLong(db, "SELECT sum(event_count) FROM windows"),
              "the window record was kept and written when the database recovered");
          ctx.completeNow();
        })));
  }
}
