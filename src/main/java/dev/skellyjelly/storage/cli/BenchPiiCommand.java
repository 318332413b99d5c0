package dev.skellyjelly.storage.cli;

import static dev.skellyjelly.storage.cli.BenchFigures.median;
import static dev.skellyjelly.storage.cli.BenchFigures.round;

import dev.skellyjelly.storage.bus.Addresses;
import dev.skellyjelly.storage.config.StorageConfig;
import dev.skellyjelly.storage.demo.SyntheticDesktop;
import dev.skellyjelly.storage.event.ImageFormat;
import dev.skellyjelly.storage.event.RawEvent;
import dev.skellyjelly.storage.event.ScreenRegion;
import dev.skellyjelly.storage.event.ScreenshotId;
import dev.skellyjelly.storage.privacy.MaskResult;
import dev.skellyjelly.storage.privacy.MaskRules;
import dev.skellyjelly.storage.privacy.OcrWord;
import dev.skellyjelly.storage.privacy.ScreenshotMasker;
import dev.skellyjelly.storage.privacy.TesseractReader;
import io.vertx.core.json.JsonObject;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-pii}: synthetic 1920×1080 desktops with planted PII, masked by the masker alone
 * (CPU per screenshot, on this one thread) and through the module's fetch API (first fetch and
 * cached fetch), each reply scored against what was planted and read again by OCR.
 */
@Command(name = "bench-pii",
    header = "PII masking: recall, over-masking, CPU per 1080p screenshot, cached fetch time",
    description = {"Renders N synthetic 1920x1080 desktops (mail, form, terminal, document; several fonts, sizes,"
        + " light and dark) with K planted PII strings each among ordinary words, dates, times, amounts and version"
        + " numbers. 1) Masks each PNG with the masker on this thread: CPU ms per screenshot (median, the masking"
        + " thread; processCpuPerScreenMs counts every thread of the process over the same loop). 2) Sends each to a"
        + " module and fetches it twice through storage.screenshots.get: first fetch (masking) and cached fetch"
        + " times, and each reply is scored: a PII string is masked when 98 %% of its ink is filled; an ordinary word"
        + " counts as over-masked when half of it is. 3) OCR reads every reply again and looks for the planted"
        + " strings. Last stdout line is JSON. Targets: recall >= 0.95, unmaskedReplies 0, foundAfterMasking 0,"
        + " plainMaskedShare <= 0.10, maskCpuMedianMs < 1000, cachedFetchMedianMs < 10. Needs Tesseract (see"
        + " README)."})
final class BenchPiiCommand implements Callable<Integer> {

