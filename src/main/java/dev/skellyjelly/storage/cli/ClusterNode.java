package dev.skellyjelly.storage.cli;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.nio.file.Files;

/**
 * Starts a clustered Vert.x on Hazelcast with the member configuration of
 * {@code cluster.hazelcast_config} (a path relative to the working directory; the launcher runs
 * from the repository root) and the event bus bound to {@code cluster.host}.
 */
final class ClusterNode {
  private ClusterNode() {
  }

  static Vertx start(StorageConfig.Cluster cluster, VertxOptions options,
      java.util.function.UnaryOperator<VertxBuilder> extra) {
    if (!Files.isRegularFile(cluster.hazelcastConfig())) {
      throw new ConfigException("cluster.hazelcast_config = " + cluster.hazelcastConfig()
          + " does not exist: point it at a Hazelcast XML file such as conf/cluster.xml");
    }
    // Before Hazelcast starts, or it logs through java.util.logging instead of SLF4J.
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config hazelcast;
    try {
      hazelcast = new FileSystemXmlConfig(cluster.hazelcastConfig().toFile());
    } catch (FileNotFoundException | RuntimeException e) {
      throw new ConfigException("cannot read Hazelcast config " + cluster.hazelcastConfig() + ": "
          + e.getMessage(), e);
    }
    // Only members with the same name join: two clusters on one host never mix their events.
    hazelcast.setClusterName(cluster.name());
    options.getEventBusOptions()
        .setHost(cluster.host())
        .setPort(cluster.port())
        .setClusterPublicHost(cluster.publicHost());
    VertxBuilder builder = Vertx.builder().with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast));
    return extra.apply(builder).buildClustered().await();
  }
}
