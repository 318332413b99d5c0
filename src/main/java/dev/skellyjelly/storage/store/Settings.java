package dev.skellyjelly.storage.store;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** The module's own marks in the {@code settings} table (schema 3): never user data. */
public final class Settings {

  private static final String DEVICE_ID = "device_id";
  /** Key of the mark {@code demo} writes into databases it created: it may replace those. */
  public static final String CREATED_BY = "created_by";
  public static final String CREATED_BY_DEMO = "demo";

  private Settings() {
  }

  /** The value of {@code key}, or null. */
  public static String get(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Every key starting with {@code prefix}, with its value. */
  public static java.util.Map<String, String> withPrefix(Connection c, String prefix) throws SQLException {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT key, value FROM settings WHERE key >= ? AND key < ?")) {
      ps.setString(1, prefix);
      ps.setString(2, prefix + '\uffff');
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  /** Sets {@code key} (in the caller's transaction, if any). */
  public static void put(Connection c, String key, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO settings (key, value) VALUES (?, ?)"
        + " ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  /**
   * Applies {@code {"set": {k: v}, "setIfAbsent": {k: v}}} in one transaction on the writer's
   * connection (what {@code WRITE_SETTINGS} asks) and returns the stored value of every key named,
   * so a caller learns which value a {@code setIfAbsent} kept.
   */
  public static JsonObject apply(Connection c, JsonObject request) throws SQLException {
    JsonObject set = request.getJsonObject("set", new JsonObject());
    JsonObject ifAbsent = request.getJsonObject("setIfAbsent", new JsonObject());
    Transactions.immediate(c, st -> {
      for (String key : set.fieldNames()) {
        put(c, key, String.valueOf(set.getValue(key)));
      }
      for (String key : ifAbsent.fieldNames()) {
        if (get(c, key) == null) {
          put(c, key, String.valueOf(ifAbsent.getValue(key)));
        }
      }
    });
    JsonObject stored = new JsonObject();
    for (String key : set.fieldNames()) {
      stored.put(key, get(c, key));
    }
    for (String key : ifAbsent.fieldNames()) {
      stored.put(key, get(c, key));
    }
    return stored;
  }

  /** This database's device id: generated once by the writer, kept for good. */
  public static UUID deviceId(Connection c, boolean create) throws SQLException {
    String id = get(c, DEVICE_ID);
    if (id == null && create) {
      id = UUID.randomUUID().toString();
      put(c, DEVICE_ID, id);
    }
    return id == null ? new UUID(0, 0) : UUID.fromString(id);
  }
}
