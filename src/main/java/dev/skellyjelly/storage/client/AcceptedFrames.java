package dev.skellyjelly.storage.client;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Fire-and-forget frames. They travel without replies — a reply per frame cost the storage node
 * a second message and wake-up per frame — and a sync now and then ({@link FrameBus#sync}) tells
 * the client that storage has taken or refused every frame sent before it, so it may stop holding
 * them: after {@link #SYNC_EVERY_FRAMES} frames, when half the client's bound is held, on
 * {@link #syncNow} (a flush) or at the latest {@link #SYNC_AFTER_MS} after a frame went out.
 * Events storage refused (write queue full) count as refused; events of frames it rejected as
 * invalid, or of a group whose sync was not answered in time, count as lost.
 *
 * <p>A frame holding a screenshot is still answered on its own: the screenshot's analysis may
 * fail after the frame was taken, and that failure must reach the client.
 *
 * <p>The sync confirms what the storage node that answers it has taken, which is every node
 * when there is one storage node in the cluster (as designed: one per device).
 *
 * <p>Its state is guarded by the {@link StorageClient}'s lock ({@code lock}).
 */
final class AcceptedFrames {

  static final int SYNC_EVERY_FRAMES = 16;
  static final long SYNC_AFTER_MS = 1_000;

  private final Vertx vertx;
  private final FrameBus bus;
  private final HeldEvents held;
  private final Object lock;
  private List<InFlightFrame> unconfirmed = new ArrayList<>();
  private long syncTimer = -1;
  private long lost;

  AcceptedFrames(Vertx vertx, FrameBus bus, HeldEvents held, Object lock) {
    this.vertx = vertx;
    this.bus = bus;
    this.held = held;
    this.lock = lock;
  }

  void send(InFlightFrame flight) {
    if (flight.screenshot() != null) {
      sendAnswered(flight);
      return;
    }
    try {
      bus.sendUnanswered(flight);
    } catch (RuntimeException e) {
      // The bus refused it at once (no codec registered): nothing went out.
      lost += flight.size();
      bus.reportOutage("a fire-and-forget frame of " + flight.size() + " events was not sent", e);
      held.release(flight.size(), flight.bytes).run();
      return;
    }
    unconfirmed.add(flight);
    if (unconfirmed.size() >= SYNC_EVERY_FRAMES || held.halfFull()) {
      syncNow();
    } else if (syncTimer < 0) {
      syncTimer = vertx.setTimer(SYNC_AFTER_MS, id -> {
        synchronized (lock) {
          syncTimer = -1;
          syncNow();
        }
      });
    }
  }

  /** Asks storage to confirm every unconfirmed frame now. */
  void syncNow() {
    if (syncTimer >= 0) {
      vertx.cancelTimer(syncTimer);
      syncTimer = -1;
    }
    if (unconfirmed.isEmpty()) {
      return;
    }
    List<InFlightFrame> group = unconfirmed;
    unconfirmed = new ArrayList<>();
    int events = group.stream().mapToInt(InFlightFrame::size).sum();
    long bytes = group.stream().mapToLong(f -> f.bytes).sum();
    bus.sync().onComplete(ar -> {
      Runnable then;
      synchronized (lock) {
        if (ar.succeeded()) {
          bus.recovered();
          JsonObject counts = ar.result();
          held.refusedByStorage(counts.getLong("refused", 0L));
          long rejected = counts.getLong("rejected", 0L);
          if (rejected > 0) {
            lost += rejected;
            bus.reportOutage("storage rejected " + rejected + " events of this client's"
                + " fire-and-forget frames as invalid; its log says why");
          }
        } else {
          lost += events;
          bus.reportOutage(group.size() + " fire-and-forget frames (" + events + " events) were"
              + " not confirmed", ar.cause());
        }
        then = held.release(events, bytes);
      }
      then.run();
    });
  }

  /** A frame answered on its own as soon as storage has taken it. */
  private void sendAnswered(InFlightFrame flight) {
    bus.request(flight, false).onComplete(ar -> {
      Runnable then;
      synchronized (lock) {
        int n = flight.size();
        if (ar.succeeded()) {
          bus.recovered();
        } else if (FrameBus.isBackpressure(ar.cause())) {
          held.refusedByStorage(n);
        } else {
          lost += n;
          bus.reportOutage("a fire-and-forget frame of " + n + " events was not accepted", ar.cause());
        }
        then = held.release(n, flight.bytes);
      }
      then.run();
    });
  }

  /** Events whose frame no storage node accepted or confirmed in time, or that it rejected. */
  long lost() {
    return lost;
  }
}
