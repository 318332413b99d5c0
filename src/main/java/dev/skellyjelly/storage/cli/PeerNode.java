package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.client.StorageClient;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.retry.RetryBackoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A demo peer (capture or analysis) on the cluster: its own Vert.x with only the codecs. */
final class PeerNode {
  private PeerNode() {
  }

  /** Joins the cluster described by the config file's [cluster] table. */
  static Vertx join(Path configFile, boolean cluster, String command) {
    if (!cluster) {
      throw new UsageException(command + " is a separate process that reaches the module over"
          + " the clustered event bus: pass --cluster");
    }
    var json = ConfigFiles.loadJson(configFile);
    ConfigFiles.table(json, "cluster").put("enabled", true);
    StorageConfig config = StorageConfig.fromJson(json);
    Vertx vertx = ClusterNode.start(config.cluster(), new VertxOptions(), b -> b);
    StorageClient.registerCodecs(vertx);
    return vertx;
  }

  /**
   * Leaves the cluster, waiting at most {@link #LEAVE_SECONDS}: Hazelcast's shutdown has been
   * seen to hang for minutes, and a command that has printed its result must still exit.
   */
  static void leave(Vertx vertx) {
    try {
      vertx.close().await(LEAVE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      System.err.println("leaving the cluster took over " + LEAVE_SECONDS + " s; exiting anyway");
    }
  }

  static final long LEAVE_SECONDS = 8;

  /** Asks {@code storage.health} until a storage node answers (or {@code timeoutMs} passes). */
  static Future<Void> awaitStorage(Vertx vertx, long timeoutMs) {
    Promise<Void> found = Promise.promise();
    RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1),
        Duration.ofMillis(timeoutMs), RetryBackoff::randomBelow);
    ask(vertx, found, backoff, 1, System.nanoTime());
    return found.future();
  }

  private static void ask(Vertx vertx, Promise<Void> found, RetryBackoff backoff, int attempt, long startNanos) {
    vertx.eventBus().request(Addresses.HEALTH, null, new DeliveryOptions().setSendTimeout(2000))
        .onSuccess(r -> found.tryComplete())
        .onFailure(err -> {
          long delay = backoff.nextDelayMs(attempt, (System.nanoTime() - startNanos) / 1_000_000);
          if (delay < 0) {
            found.tryFail("no storage node answered on " + Addresses.HEALTH + " within "
                + backoff.horizon().toMillis() + " ms (" + attempt + " attempts; last: " + err.getMessage()
                + "); start one with launcher/storage run --cluster");
          } else {
            vertx.setTimer(delay, t -> ask(vertx, found, backoff, attempt + 1, startNanos));
          }
        });
  }
}
