package dev.skellyjelly.storage.store;

import dev.skellyjelly.storage.event.Uuids;
import dev.skellyjelly.storage.event.ByteReader;
import dev.skellyjelly.storage.event.ByteWriter;
import dev.skellyjelly.storage.event.EventEncoding;
import dev.skellyjelly.storage.event.SequenceRanges;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Which events a window held, as stored in {@code windows.members}: per session, its sequence
 * intervals. A window of one producer is one session and one interval: about 20 bytes.
 * <pre>members := sessions:varint (uuid intervals:varint (lo:varint length:varint)*)*</pre>
 */
public final class WindowMembers {
  private WindowMembers() {
  }

  public static byte[] encode(Map<UUID, SequenceRanges> members) {
    ByteWriter out = new ByteWriter(32);
    out.writeVarLong(members.size());
    for (Map.Entry<UUID, SequenceRanges> e : members.entrySet()) {
      Uuids.write(out, e.getKey());
      List<long[]> intervals = e.getValue().intervals();
      out.writeVarLong(intervals.size());
      for (long[] r : intervals) {
        out.writeVarLong(r[0]);
        out.writeVarLong(r[1] - r[0]);
      }
    }
    return out.toByteArray();
  }

  public static Map<UUID, SequenceRanges> decode(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    int sessions = in.readBoundedInt(bytes.length / 16, "window session count");
    Map<UUID, SequenceRanges> members = new LinkedHashMap<>();
    for (int i = 0; i < sessions; i++) {
      UUID session = Uuids.read(in);
      int n = in.readBoundedInt(bytes.length, "interval count");
      SequenceRanges ranges = new SequenceRanges();
      for (int j = 0; j < n; j++) {
        long lo = in.readVarLong();
        ranges.addRange(lo, lo + in.readVarLong());
      }
      members.put(session, ranges);
    }
    return members;
  }
}
