package dev.skellyjelly.storage.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;

/** The day tables of event blocks a reader sees, with their merge generations. */
final class BlockTables {

  private BlockTables() {
  }

  /**
   * Every block table present, oldest first, with its merge generation (how many merges have
   * changed it; 0: none), in one statement of the caller's snapshot.
   */
  static Future<Map<String, Long>> withGenerations(ReadSession session) {
    return session.select("SELECT m.name, s.value FROM sqlite_master m LEFT JOIN settings s"
        + " ON s.key = '" + BlockMerger.GENERATION_KEY_PREFIX + "' || m.name"
        + " WHERE m.type = 'table' AND m.name GLOB '" + Schema.BLOCK_TABLE_GLOB + "' ORDER BY m.name")
        .map(rows -> {
          Map<String, Long> out = new LinkedHashMap<>();
          for (Tuple r : rows) {
            out.put(r.getString(0), r.getValue(1) == null ? 0L : Long.parseLong(r.getValue(1).toString()));
          }
          return out;
        });
  }
}
