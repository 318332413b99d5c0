package dev.skellyjelly.storage.cli;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** Lets tests in other packages read what the stats command prints. */
public final class StatsAccess {
  private StatsAccess() {
  }

  public static JsonObject stats(Path db) throws Exception {
    return StoreCommands.StatsCommand.stats(db);
  }
}
