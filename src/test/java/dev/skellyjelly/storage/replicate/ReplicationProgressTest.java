package dev.skellyjelly.storage.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The states, lag and status replication reports, on batches built by hand and an injected now. */
class ReplicationProgressTest {

  private static final long SECOND = 1_000_000;

  private static LocalChanges.Block block(int events) {
    return new LocalChanges.Block("event_blocks_20260101", 1, UUID.randomUUID(), 0, 1, 1, events, events, 1, false,
        new byte[0]);
  }

  /** A batch of {@code blocks} of 10 events each, read when {@code pendingEvents} were pending. */
  private static LocalChanges.Batch batch(int blocks, long pendingEvents, long pendingBlocks, boolean cut) {
    List<LocalChanges.Block> list = java.util.stream.IntStream.range(0, blocks).mapToObj(i -> block(10)).toList();
    return new LocalChanges.Batch(list, List.of(), List.of(), List.of(), List.of(), List.of(), new Watermarks(),
        pendingEvents, pendingBlocks, cut);
  }

  @Test
  void unknownUntilTheFirstReadThenCaughtUpWhenABatchTookEverything() {
    ReplicationProgress p = new ReplicationProgress(0);
    assertEquals("replicating", p.state(), "nothing read yet: nothing known to be in PostgreSQL");
    assertFalse(p.caughtUp());
    p.committed(30);
    assertEquals(30, p.lagEvents());
    assertEquals(5 * SECOND, p.lagMicros(5 * SECOND), "lag counts from the start while events wait");

    p.readStarted();
    LocalChanges.Batch all = batch(3, 30, 3, false);
    p.read(all);
    assertEquals(30, p.lagEvents(), "the read's snapshot holds the 30 committed events");
    assertFalse(p.shipped(all, 6 * SECOND, 7 * SECOND), "nothing more was pending");
    assertTrue(p.caughtUp());
    assertEquals("caught-up", p.state());
    assertEquals(0, p.lagEvents());
    assertEquals(0, p.lagMicros(100 * SECOND), "no lag while nothing is pending");

    p.committed(5);
    assertEquals("replicating", p.state(), "a commit after the read is not shipped yet");
    assertTrue(p.committedSinceRead());
    assertEquals(4 * SECOND, p.lagMicros(10 * SECOND), "lag counts from the read that caught up (6 s)");
  }

  @Test
  void aBatchCutAtItsLimitAsksForMoreAndKeepsTheLagRunning() {
    ReplicationProgress p = new ReplicationProgress(0);
    p.readStarted();
    LocalChanges.Batch part = batch(2, 50, 5, false);
    p.read(part);
    assertTrue(p.shipped(part, SECOND, 2 * SECOND), "30 of 50 pending events are left");
    assertEquals(30, p.lagEvents());
    assertEquals(3 * SECOND, p.lagMicros(3 * SECOND), "not caught up: the lag still counts from the start");
    assertEquals(3, p.toJson(3 * SECOND).getLong("pendingBlocks"));

    LocalChanges.Batch cut = batch(1, 10, 1, true);
    p.read(cut);
    assertTrue(p.shipped(cut, 4 * SECOND, 4 * SECOND), "cut: another kind of row is left to read");
    assertFalse(p.shipped(batch(0, 0, 0, false), 5 * SECOND, 5 * SECOND), "an empty batch is the end");
    assertEquals("caught-up", p.state());
  }

  @Test
  void anErrorIsReportedOnceUntilItChangesAndForgottenAfterASuccess() {
    ReplicationProgress p = new ReplicationProgress(0);
    assertTrue(p.failed("postgres.host: connection refused"));
    assertFalse(p.failed("postgres.host: connection refused"), "the same error again is not news");
    assertEquals("backing-off", p.state());
    assertTrue(p.failed("postgres.password: authentication failed"));
    JsonObject status = p.toJson(SECOND);
    assertEquals("postgres.password: authentication failed", status.getString("lastError"));
    assertNull(status.getLong("lastSuccessMicros"), "never succeeded");

    assertEquals("postgres.password: authentication failed", p.recovered());
    assertNull(p.recovered(), "recovered once");
    p.shipped(batch(0, 0, 0, false), SECOND, 2 * SECOND);
    assertEquals("caught-up", p.state());
    assertEquals(2 * SECOND, p.toJson(3 * SECOND).getLong("lastSuccessMicros"));

    p.refuse();
    assertEquals("stopped", p.state(), "a newer schema stops replication whatever else is known");
  }
}
