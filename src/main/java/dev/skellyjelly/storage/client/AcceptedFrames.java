package dev.skellyjelly.storage.client;

/**
 * Fire-and-forget frames: each is a request storage answers as soon as it has accepted the
 * events, which is how the client knows what it may stop holding. A frame storage refuses
 * (BACKPRESSURE) counts as refused; one no storage node accepted in time counts as lost.
 *
 * <p>Its state is guarded by the {@link StorageClient}'s lock ({@code lock}).
 */
final class AcceptedFrames {

  private final FrameBus bus;
  private final HeldEvents held;
  private final Object lock;
  private long lost;

  AcceptedFrames(FrameBus bus, HeldEvents held, Object lock) {
    this.bus = bus;
    this.held = held;
    this.lock = lock;
  }

  void send(InFlightFrame flight) {
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

  /** Events whose frame no storage node accepted in time. */
  long lost() {
    return lost;
  }
}
