package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.crypto.DecryptException;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.BlockCodec;
import dev.skellyjelly.storage.store.BlockCrypto;
import dev.skellyjelly.storage.store.BlockDecryptException;
import dev.skellyjelly.storage.store.DeviceBlocks;
import dev.skellyjelly.storage.store.DeviceKeys;
import dev.skellyjelly.storage.store.ReadSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The codecs that open each device's sealed blocks on the reading side, built from the wrapped
 * data keys in {@code devices.data_keys} and the local {@code [encryption]} key source. Cached per
 * device and rebuilt only when its key material changed (unwrapping, and for a passphrase Argon2id,
 * runs on a worker). Event-loop confined.
 */
final class DeviceCryptos implements DeviceBlocks {

  /** A device's codec, or why its sealed blocks cannot be opened here. */
  record Opener(BlockCodec codec, String error) {
  }

  private record Cached(String material, Opener opener) {
  }

  private static final BlockCodec PLAIN = new BlockCodec();

  private final Vertx vertx;
  private final StorageConfig.Encryption config;
  private final Map<UUID, Cached> cache = new HashMap<>();

  DeviceCryptos(Vertx vertx, StorageConfig.Encryption config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Every encrypted device's opener, current as of {@code c}'s snapshot of {@code devices}. */
  Future<Map<UUID, Opener>> current(SqlConnection c) {
    return openers(SharedReadPool.session(c));
  }

  @Override
  public Future<DeviceBlocks.Opener> current(ReadSession session) {
    return openers(session).map(openers -> (device, s, firstSeq, lastSeq, payload)
        -> decode(openers, device, s, firstSeq, lastSeq, payload));
  }

  /** Every encrypted device's opener, current as of the session's snapshot of {@code devices}. */
  private Future<Map<UUID, Opener>> openers(ReadSession session) {
    return session.select("SELECT device_id, data_keys::text FROM devices WHERE data_keys IS NOT NULL")
        .compose(rows -> {
          Map<UUID, Opener> out = new HashMap<>();
          List<Future<?>> building = new ArrayList<>();
          for (Tuple r : rows) {
            UUID device = r.getUUID(0);
            String material = r.getString(1);
            Cached cached = cache.get(device);
            if (cached != null && cached.material().equals(material)) {
              out.put(device, cached.opener());
              continue;
            }
            building.add(vertx.executeBlocking(() -> open(device, material), false).onSuccess(opener -> {
              cache.put(device, new Cached(material, opener));
              out.put(device, opener);
            }));
          }
          return Future.all(building).map(out);
        });
  }

  /**
   * A block's events: a sealed one is opened with its device's opener and its identity (session
   * and sequence range); a plaintext one decodes as it is.
   */
  static List<RawEvent> decode(Map<UUID, Opener> openers, UUID device, UUID session, long firstSeq, long lastSeq,
      byte[] payload) {
    if (BlockCodec.format(payload) != BlockCrypto.SEALED) {
      return PLAIN.decode(payload, session);
    }
    Opener opener = openers.get(device);
    if (opener == null) {
      throw new BlockDecryptException("it is encrypted on its device, which has shipped no key material"
          + " (a build older than this one); upgrade that device's storage module");
    }
    if (opener.codec() == null) {
      throw new BlockDecryptException(opener.error());
    }
    return opener.codec().decode(payload, session, firstSeq, lastSeq);
  }

  private Opener open(UUID device, String material) {
    try {
      return new Opener(new BlockCodec(DeviceKeys.fromJson(new JsonObject(material)).crypto(config)), null);
    } catch (DecryptException e) {
      return new Opener(null, e.getMessage());
    } catch (RuntimeException e) {
      return new Opener(null, "the key material of device " + device + " in PostgreSQL cannot be read: "
          + e.getMessage());
    }
  }
}