  @Option(names = "--screens", paramLabel = "N", defaultValue = "50",
      description = "Screenshots. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 10_000)
  int screens;

  @Option(names = "--pii-per-screen", paramLabel = "K", defaultValue = "5",
      description = "Planted PII strings per screenshot. Default: ${DEFAULT-VALUE}.")
  @Within(min = 1, max = 40)
  int perScreen;

  @Mixin
  BenchDirectory benchDirectory;

  @Override
  public Integer call() throws Exception {
    Path dir = benchDirectory.path();
    System.setProperty("java.awt.headless", "true");
    BenchFiles.emptyDirectory(dir);
    StorageConfig config = StorageConfig.fromJson(new JsonObject()
        .put("storage", new JsonObject()
            .put("database_path", dir.resolve("events.db").toString())
            .put("screenshot_dir", dir.resolve("screenshots").toString())
            .put("backup_dir", dir.resolve("backups").toString())
            .put("backup_interval_hours", 0))
        .put("http", new JsonObject().put("enabled", false))
        .put("privacy", new JsonObject().put("mask_deadline_ms", 60_000)));

    SyntheticDesktop desktop = new SyntheticDesktop(16);
    List<SyntheticDesktop.Screen> rendered = new ArrayList<>();
    List<byte[]> pngs = new ArrayList<>();
    for (int i = 0; i < screens; i++) {
      SyntheticDesktop.Screen s = desktop.render(i, 1920, 1080, perScreen);
      rendered.add(s);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(s.image(), "png", out);
      pngs.add(out.toByteArray());
    }
    System.err.printf("bench-pii: %d screens, %d PII strings planted%n", screens,
        rendered.stream().mapToInt(s -> s.pii().size()).sum());

    StorageConfig.Privacy privacy = config.privacy();
    double[] cpuMs = new double[screens];
    double processCpuPerScreenMs;
    try (TesseractReader reader = TesseractReader.open(privacy.ocrDataDir(), privacy.ocrLanguage(), 1)) {
      ScreenshotMasker masker = new ScreenshotMasker(MaskRules.of(privacy), reader, null,
          privacy.maskMarginPx());
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      // The whole process too: GC, and any thread the OCR library starts (OpenMP) would show here.
      long process0 = BenchFiles.processCpuNanos();
      for (int i = 0; i < screens; i++) {
        SyntheticDesktop.Screen s = rendered.get(i);
        long t0 = cpu.getCurrentThreadCpuTime();
        MaskResult r = masker.mask(pngs.get(i), ImageFormat.PNG, 1920, 1080, s.appName(), s.windowTitle());
        cpuMs[i] = (cpu.getCurrentThreadCpuTime() - t0) / 1e6;
        if (r.failure() != null) {
          throw new IllegalStateException("masking failed: " + r.failure());
        }
      }
      processCpuPerScreenMs = (BenchFiles.processCpuNanos() - process0) / 1e6 / screens;
    }

    ModuleHost host = ModuleHost.start(config);
    List<BufferedImage> replies = new ArrayList<>();
    double[] firstMs = new double[screens];
    double[] cachedMs = new double[screens];
    int unmasked = 0;
    int pii = 0;
    int piiMasked = 0;
    int plain = 0;
    int plainMasked = 0;
    List<String> missedKinds = new ArrayList<>();
    try {
      UUID session = UUID.randomUUID();
      for (int i = 0; i < screens; i++) {
        SyntheticDesktop.Screen s = rendered.get(i);
        ScreenshotId id = ScreenshotId.random();
        host.vertx().eventBus().request(Addresses.EVENTS_RAW, new RawEvent.Screenshot(
            System.currentTimeMillis() * 1000, session, i, id, pngs.get(i), ImageFormat.PNG, 1920,
            1080, s.windowTitle(), s.appName(), new ScreenRegion(0, 0, 1920, 1080), false)).await();
        long t0 = System.nanoTime();
        JsonObject first = host.vertx().eventBus().<JsonObject>request(Addresses.SCREENSHOTS_GET,
            id.toString()).await().body();
        firstMs[i] = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        host.vertx().eventBus().<JsonObject>request(Addresses.SCREENSHOTS_GET, id.toString()).await();
        cachedMs[i] = (System.nanoTime() - t0) / 1e6;
        JsonObject masking = first.getJsonObject("masking");
        if (masking == null || Arrays.equals(first.getBinary("data"), pngs.get(i))) {
          unmasked++;
        }
        BufferedImage reply = ImageIO.read(new ByteArrayInputStream(first.getBinary("data")));
        replies.add(reply);
        SyntheticDesktop.Score score = SyntheticDesktop.score(reply, s);
        pii += score.pii();
        piiMasked += score.piiMasked();
        plain += score.plain();
        plainMasked += score.plainMasked();
        for (SyntheticDesktop.Planted p : score.missed()) {
          missedKinds.add(p.kind());
          System.err.printf("bench-pii: screen %d (%s): %s %s left visible%n", i, s.windowTitle(),
              p.kind(), p.text());
        }
      }
    } finally {
      host.close();
    }

    int foundAfter = 0;
    try (TesseractReader reader = TesseractReader.open(privacy.ocrDataDir(), privacy.ocrLanguage(), 1)) {
      for (int i = 0; i < screens; i++) {
        foundAfter += plantedFound(reader, replies.get(i), rendered.get(i));
      }
    }
    JsonObject result = new JsonObject()
        .put("screens", screens)
        .put("piiPlanted", pii)
        .put("piiMasked", piiMasked)
        .put("recall", round(piiMasked / (double) pii, 4))
        .put("missedKinds", missedKinds)
        .put("unmaskedReplies", unmasked)
        .put("foundAfterMasking", foundAfter)
        .put("plainWords", plain)
        .put("plainMaskedShare", round(plainMasked / (double) plain, 4))
        .put("maskCpuMedianMs", round(median(cpuMs), 1))
        .put("maskCpuMaxMs", round(Arrays.stream(cpuMs).max().orElse(0), 1))
        .put("processCpuPerScreenMs", round(processCpuPerScreenMs, 1))
        .put("firstFetchMedianMs", round(median(firstMs), 1))
        .put("cachedFetchMedianMs", round(median(cachedMs), 2));
    System.out.println(result.encode());
    return 0;
  }

  /** How many planted strings OCR still reads in the reply (spaces ignored). */
  private static int plantedFound(TesseractReader reader, BufferedImage image, SyntheticDesktop.Screen s)
      throws Exception {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    byte[] grey = new byte[w * h];
    for (int i = 0; i < grey.length; i++) {
      int p = rgb[i];
      grey[i] = (byte) ((299 * ((p >> 16) & 0xFF) + 587 * ((p >> 8) & 0xFF) + 114 * (p & 0xFF)) / 1000);
    }
    StringBuilder text = new StringBuilder();
    for (OcrWord word : reader.read(grey, w, h, List.of(new Rectangle(0, 0, w, h)))) {
      text.append(word.text());
    }
    String all = text.toString();
    int found = 0;
    for (SyntheticDesktop.Planted p : s.pii()) {
      if (all.contains(p.text().replace(" ", ""))) {
        found++;
      }
    }
    return found;
  }



}
