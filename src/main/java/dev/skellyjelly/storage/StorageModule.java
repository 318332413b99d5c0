package dev.skellyjelly.storage;

import dev.skellyjelly.storage.bus.LocalCodec;
import dev.skellyjelly.storage.time.StorageClock;

import dev.skellyjelly.storage.batch.BatcherVerticle;
import dev.skellyjelly.storage.bus.WindowClosed;
import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.Codecs;
import dev.skellyjelly.storage.status.ModuleStatus;
import dev.skellyjelly.storage.http.HttpVerticle;
import dev.skellyjelly.storage.status.StatusVerticle;
import dev.skellyjelly.storage.metrics.StorageMetrics;
import dev.skellyjelly.storage.store.DiskGuardVerticle;
import dev.skellyjelly.storage.store.QueryVerticle;
import dev.skellyjelly.storage.bus.IngestChunk;
import dev.skellyjelly.storage.receive.ReceiverVerticle;
import dev.skellyjelly.storage.replicate.ReplicationVerticle;
import dev.skellyjelly.storage.replicate.SharedQueryVerticle;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.screenshot.ScreenshotVerticle;
import dev.skellyjelly.storage.store.WriterVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The module's entry point for embedding: deploys its verticles into an existing {@link Vertx}
 * and undeploys them cleanly.
 *
 * <pre>{@code
 * StorageModule.deploy(vertx, StorageConfig.fromJson(json), registry)
 *     .onSuccess(module -> ...);   // later: module.undeploy()
 * }</pre>
 *
 * Verticles are deployed in data-flow order from the end: writer, batcher, screenshot handler,
 * and the receiver last, so nothing is accepted before every stage is ready. If one fails to
 * deploy, those already deployed are undeployed again. Undeploy runs in reverse: the receiver
 * hands on what it holds, the batcher emits the open window, and the writer commits everything
 * before the database closes.
 */
public final class StorageModule {

  private static final Logger LOG = LoggerFactory.getLogger(StorageModule.class);

  private final Vertx vertx;
  private final Deque<String> deployed = new ArrayDeque<>();
  private final ModuleStatus status = new ModuleStatus();

  private StorageModule(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Deploys with the system clock. */
  public static Future<StorageModule> deploy(Vertx vertx, StorageConfig config, MeterRegistry registry) {
    return deploy(vertx, config, registry, StorageClock.SYSTEM);
  }

  public static Future<StorageModule> deploy(Vertx vertx, StorageConfig config,
      MeterRegistry registry, StorageClock clock) {
    registerCodecs(vertx.eventBus());
    StorageMetrics metrics = new StorageMetrics(registry, config.writeInterval());
    StorageModule module = new StorageModule(vertx);
    List<Stage> stages = new ArrayList<>();
    stages.add(new Stage(() -> new WriterVerticle(config, metrics, clock), true));
    if (config.postgres().enabled()) {
      // Right after the writer: undeployed just before it, once the batcher's last window is
      // committed, so a clean stop can wait for PostgreSQL to catch up.
      stages.add(new Stage(() -> new ReplicationVerticle(config, registry, clock), false));
      stages.add(new Stage(() -> new SharedQueryVerticle(config), false));
    }
    stages.add(new Stage(() -> new BatcherVerticle(config, metrics, clock), false));
    stages.add(new Stage(() -> new ScreenshotVerticle(config, metrics, clock), false));
    stages.add(new Stage(() -> new DiskGuardVerticle(config, registry), false));
    stages.add(new Stage(() -> new QueryVerticle(config, metrics), false));
    stages.add(new Stage(() -> new ReceiverVerticle(config, metrics), false));
    stages.add(new Stage(() -> new StatusVerticle(config, registry, module.status), false));
    if (config.http().enabled()) {
      stages.add(new Stage(() -> new HttpVerticle(config, registry), false));
    }
    return module.deployInOrder(stages, 0)
        .onSuccess(v -> module.status.deployed(true))
        .map(module)
        .recover(err -> module.undeploy().transform(ignored -> Future.failedFuture(err)));
  }

  private record Stage(Supplier<Deployable> verticle, boolean worker) {
  }

  private Future<Void> deployInOrder(List<Stage> stages, int index) {
    if (index == stages.size()) {
      return Future.succeededFuture();
    }
    Stage stage = stages.get(index);
    DeploymentOptions options = new DeploymentOptions();
    if (stage.worker()) {
      options.setThreadingModel(ThreadingModel.WORKER);
    }
    Deployable verticle = stage.verticle().get();
    return vertx.deployVerticle(verticle, options)
        .onSuccess(deployed::push)
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot deploy "
            + verticle.getClass().getSimpleName() + ": " + err.getMessage(), err)))
        .compose(id -> deployInOrder(stages, index + 1));
  }

  /** Undeploys every verticle, newest first; each waits for the one before it. */
  public Future<Void> undeploy() {
    status.deployed(false);
    if (deployed.isEmpty()) {
      return Future.succeededFuture();
    }
    String id = deployed.pop();
    return vertx.undeploy(id)
        .recover(err -> {
          LOG.error("undeploying " + id + " failed: " + err.getMessage(), err);
          return Future.succeededFuture();
        })
        .compose(v -> undeploy());
  }

  /** The public codecs (if the host has not registered them yet) and the internal ones. */
  private static void registerCodecs(EventBus bus) {
    try {
      Codecs.registerAll(bus);
    } catch (IllegalStateException alreadyRegistered) {
      // The embedding application registered the public codecs itself, as a producer must.
      LOG.debug("event codecs already registered: " + alreadyRegistered.getMessage());
    }
    try {
      LocalCodec.register(bus, IngestChunk.class);
      LocalCodec.register(bus, WindowRecord.class);
      LocalCodec.register(bus, WindowClosed.class);
      LocalCodec.register(bus, ScreenshotMetadata.class);
      LocalCodec.register(bus, dev.skellyjelly.storage.bus.MaskingRecorded.class);
      LocalCodec.register(bus, dev.skellyjelly.storage.event.ScreenshotId.class);
    } catch (IllegalStateException alreadyRegistered) {
      // A module deployed before on this Vertx registered them; they are stateless.
      LOG.debug("internal codecs already registered: " + alreadyRegistered.getMessage());
    }
  }
}
