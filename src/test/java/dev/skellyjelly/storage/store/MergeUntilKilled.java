package dev.skellyjelly.storage.store;

import java.nio.file.Path;
import java.sql.Connection;

/** A child process for the kill -9 test: merges one group per step and says so after each commit. */
public final class MergeUntilKilled {
  private MergeUntilKilled() {
  }

  public static void main(String[] args) throws Exception {
    try (Connection c = SqliteFiles.openWriter(Path.of(args[0]), "NORMAL")) {
      BlockMerger merger = new BlockMerger(c);
      BlockMerger.Result r;
      do {
        r = merger.merge(Long.MAX_VALUE / 2, 1);
        System.out.println("merged " + r.groups());
        System.out.flush();
      } while (r.more());
    }
  }
}
