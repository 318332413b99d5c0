package dev.skellyjelly.storage.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.vertx.config.spi.ConfigProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Vert.x Config format {@code toml}: registered in
 * {@code META-INF/services/io.vertx.config.spi.ConfigProcessor}, so a {@code ConfigRetriever}
 * store with {@code format = "toml"} reads TOML. Parsing runs off the event loop; an empty file
 * is an empty object; a syntax error is a failed future carrying a {@link DecodeException}.
 */
public final class TomlConfigProcessor implements ConfigProcessor {

  private static final TomlMapper MAPPER = new TomlMapper();

  @Override
  public String name() {
    return "toml";
  }

  @Override
  public Future<JsonObject> process(Vertx vertx, JsonObject configuration, Buffer input) {
    if (input.length() == 0) {
      return Future.succeededFuture(new JsonObject());
    }
    return vertx.executeBlocking(() -> parse(input.toString()), false);
  }

  /** Parses TOML text into the JSON object Vert.x Config works with. */
  public static JsonObject parse(String toml) {
    try {
      Map<String, Object> map = MAPPER.readValue(toml, new TypeReference<Map<String, Object>>() { });
      return map == null ? new JsonObject() : new JsonObject(map);
    } catch (JsonProcessingException e) {
      throw new DecodeException("not valid TOML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")"), e);
    }
  }
}
