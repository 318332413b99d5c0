package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-screenshots}: 5 MB screenshots through the real screenshot handler — file route,
 * image analysis, metadata commit — one at a time, timing each from send to reply.
 */
@Command(name = "bench-screenshots",
    header = "time 5 MB screenshots through store + metadata (median and p99)",
    description = {"Sends N screenshots of about 5 MB (half raw BGRA 1280x1024, half PNG 1600x1000 of desktop-like"
        + " content with noise) to storage.events.raw one at a time and times each from send to reply: temp file"
        + " written and renamed, image analysed, metadata committed (write interval 1 ms so the group commit does"
        + " not add its wait). Last stdout line is JSON with medianMs and p99Ms. Target: median < 20 ms."})
final class BenchScreenshotsCommand implements Callable<Integer> {

  @Option(names = "--count", paramLabel = "N", defaultValue = "60",
      description = "How many screenshots. Default: ${DEFAULT-VALUE}.")
  @Within(min = 2, max = 10_000)
  int count;

  @Mixin
  BenchDirectory benchDirectory;

  @Option(names = "--encrypted", description = "With [encryption] on: files sealed under one-time keys, metadata"
      + " sealed.")
  boolean encrypted;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path dir = benchDirectory.path();
    return BenchFiles.stoppable(spec.name(), dir, () -> bench(count, dir, encrypted));
  }

  private int bench(int count, Path dir, boolean encrypted) throws Exception {
    System.setProperty("java.awt.headless", "true");
    BenchFiles.emptyDirectory(dir);

    System.err.println("bench-screenshots: preparing images");
    SyntheticCapture capture = new SyntheticCapture(UUID.randomUUID(), 7);
    byte[] raw = capture.screenshot(0, true).data();
    byte[] png = noisyPng(1700, 1080);
    System.err.printf("bench-screenshots: raw %d bytes, png %d bytes%n", raw.length, png.length);

    StorageConfig config = StorageConfig.fromJson(new JsonObject()
        .put("storage", new JsonObject()
            .put("database_path", dir.resolve("events.db").toString())
            .put("screenshot_dir", dir.resolve("screenshots").toString())
            .put("backup_dir", dir.resolve("backups").toString())
            .put("write_interval_ms", 1)
            .put("backup_interval_hours", 0))
        .put("http", new JsonObject().put("enabled", false))
        .put("encryption", new JsonObject().put("enabled", encrypted)
            .put("key_file", dir.resolve("bench.key").toString())));
    ModuleHost host = ModuleHost.start(config);
    double[] millis = new double[count];
    try {
      UUID session = UUID.randomUUID();
      for (int i = 0; i < count; i++) {
        StopSignals.check();
        boolean usePng = i % 2 == 1;
        byte[] data = usePng ? png : raw;
        RawEvent.Screenshot s = new RawEvent.Screenshot(System.currentTimeMillis() * 1000, session, i,
            ScreenshotId.random(), data, usePng ? ImageFormat.PNG : ImageFormat.RAW_BGRA,
            usePng ? 0 : 1280, usePng ? 0 : 1024, "Report.pdf — Document Viewer", "evince",
            new ScreenRegion(0, 0, 1600, 1000), false);
        long t0 = System.nanoTime();
        Future<?> reply = host.vertx().eventBus().request(Addresses.EVENTS_RAW, s);
        reply.await();
        millis[i] = (System.nanoTime() - t0) / 1e6;
      }
    } finally {
      host.close();
    }
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    List<Double> raws = new ArrayList<>();
    List<Double> pngs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      (i % 2 == 1 ? pngs : raws).add(millis[i]);
    }
    JsonObject result = new JsonObject()
        .put("count", count)
        .put("encrypted", encrypted)
        .put("rawBytes", raw.length)
        .put("pngBytes", png.length)
        .put("medianMs", round(percentile(sorted, 0.5)))
        .put("p99Ms", round(percentile(sorted, 0.99)))
        .put("rawMedianMs", round(median(raws)))
        .put("pngMedianMs", round(median(pngs)))
        .put("maxMs", round(sorted[sorted.length - 1]));
    System.out.println(result.encode());
    return 0;
  }

  /** A PNG of about 5 MB: UI-like blocks over per-pixel noise, which PNG cannot squeeze. */
  private static byte[] noisyPng(int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(3);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int base = (x / 200 + y / 150) % 2 == 0 ? 0xE8E8E8 : 0x3C8DBC;
        img.setRGB(x, y, base ^ random.nextInt(0x404040));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static double percentile(double[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double median(List<Double> values) {
    double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length == 0 ? 0 : percentile(a, 0.5);
  }

  private static double round(double d) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.2f", d));
  }
}
