package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.StorageModule;
import dev.skellyjelly.storage.config.StorageConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;

/**
 * A standalone process around the module: a {@link Vertx} with Micrometer/Prometheus metrics,
 * the module deployed into it, and an orderly stop. The composition root of the launcher.
 */
final class ModuleHost implements AutoCloseable {

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final StorageModule module;

  private ModuleHost(Vertx vertx, MeterRegistry registry, StorageModule module) {
    this.vertx = vertx;
    this.registry = registry;
    this.module = module;
  }

  /**
   * Vert.x with Micrometer/Prometheus. Vert.x's own per-address event-bus meters cost about a
   * microsecond per message (a meter lookup and a gauge registration each time): at 300,000
   * events/s that is a fifth of the ingest budget, so they are off unless
   * {@code http.vertx_event_bus_metrics} turns them on. The module's own counters cover events.
   */
  static VertxOptions vertxOptions(StorageConfig config) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
    if (!config.http().vertxEventBusMetrics()) {
      metrics.addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    }
    return new VertxOptions().setMetricsOptions(metrics);
  }

  /** Vert.x's options for a clustered process: {@link #vertxOptions} with its event-loop count. */
  static VertxOptions clusteredOptions(StorageConfig config) {
    VertxOptions options = vertxOptions(config);
    if (config.cluster().eventLoopThreads() > 0) {
      options.setEventLoopPoolSize(config.cluster().eventLoopThreads());
    }
    return options;
  }

  /**
   * Starts Vert.x (clustered when cluster.enabled) and deploys the module; blocks until up.
   * Clustered, it has {@code cluster.event_loop_threads} event loops (one by default): a message
   * from another process is read on the event loop of its connection, and the receiver takes it on
   * its own; on one thread that is one wake-up per frame instead of two.
   */
  static ModuleHost start(StorageConfig config) {
    PrometheusMeterRegistry registry = newRegistry();
    Vertx vertx = config.cluster().enabled()
        ? ClusterNode.start(config.cluster(), clusteredOptions(config),
            b -> b.withMetrics(new MicrometerMetricsFactory(registry)))
        : Vertx.builder().with(vertxOptions(config))
            .withMetrics(new MicrometerMetricsFactory(registry)).build();
    return deployInto(vertx, config, registry);
  }

  /**
   * The Prometheus registry, without the few JVM meters whose names break Prometheus naming
   * rules (abbreviated units, a {@code _count} gauge) so {@code promtool check metrics} passes.
   */
  static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.deny(id -> switch (id.getName()) {
      case "jvm.compilation.time", "process.cpu.time", "system.cpu.count" -> true;
      default -> false;
    }));
    return registry;
  }

  static ModuleHost deployInto(Vertx vertx, StorageConfig config, MeterRegistry registry) {
    try {
      StorageModule module = StorageModule.deploy(vertx, config, registry).await();
      return new ModuleHost(vertx, registry, module);
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }

  Vertx vertx() {
    return vertx;
  }

  MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text of every meter, for tools that print figures. */
  String scrape() {
    return registry instanceof PrometheusMeterRegistry p ? p.scrape() : "";
  }

  /**
   * Undeploys the module (window emitted, buffer committed), then closes Vert.x — waiting at
   * most {@link PeerNode#LEAVE_SECONDS} for that, since leaving a cluster has been seen to hang.
   */
  @Override
  public void close() {
    try {
      module.undeploy().await();
    } finally {
      PeerNode.leave(vertx);
    }
  }
}
