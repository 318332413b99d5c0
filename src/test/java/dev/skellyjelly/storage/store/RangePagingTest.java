package dev.skellyjelly.storage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skellyjelly.storage.bus.WindowRecord;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.bus.ScreenshotMetadata;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows and screenshot metadata page with a cursor: every row once, however many. */
class RangePagingTest {

  private static final long T0 = 1_794_301_200_000_000L;

  @TempDir
  Path dir;

  /** Every row of the range, following {@code next} with pages of {@code limit}. */
  private static List<JsonObject> all(QueryFixture c, String type, String field, int limit, List<Integer> pageSizes)
      throws Exception {
    List<JsonObject> rows = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = c.run(new JsonObject().put("type", type).put("from", T0)
          .put("to", T0 + 3_600_000_000L).put("limit", limit).put("cursor", cursor));
      JsonArray got = page.getJsonArray(field);
      pageSizes.add(got.size());
      got.forEach(o -> rows.add((JsonObject) o));
      cursor = page.getString("next");
    } while (cursor != null);
    return rows;
  }

  @Test
  void windowsAndScreenshotsPageWithACursorPastTheFirstPage() throws Exception {
    Path db = dir.resolve("events.db");
    try (EventStore store = EventStore.open(db, "NORMAL")) {
      for (int i = 0; i < 25; i++) {
        long start = T0 + (i / 2) * 30_000_000L; // pairs share a start: the id breaks the tie
        store.stageWindow(new WindowRecord(UUID.randomUUID(), start, start + 30_000_000L, i, Map.of(), List.of()));
        store.stageScreenshot(new ScreenshotMetadata(ScreenshotId.random(), start, UUID.randomUUID(), i,
            "title " + i, "app", new ScreenRegion(0, 0, 10, 10), 10, 10, ImageFormat.PNG, 100, dev.skellyjelly.storage.bus.ScreenshotStorage.MEMORY,
            null, null, List.of(), false, null));
      }
      store.commit();
    }
    try (QueryFixture c = QueryFixture.open(db)) {
      for (String[] kind : new String[][] {{"windows", "windows", "windowId", "startMicros"},
          {"screenshots", "screenshots", "id", "timestampMicros"}}) {
        List<Integer> pages = new ArrayList<>();
        List<JsonObject> rows = all(c, kind[0], kind[1], 10, pages);
        assertEquals(List.of(10, 10, 5), pages, kind[0] + " pages");
        Set<String> ids = new HashSet<>();
        rows.forEach(r -> ids.add(r.getString(kind[2])));
        assertEquals(25, ids.size(), kind[0] + ": every row once");
        for (int i = 1; i < rows.size(); i++) {
          assertEquals(true, rows.get(i - 1).getLong(kind[3]) <= rows.get(i).getLong(kind[3]), "in time order");
        }
        List<Integer> exact = new ArrayList<>();
        all(c, kind[0], kind[1], 25, exact);
        assertEquals(List.of(25), exact, "a page that ends exactly at the last row has no next");
      }
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> c.run(
          new JsonObject().put("type", "windows").put("from", T0).put("to", T0 + 1).put("cursor", "x")));
      assertEquals("parameter 'cursor' = 'x' is not one this module returned", bad.getMessage());
      assertNull(c.run(new JsonObject().put("type", "windows").put("from", T0).put("to", T0 + 1))
          .getString("next"));
    }
  }
}
