package dev.skellyjelly.storage.store;

import java.nio.file.Path;

/**
 * Run in a child JVM by the tests, halting it abruptly (no finally blocks, no shutdown hooks — as
 * kill -9): {@code <step> BACKUP DB} restores BACKUP over DB and halts when the step is reached;
 * {@code wal DB N} commits N more events to DB and halts with them only in its WAL, as a killed
 * module leaves it.
 */
public final class RestoreCrashProbe {
  private RestoreCrashProbe() {
  }

  public static void main(String[] args) throws Exception {
    String haltAt = args[0];
    if (haltAt.equals("wal")) {
      EventStore store = EventStore.open(Path.of(args[1]), "NORMAL");
      try (java.sql.Statement st = store.connection().createStatement()) {
        st.execute("PRAGMA wal_autocheckpoint = 0");
      }
      var capture = new dev.skellyjelly.storage.demo.SyntheticCapture(java.util.UUID.randomUUID(), 5);
      java.util.List<dev.skellyjelly.storage.event.RawEvent> events = new java.util.ArrayList<>();
      for (int i = 0; i < Integer.parseInt(args[2]); i++) {
        events.add(capture.next(1_794_268_800_000_000L + i * 1_000L));
      }
      store.stage(events);
      store.commit();
      Runtime.getRuntime().halt(137);
    }
    Restore.restore(Path.of(args[1]), Path.of(args[2]), EncryptionAtRest.OFF, step -> {
      if (step.equals(haltAt)) {
        Runtime.getRuntime().halt(137);
      }
    });
    System.exit(0);
  }
}
