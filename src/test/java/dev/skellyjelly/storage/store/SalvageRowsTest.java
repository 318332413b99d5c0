package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skellyjelly.storage.TestSupport;
import dev.skellyjelly.storage.bus.MaskingRecorded;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import dev.skellyjelly.storage.bus.ScreenshotStorage;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A salvage keeps what the rows it copies say, masking results included. */
class SalvageRowsTest {

  @TempDir
  Path dir;

  @Test
  void aSalvagedScreenshotRowKeepsItsMaskingResultsAndTextDensity() throws Exception {
    Path db = dir.resolve("db/events.db");
    ScreenshotId id = ScreenshotId.random();
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      store.stageScreenshot(new ScreenshotMetadata(id, 5_000_000L, UUID.randomUUID(), 1, "Inbox", "mail",
          new ScreenRegion(0, 0, 10, 10), 10, 10, ImageFormat.PNG, 100, ScreenshotStorage.MEMORY, 0.5, 3,
          List.of("#ffffff"), false, null));
      store.stageMasking(new MaskingRecorded(id, 2, "card,email", 0.25));
      store.commit();
    }
    Salvage.quarantineAndSalvage(db, "test", Instant.now(), EncryptionAtRest.OFF);
    assertEquals(1, TestSupport.queryLong(db, "SELECT count(*) FROM screenshot_metadata WHERE masked_regions = 2"
        + " AND masked_kinds = 'card,email' AND text_density = 0.25 AND ui_element_count = 3"));
  }
}
