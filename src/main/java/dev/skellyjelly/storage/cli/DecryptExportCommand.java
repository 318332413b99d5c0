package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.crypto.DecryptException;
import dev.skellyjelly.storage.store.SealedExport;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code decrypt-export IN OUT}: opens a file written by {@code export --encrypt}. */
@Command(name = "decrypt-export",
    header = "open a file written by export --encrypt (with the configured key)",
    description = {"Checks and opens IN with the [encryption] key of the configuration into OUT (gzip or LZ4 JSON"
        + " Lines as exported; 600, written to a private temporary file renamed into place only when every chunk"
        + " has verified; temporary files of killed runs in that directory are removed first).",
        "Last line JSON: out, bytes."})
final class DecryptExportCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "IN", description = "The sealed export.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "Where the opened export goes.")
  Path out;

  @Mixin
  DatabaseOptions database;

  @Override
  public Integer call() throws Exception {
    var config = database.load();
    Path target = out.toAbsolutePath();
    long bytes;
    try {
      bytes = SealedExport.open(in, target, config.encryption());
    } catch (DecryptException e) {
      System.err.println("storage decrypt-export: " + in + ": " + e.getMessage());
      return 1;
    }
    System.out.println(new JsonObject().put("out", target.toString()).put("bytes", bytes).encode());
    return 0;
  }
}
