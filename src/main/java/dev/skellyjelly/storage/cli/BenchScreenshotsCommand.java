package dev.skellyjelly.storage.cli;

import static dev.skellyjelly.storage.cli.BenchFigures.median;
import static dev.skellyjelly.storage.cli.BenchFigures.percentile;
import static dev.skellyjelly.storage.cli.BenchFigures.round;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticCapture;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * image analysis, window — one at a time with the default write interval, timing each from send
 * to reply (the metadata commit follows with the next write).
 */
@Command(name = "bench-screenshots",
    header = "time 5 MB screenshots through store + metadata (median and p99)",
    description = {"Sends N screenshots of about 5 MB (half raw BGRA 1280x1024, half PNG 1700x1080 of desktop-like"
        + " content with noise) to storage.events.raw one at a time, with the default configuration (write interval"
        + " 1 s), and times each from send to reply: bytes held (the temp file is written in parallel), image"
        + " analysed, id in the open window; the metadata is committed with the next write. The first few"
        + " screenshots warm the JIT and are not counted. Last stdout line is JSON with writeIntervalMs,"
        + " rawMedianMs, pngMedianMs, medianMs, p99Ms, cpuMsPerScreenshot (the process's CPU) and maxHeapMb (the"
        + " launcher gives it run's heap options); then, as the"
        + " baseline, 6 raw screenshots go with skelly-reply-when: committed (what every reply waited for before):"
        + " committedMedianMs. Targets: raw median < 20 ms, PNG median < 25 ms, p99 < 50 ms."})
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

  /** Screenshots sent first and not timed: the JIT compiles the analysis on them. */
  private static final int WARM_UP = 6;
  /** Raw screenshots sent last with skelly-reply-when: committed: the baseline. */
  private static final int COMMITTED = 6;

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
            .put("backup_interval_hours", 0))
        .put("http", new JsonObject().put("enabled", false))
        .put("encryption", new JsonObject().put("enabled", encrypted)
            .put("key_file", dir.resolve("bench.key").toString())));
    ModuleHost host = ModuleHost.start(config);
    double[] millis = new double[count];
    double[] committedMillis = new double[COMMITTED];
    double cpuMsPerScreenshot;
    try {
      UUID session = UUID.randomUUID();
      DeliveryOptions plain = new DeliveryOptions();
      long cpu0 = 0;
      for (int i = -WARM_UP; i < count; i++) {
        if (i == 0) {
          cpu0 = BenchFiles.processCpuNanos();
        }
        double ms = send(host, session, i + WARM_UP, (i & 1) == 1 ? png : null, raw, plain);
        if (i >= 0) {
          millis[i] = ms;
        }
      }
      cpuMsPerScreenshot = (BenchFiles.processCpuNanos() - cpu0) / 1e6 / count;
      // The baseline: what a producer waits for when it asks for the metadata's commit, as every
      // screenshot reply did before (the group commit's wait, up to write_interval_ms).
      DeliveryOptions committed = new DeliveryOptions()
          .addHeader(Addresses.REPLY_WHEN_HEADER, Addresses.REPLY_ON_COMMIT);
      for (int i = 0; i < COMMITTED; i++) {
        committedMillis[i] = send(host, session, count + WARM_UP + i, null, raw, committed);
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
        .put("warmUp", WARM_UP)
        .put("writeIntervalMs", config.writeInterval().toMillis())
        .put("encrypted", encrypted)
        // The heap decides how often the GC stops the path: launcher/storage gives run's 256 MB.
        .put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20)
        .put("rawBytes", raw.length)
        .put("pngBytes", png.length)
        .put("medianMs", round(percentile(sorted, 0.5), 2))
        .put("p99Ms", round(percentile(sorted, 0.99), 2))
        .put("rawMedianMs", round(median(raws), 2))
        .put("pngMedianMs", round(median(pngs), 2))
        .put("maxMs", round(sorted[sorted.length - 1], 2))
        .put("cpuMsPerScreenshot", round(cpuMsPerScreenshot, 2))
        .put("committedCount", COMMITTED)
        .put("committedMedianMs", round(median(committedMillis), 2));
    System.out.println(result.encode());
    return 0;
  }

  /** Sends one screenshot (the PNG, or else the raw one) and returns how long its reply took, ms. */
  private static double send(ModuleHost host, UUID session, long sequence, byte[] png, byte[] raw,
      DeliveryOptions delivery) throws Exception {
    StopSignals.check();
    boolean usePng = png != null;
    RawEvent.Screenshot s = new RawEvent.Screenshot(System.currentTimeMillis() * 1000, session, sequence,
        ScreenshotId.random(), usePng ? png : raw, usePng ? ImageFormat.PNG : ImageFormat.RAW_BGRA,
        usePng ? 0 : 1280, usePng ? 0 : 1024, "Report.pdf — Document Viewer", "evince",
        new ScreenRegion(0, 0, 1600, 1000), false);
    long t0 = System.nanoTime();
    host.vertx().eventBus().request(Addresses.EVENTS_RAW, s, delivery).await();
    return (System.nanoTime() - t0) / 1e6;
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
}
