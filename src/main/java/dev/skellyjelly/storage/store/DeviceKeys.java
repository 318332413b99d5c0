package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.DecryptException;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A database's key material as it travels with its data to the shared replica: its data keys
 * <em>wrapped</em> under the key-encryption key (never in the clear), the current key's id, the
 * passphrase salt (null for a key file or key variable) and the device id its data is sealed
 * with. Any device holding the same key-encryption key turns it into {@link #crypto keys} that open
 * this device's blocks.
 *
 * <pre>
 * {"device": uuid, "current": id, "salt": base64 | null, "keys": {"id": base64(nonce ‖ wrapped key ‖ tag)}}
 * </pre>
 */
public record DeviceKeys(UUID device, int current, Map<Integer, String> wrapped, String salt) {

  public DeviceKeys {
    wrapped = Map.copyOf(wrapped);
  }

  /** This database's key material from its {@code settings}, or null when it is not encrypted. */
  public static DeviceKeys read(Connection c) throws SQLException {
    String current = Settings.get(c, DataKeys.CURRENT);
    if (current == null) {
      return null;
    }
    Map<Integer, String> wrapped = new TreeMap<>();
    Settings.withPrefix(c, DataKeys.WRAPPED).forEach((key, value) ->
        wrapped.put(Integer.parseInt(key.substring(DataKeys.WRAPPED.length())), value));
    return new DeviceKeys(Settings.deviceId(c, false), Integer.parseInt(current), wrapped,
        Settings.get(c, KekSource.SALT));
  }

  public JsonObject toJson() {
    JsonObject keys = new JsonObject();
    wrapped.forEach((id, value) -> keys.put(Integer.toString(id), value));
    return new JsonObject().put("device", device.toString()).put("current", current).put("salt", salt)
        .put("keys", keys);
  }

  /** The material {@link #toJson} wrote; a malformed one is an {@link IllegalArgumentException} naming what is wrong. */
  public static DeviceKeys fromJson(JsonObject json) {
    try {
      Map<Integer, String> wrapped = new TreeMap<>();
      json.getJsonObject("keys").forEach(e -> wrapped.put(Integer.parseInt(e.getKey()), (String) e.getValue()));
      return new DeviceKeys(UUID.fromString(json.getString("device")), json.getInteger("current"), wrapped,
          json.getString("salt"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed key material (" + e.getMessage() + "): " + json.fieldNames());
    }
  }

  /**
   * Read-only keys for this device's blocks under the local {@code [encryption]} key source (a
   * passphrase is derived with this device's salt: slow, call off the event loop).
   *
   * @throws DecryptException naming the device when the local key does not unwrap its data keys
   *     or encryption is off here
   */
  public BlockCrypto crypto(StorageConfig.Encryption config) throws DecryptException {
    if (!config.enabled()) {
      throw new DecryptException("device " + device + " encrypts its data and [encryption] is disabled here;"
          + " enable it with the key-encryption key the devices share");
    }
    byte[] kek;
    try {
      kek = EncryptionAtRest.keyEncryptionKey(config, salt == null ? null : Base64.getDecoder().decode(salt));
    } catch (ConfigException e) {
      throw new DecryptException("cannot read the blocks of device " + device + ": " + e.getMessage());
    }
    Map<Integer, byte[]> sealedKeys = new TreeMap<>();
    wrapped.forEach((id, value) -> sealedKeys.put(id, Base64.getDecoder().decode(value)));
    try {
      return BlockCrypto.forDevice(device, current, sealedKeys, kek);
    } catch (DecryptException e) {
      throw new DecryptException("the " + config.source() + " does not unwrap the data keys of device " + device
          + " (" + e.getMessage() + "); it was encrypted under another key-encryption key: configure the key"
          + " the devices share");
    }
  }
}
