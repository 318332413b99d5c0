package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * What differs between the two back ends the query service reads through {@link ReadPool}: the
 * local SQLite file ({@link SqliteReadPool}) and the shared PostgreSQL store
 * ({@code vertx-pg-client}). Statements are written once with {@code ?} placeholders; the
 * dialect renders them, binds and reads identifiers in the back end's form, and tells which
 * failure is a statement stopped at its deadline.
 */
public enum SqlDialect {

  /** The local store: UUIDs are 16-byte BLOBs. */
  SQLITE {
    @Override
    public String sql(String text) {
      return text;
    }

    @Override
    public boolean sharedByDevices() {
      return false;
    }

    @Override
    public String cursorOrigin() {
      return "this module";
    }

    @Override
    public Object uuid(UUID id) {
      return Uuids.toBytes(id);
    }

    @Override
    public UUID uuid(Tuple row, int column) {
      return Uuids.fromBytes(bytes(row, column));
    }

    @Override
    public boolean interrupted(Throwable failure) {
      return failure instanceof org.sqlite.SQLiteException e
          && e.getResultCode() == org.sqlite.SQLiteErrorCode.SQLITE_INTERRUPT;
    }
  },

  /** The shared store: native uuid columns. */
  POSTGRES {
    @Override
    public boolean sharedByDevices() {
      return true;
    }

    @Override
    public String cursorOrigin() {
      return "a scope=all query";
    }

    @Override
    public String sql(String text) {
      StringBuilder out = new StringBuilder(text.length() + 16);
      boolean quoted = false;
      int n = 0;
      for (int i = 0; i < text.length(); i++) {
        char ch = text.charAt(i);
        if (ch == '\'') {
          quoted = !quoted;
        }
        if (ch == '?' && !quoted) {
          out.append('$').append(++n);
        } else {
          out.append(ch);
        }
      }
      return out.toString();
    }

    @Override
    public Object uuid(UUID id) {
      return id;
    }

    @Override
    public UUID uuid(Tuple row, int column) {
      return row.getUUID(column);
    }

    @Override
    public boolean interrupted(Throwable failure) {
      return failure instanceof io.vertx.pgclient.PgException e && "57014".equals(e.getSqlState()); // query_canceled
    }
  };

  /** {@code text} with its {@code ?} placeholders in this back end's form ({@code $1, $2, …} for PostgreSQL). */
  public abstract String sql(String text);

  /**
   * Whether rows carry a {@code device_id} (the shared store holds every device's rows in the
   * same tables): it joins the keys of pages and aggregates are summed over it.
   */
  public abstract boolean sharedByDevices();

  /** Who issues this back end's cursors, for the error naming a cursor that is not one. */
  public abstract String cursorOrigin();

  /** A UUID as this back end stores and binds it. */
  public abstract Object uuid(UUID id);

  /** The UUID in {@code column} of {@code row}. */
  public abstract UUID uuid(Tuple row, int column);

  /** Whether {@code failure} is a statement this back end stopped at its deadline. */
  public abstract boolean interrupted(Throwable failure);

  /**
   * The bytes of a BLOB / bytea column (null stays null). SQLite types values, not columns: the
   * local session hands over what the value is, so a damaged payload stored as TEXT still reaches
   * the decoder (which then names the block) as its bytes.
   */
  public static byte[] bytes(Tuple row, int column) {
    Object value = row.getValue(column);
    if (value instanceof Buffer b) {
      return b.getBytes();
    }
    if (value instanceof byte[] b) {
      return b;
    }
    return value == null ? null : value.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Whether the value in {@code column} is bytes (a sealed text column holds bytes, a plain one text). */
  public static boolean holdsBytes(Tuple row, int column) {
    Object value = row.getValue(column);
    return value instanceof Buffer || value instanceof byte[];
  }
}
