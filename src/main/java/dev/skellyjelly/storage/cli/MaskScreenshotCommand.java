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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mask-screenshot IN OUT}: masks one PNG, JPEG or raw file exactly as a fetch would, with
 * the rules of a config file, and prints what was found, so a user can check their rules.
 */
@Command(name = "mask-screenshot",
    header = "mask one screenshot file as a fetch would; JSON with the regions and kinds found",
    description = {"Reads IN (PNG or JPEG, recognised by their signature; raw 4-byte pixels need --format, --width and"
        + " --height), masks it with the [privacy] rules of the config (the built-in defaults when the file does not exist) exactly as the module masks a fetched"
        + " screenshot, writes OUT (created 600: PNG, or raw as given) and prints JSON: regions, kinds, each box with"
        + " its kind, whether the whole image was filled and why. Never the text found. Exit code 0 also when"
        + " everything was masked; 2 on bad arguments."})
final class MaskScreenshotCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "IN", description = "The screenshot file.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "Where the masked image goes (600).")
  Path out;

  @Mixin
  ConfigOption configOption;

  @Option(names = "--app", paramLabel = "NAME", defaultValue = "",
      description = "The app name to check against mask_apps. Default: none.")
  String app;

  @Option(names = "--title", paramLabel = "TEXT", defaultValue = "",
      description = "The window title to check against mask_titles. Default: none.")
  String title;

  @Option(names = "--format", paramLabel = "RAW_RGBA|RAW_BGRA",
      description = "IN holds raw 4-byte pixels of this order (PNG and JPEG are recognised by themselves).")
  RawFormat rawFormat;

  /** The raw pixel orders a file can hold. */
  enum RawFormat { RAW_RGBA, RAW_BGRA }

  @Option(names = "--width", paramLabel = "W", defaultValue = "0", description = "Width of raw pixels.")
  @Within(min = 0, max = 100_000)
  int width;

  @Option(names = "--height", paramLabel = "H", defaultValue = "0", description = "Height of raw pixels.")
  @Within(min = 0, max = 100_000)
  int height;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    Path configFile = configOption.file;
    if (!Files.isRegularFile(in)) {
      throw new ParameterException(spec.commandLine(), "IN " + in + " is not a readable file");
    }
    StorageConfig config = Files.isRegularFile(configFile)
        ? StorageConfig.fromJson(ConfigFiles.loadJson(configFile))
        : StorageConfig.defaults(Path.of(System.getProperty("java.io.tmpdir")));
    byte[] data = Files.readAllBytes(in);
    ImageFormat format = format(data);
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

  private ImageFormat format(byte[] data) {
    if (rawFormat != null) {
      return ImageFormat.valueOf(rawFormat.name());
    }
    if (data.length > 8 && (data[0] & 0xFF) == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G') {
      return ImageFormat.PNG;
    }
    if (data.length > 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8) {
      return ImageFormat.JPEG;
    }
    throw new ParameterException(spec.commandLine(), "IN is neither PNG nor JPEG; for raw pixels give --format,"
        + " --width and --height");
  }
}
