package dev.skellyjelly.storage.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.config.ConfigException;
import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrivacyConfigTest {

  private static StorageConfig withPrivacy(JsonObject privacy) {
    return StorageConfig.fromJson(new JsonObject().put("privacy", privacy));
  }

  @Test
  void defaultsMaskWithOneWorkerAndATwoSecondDeadline() {
    StorageConfig.Privacy p = withPrivacy(new JsonObject()).privacy();
    assertEquals(Duration.ofMillis(2000), p.maskDeadline());
    assertEquals(1, p.maskWorkers());
    assertEquals(4, p.maskMarginPx());
    assertEquals(List.of(), p.maskPatterns());
    assertEquals("eng", p.ocrLanguage());
  }

  @Test
  void everyBadPatternIsNamedWithItsIndexAndWhy() {
    ConfigException e = assertThrows(ConfigException.class, () -> withPrivacy(new JsonObject()
        .put("mask_patterns", new JsonArray().add("project\\s+falcon").add("(unclosed").add(""))
        .put("mask_titles", new JsonArray().add("[a-"))));
    String m = e.getMessage();
    assertTrue(m.contains("privacy.mask_patterns[1] = \"(unclosed\""), m);
    assertTrue(m.contains("Unclosed group"), m);
    assertTrue(m.contains("privacy.mask_patterns[2]"), m);
    assertTrue(m.contains("privacy.mask_titles[0] = \"[a-\""), m);
    assertTrue(!m.contains("mask_patterns[0]"), "the good pattern is not reported: " + m);
  }

  @Test
  void patternsAreCaseInsensitiveAndASingleStringIsOnePattern() {
    StorageConfig.Privacy p = withPrivacy(new JsonObject()
        .put("mask_apps", "keepass").put("mask_titles", new JsonArray().add("Bank"))).privacy();
    MaskRules rules = MaskRules.of(p);
    assertEquals(PiiKind.APP, rules.wholeScreen("KeePassXC", "x").orElseThrow());
    assertEquals(PiiKind.TITLE, rules.wholeScreen("firefox", "My BANK — online").orElseThrow());
  }

  @Test
  void unknownKeysAndBadNumbersAreRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> withPrivacy(new JsonObject()
        .put("mask_deadline", 5).put("mask_workers", 0)));
    assertTrue(e.getMessage().contains("privacy.mask_deadline is not a known key"), e.getMessage());
    assertTrue(e.getMessage().contains("privacy.mask_workers = 0"), e.getMessage());
  }
}
