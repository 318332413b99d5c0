package dev.skellyjelly.storage.demo;

import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.store.EventStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Several people at their desktops, written through the store as the writer writes live input:
 * one commit per write interval holding what each session produced in it — small blocks, as in
 * real use — or all at once, as a backlog arrives.
 */
public final class LiveCapture {

  private final List<HumanInput> people = new ArrayList<>();

  /** {@code sessions} people (session ids {@code (7, i)}, seeds {@code i}) starting at {@code startMicros}. */
  public LiveCapture(int sessions, long startMicros) {
    for (int s = 0; s < sessions; s++) {
      people.add(new HumanInput(new UUID(7, s), s, startMicros));
    }
  }

  /**
   * Commits everything produced before {@code endMicros}, one transaction per
   * {@code commitEveryMicros} of input time; each committed batch also goes to {@code sent}.
   *
   * @return how many events were committed
   */
  public long write(EventStore store, long endMicros, long commitEveryMicros, Consumer<List<RawEvent>> sent)
      throws SQLException {
    return write(store, endMicros, commitEveryMicros, sent, () -> { });
  }

  /** As above; {@code stop} runs before each commit and may throw to end the writing early. */
  public long write(EventStore store, long endMicros, long commitEveryMicros, Consumer<List<RawEvent>> sent,
      Runnable stop) throws SQLException {
    long events = 0;
    long boundary = people.stream().mapToLong(HumanInput::peekTimestamp).min().orElse(endMicros);
    while (boundary < endMicros) {
      stop.run();
      boundary = Math.min(endMicros, boundary + commitEveryMicros);
      List<RawEvent> commit = new ArrayList<>();
      for (HumanInput p : people) {
        while (p.peekTimestamp() < boundary) {
          commit.add(p.next());
        }
      }
      if (!commit.isEmpty()) {
        store.stage(commit);
        store.commit();
        events += commit.size();
        sent.accept(commit);
      }
    }
    return events;
  }
}
