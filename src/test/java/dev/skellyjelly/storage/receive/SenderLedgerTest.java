package dev.skellyjelly.storage.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What storage could not take from unanswered frames, told once per producer at its sync. */
class SenderLedgerTest {

  @Test
  void aSyncTellsEachProducerItsOwnCountsOnce() {
    SenderLedger ledger = new SenderLedger();
    ledger.refused("a", 100);
    ledger.refused("a", 20);
    ledger.rejected("a", 1);
    ledger.refused("b", 7);
    assertEquals(new JsonObject().put("refused", 120L).put("rejected", 1L), ledger.sync("a"));
    assertEquals(new JsonObject().put("refused", 0L).put("rejected", 0L), ledger.sync("a"),
        "counted once");
    assertEquals(new JsonObject().put("refused", 7L).put("rejected", 0L), ledger.sync("b"));
  }

  @Test
  void producersThatNeverSyncAreForgottenOldestFirstPastTheBound() {
    SenderLedger ledger = new SenderLedger();
    for (int i = 0; i <= SenderLedger.MAX_SENDERS; i++) {
      ledger.refused("p" + i, 1);
    }
    assertEquals(0L, ledger.sync("p0").getLong("refused"), "the oldest went");
    assertEquals(1L, ledger.sync("p1").getLong("refused"));
    assertEquals(1L, ledger.sync("p" + SenderLedger.MAX_SENDERS).getLong("refused"));
  }
}
