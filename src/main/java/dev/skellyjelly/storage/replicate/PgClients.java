package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;

/** The PostgreSQL pool of the {@code [postgres]} table. Connects lazily: building it never fails on a down server. */
public final class PgClients {

  private PgClients() {
  }

  /** Reads {@code password_file} if set, so call it off the event loop. */
  public static Pool pool(Vertx vertx, StorageConfig.Postgres pg) {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(pg.host()).setPort(pg.port()).setDatabase(pg.database()).setUser(pg.user())
        .setPassword(password(pg))
        .setSslMode(SslMode.of(pg.sslMode().toLowerCase(Locale.ROOT)))
        .setPipeliningLimit(256)
        .setReconnectAttempts(0)
        // "already exists, skipping" notices of idempotent DDL are not worth a log line each
        .addProperty("client_min_messages", "warning")
        .addProperty("application_name", "skelly-jelly-storage");
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(pg.poolSize()).setConnectionTimeout(10))
        .with(new NetClientOptions().setConnectTimeout(5_000))
        .connectingTo(options).using(vertx).build();
  }

  static String password(StorageConfig.Postgres pg) {
    if (pg.passwordFile() == null) {
      return pg.password();
    }
    try {
      return Files.readAllLines(pg.passwordFile()).stream().findFirst().orElse("").trim();
    } catch (IOException e) {
      throw new ConfigException("postgres.password_file = \"" + pg.passwordFile() + "\" cannot be read ("
          + e.getMessage() + "); make it readable by this user or set postgres.password");
    }
  }
}
