package dev.skellyjelly.storage.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.function.Function;

/**
 * One page of the rows of a table in [from, to) of its time column, ordered by its key — the
 * time, in the shared store the device, then the row's id — after the cursor of the previous
 * page (the key's values joined by ':'). A bounded query: at most one row more than the page is
 * read, to know whether another page follows.
 */
final class KeyedPage {

  private final SqlDialect dialect;
  private final String table;
  private final String timeColumn;
  private final String idColumn;

  KeyedPage(SqlDialect dialect, String table, String timeColumn, String idColumn) {
    this.dialect = dialect;
    this.table = table;
    this.timeColumn = timeColumn;
    this.idColumn = idColumn;
  }

  /** The number of key columns each row starts with (time, [device,] id). */
  int keyColumns() {
    return dialect.sharedByDevices() ? 3 : 2;
  }

  /**
   * The page asked for by {@code q} (from, to, cursor, limit) of {@code columns} after the key
   * columns, each row mapped to JSON, in {@code field}; {@code next} is the cursor of the page's
   * last row when more follow, else null.
   */
  Future<JsonObject> read(ReadSession session, JsonObject q, String columns, String field,
      Function<Tuple, JsonObject> mapper) {
    long from = QueryParameters.micros(q, "from");
    long to = QueryParameters.micros(q, "to");
    int limit = QueryParameters.limit(q);
    int keyColumns = keyColumns();
    String key = timeColumn + (keyColumns == 3 ? ", device_id, " : ", ") + idColumn;
    Tuple args = Tuple.of(from, to);
    String after = "";
    String cursor = q.getString("cursor");
    if (cursor != null) {
      after = " AND (" + key + ") > (" + (keyColumns == 3 ? "?, ?, ?" : "?, ?") + ")";
      bindCursor(cursor, args);
    }
    args.addValue(limit + 1);
    String sql = "SELECT " + key + ", " + columns + " FROM " + table + " WHERE " + timeColumn + " >= ? AND "
        + timeColumn + " < ?" + after + " ORDER BY " + key + " LIMIT ?";
    JsonArray out = new JsonArray();
    String[] cursors = new String[2]; // the page's last row's, and the next page's once a row beyond exists
    return session.visit(sql, args, r -> {
      if (out.size() == limit) {
        cursors[1] = cursors[0];
        return false;
      }
      out.add(mapper.apply(r));
      cursors[0] = cursorOf(r);
      return true;
    }).map(v -> new JsonObject().put(field, out).put("next", cursors[1]));
  }

  private void bindCursor(String cursor, Tuple args) {
    String[] p = cursor.split(":");
    try {
      if (p.length != keyColumns()) {
        throw new IllegalArgumentException("wrong number of parts");
      }
      args.addValue(Long.parseLong(p[0]));
      for (int i = 1; i < p.length; i++) {
        args.addValue(dialect.uuid(UUID.fromString(p[i])));
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("parameter 'cursor' = '" + cursor + "' is not one "
          + dialect.cursorOrigin() + " returned");
    }
  }

  private String cursorOf(Tuple r) {
    StringBuilder k = new StringBuilder().append(r.getLong(0));
    for (int i = 1; i < keyColumns(); i++) {
      k.append(':').append(dialect.uuid(r, i));
    }
    return k.toString();
  }
}
