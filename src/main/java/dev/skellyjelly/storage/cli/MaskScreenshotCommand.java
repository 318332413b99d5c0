package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.privacy.MaskResult;
import dev.skellyjelly.storage.privacy.MaskRules;
import dev.skellyjelly.storage.privacy.OcrException;
import dev.skellyjelly.storage.privacy.ScreenshotMasker;
import dev.skellyjelly.storage.privacy.TesseractReader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * {@code mask-screenshot IN OUT}: masks one PNG, JPEG or raw file exactly as a fetch would, with
 * the rules of a config file, and prints what was found, so a user can check their rules.
 */
final class MaskScreenshotCommand implements Command {

  @Override
  public String name() {
    return "mask-screenshot";
  }

  @Override
  public String summary() {
    return "mask one screenshot file as a fetch would; JSON with the regions and kinds found";
  }

  @Override
  public String help() {
    return """
        usage: launcher/storage mask-screenshot IN OUT [--config FILE] [--app NAME] [--title TEXT]
                                                [--format RAW_RGBA|RAW_BGRA --width W --height H]

        Reads IN (PNG or JPEG, recognised by their signature; raw 4-byte pixels need --format,
        --width and --height), masks it with the [privacy] rules of the config exactly as the
        module masks a fetched screenshot, writes OUT (created 600: PNG, or raw as given) and
        prints JSON: regions, kinds, each box with its kind, whether the whole image was filled
        and why. Never the text found. Exit code 0 also when everything was masked; 2 on bad
        arguments.

          --config FILE   the configuration whose [privacy] table is used (default
                          conf/storage.toml; the built-in defaults when it does not exist)
          --app NAME      the app name to check against mask_apps (default: none)
          --title TEXT    the window title to check against mask_titles (default: none)""";
  }

  @Override
  public int run(Args args) throws Exception {
    if (args.positional().size() != 2) {
      throw new Args.UsageException("mask-screenshot needs IN and OUT; see --help");
    }
    Path in = Path.of(args.positional().get(0));
    Path out = Path.of(args.positional().get(1));
    Path configFile = args.path("config", "conf/storage.toml");
    String app = args.string("app", "");
    String title = args.string("title", "");
    String rawFormat = args.string("format", "");
    int width = (int) args.number("width", 0, 0, 100_000);
    int height = (int) args.number("height", 0, 0, 100_000);
    args.rejectUnknown();
    System.setProperty("java.awt.headless", "true");
    if (!Files.isRegularFile(in)) {
      throw new Args.UsageException("IN " + in + " is not a readable file");
    }
    StorageConfig config = Files.isRegularFile(configFile)
        ? StorageConfig.fromJson(ConfigFiles.loadJson(configFile))
        : StorageConfig.defaults(Path.of(System.getProperty("java.io.tmpdir")));
    byte[] data = Files.readAllBytes(in);
    ImageFormat format = format(data, rawFormat);
    StorageConfig.Privacy privacy = config.privacy();
    TesseractReader reader = null;
    String noReader = null;
    try {
      reader = TesseractReader.open(privacy.ocrDataDir(), privacy.ocrLanguage(), 1);
    } catch (OcrException e) {
      noReader = "no OCR engine: " + e.getMessage();
      System.err.println("mask-screenshot: " + noReader + " — the whole image is masked");
    }
    long t0 = System.nanoTime();
    MaskResult result;
    try {
      result = new ScreenshotMasker(MaskRules.of(privacy), reader, noReader, privacy.maskMarginPx())
          .mask(data, format, width, height, app, title);
    } finally {
      if (reader != null) {
        reader.close();
      }
    }
    double millis = (System.nanoTime() - t0) / 1e6;
    Files.deleteIfExists(out);
    Files.write(Files.createFile(out, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------"))), result.data(), StandardOpenOption.WRITE);
    System.out.println(result.toJson().put("in", in.toString()).put("out", out.toString())
        .put("format", result.format().name()).put("width", result.width())
        .put("height", result.height())
        .put("millis", Double.parseDouble(String.format(Locale.ROOT, "%.1f", millis))).encode());
    return 0;
  }

  private static ImageFormat format(byte[] data, String raw) {
    if (!raw.isEmpty()) {
      try {
        ImageFormat f = ImageFormat.valueOf(raw.toUpperCase(Locale.ROOT));
        if (f.isRaw()) {
          return f;
        }
      } catch (IllegalArgumentException ignored) {
        // reported below with what is allowed
      }
      throw new Args.UsageException("--format " + raw + " is not allowed: use RAW_RGBA or RAW_BGRA"
          + " (PNG and JPEG are recognised by themselves)");
    }
    if (data.length > 8 && (data[0] & 0xFF) == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G') {
      return ImageFormat.PNG;
    }
    if (data.length > 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8) {
      return ImageFormat.JPEG;
    }
    throw new Args.UsageException("IN is neither PNG nor JPEG; for raw pixels give --format,"
        + " --width and --height");
  }
}
