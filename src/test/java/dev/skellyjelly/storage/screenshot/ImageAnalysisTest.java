package dev.skellyjelly.storage.screenshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.event.ImageFormat;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each algorithm on generated images whose answer is known. */
class ImageAnalysisTest {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private final ImageAnalysis analysis = new ImageAnalysis(ImageAnalysis.DEFAULT_MAX_SIDE);

  private static BufferedImage image(int w, int h, Color background) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(background);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, format, out));
    return out.toByteArray();
  }

  private static byte[] raw(BufferedImage img, boolean bgra) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[w * h * 4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = img.getRGB(x, y);
        int i = (y * w + x) * 4;
        out[i] = (byte) (bgra ? p : p >> 16);
        out[i + 1] = (byte) (p >> 8);
        out[i + 2] = (byte) (bgra ? p >> 16 : p);
        out[i + 3] = (byte) 0xFF;
      }
    }
    return out;
  }

  private static BufferedImage threeBlocks() {
    BufferedImage img = image(900, 300, Color.BLACK);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0xD03030));
    g.fillRect(0, 0, 300, 300);
    g.setColor(new Color(0x30A040));
    g.fillRect(300, 0, 300, 300);
    g.setColor(new Color(0x2050C0));
    g.fillRect(600, 0, 300, 300);
    g.dispose();
    return img;
  }

  private static Set<Integer> topThree(ImageAnalysisResult r) {
    return r.dominantColors().stream().limit(3).map(DominantColor::rgb).collect(Collectors.toSet());
  }

  private static void assertNear(int expected, int actual) {
    for (int shift : new int[] {16, 8, 0}) {
      int e = (expected >> shift) & 0xFF;
      int a = (actual >> shift) & 0xFF;
      assertTrue(Math.abs(e - a) <= 16, String.format("#%06x vs #%06x", expected, actual));
    }
  }

  @Test
  void threeSolidBlocksAreTheThreeDominantColoursInPng() throws Exception {
    ImageAnalysisResult r = analysis.analyze(encode(threeBlocks(), "png"), ImageFormat.PNG, 0, 0);
    assertFalse(r.analysisFailed(), r.failureReason());
    assertEquals(Set.of(0xD03030, 0x30A040, 0x2050C0), topThree(r));
    r.dominantColors().stream().limit(3).forEach(c -> assertTrue(c.share() > 0.3, c.hex()));
    assertEquals(900, r.width());
    assertEquals(300, r.height());
  }

  @Test
  void rawBgraAndRgbaChannelOrderIsHonoured() {
    BufferedImage img = threeBlocks();
    for (boolean bgra : new boolean[] {true, false}) {
      ImageAnalysisResult r = analysis.analyze(raw(img, bgra),
          bgra ? ImageFormat.RAW_BGRA : ImageFormat.RAW_RGBA, 900, 300);
      assertFalse(r.analysisFailed(), r.failureReason());
      List<Integer> top = r.dominantColors().stream().limit(3).map(DominantColor::rgb).sorted().toList();
      List<Integer> expected = List.of(0x2050C0, 0x30A040, 0xD03030);
      for (int i = 0; i < 3; i++) {
        assertNear(expected.get(i), top.get(i));
      }
    }
  }

  @Test
  void jpegColoursSurviveCompressionWithinTolerance() throws Exception {
    ImageAnalysisResult r = analysis.analyze(encode(threeBlocks(), "jpeg"), ImageFormat.JPEG, 0, 0);
    assertFalse(r.analysisFailed(), r.failureReason());
    List<Integer> top = r.dominantColors().stream().limit(3).map(DominantColor::rgb).toList();
    for (int expected : new int[] {0xD03030, 0x30A040, 0x2050C0}) {
      assertTrue(top.stream().anyMatch(c -> near(expected, c)), String.format("#%06x in %s", expected,
          r.dominantColors()));
    }
  }

  private static boolean near(int e, int a) {
    for (int shift : new int[] {16, 8, 0}) {
      if (Math.abs(((e >> shift) & 0xFF) - ((a >> shift) & 0xFF)) > 16) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aBlankImageHasNoText() throws Exception {
    ImageAnalysisResult r = analysis.analyze(encode(image(1280, 800, Color.WHITE), "png"),
        ImageFormat.PNG, 0, 0);
    assertTrue(r.textDensity() < 0.01, "text density " + r.textDensity());
    assertEquals(0, r.uiElementCount());
    assertEquals(1, r.dominantColors().size());
  }

  @Test
  void aPageOfTextHasHighTextDensityAndBlocksHaveLittle() throws Exception {
    BufferedImage page = image(1024, 768, Color.WHITE);
    Graphics2D g = page.createGraphics();
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 14));
    for (int y = 20; y < 760; y += 18) {
      g.drawString("The quick brown fox jumps over the lazy dog; 0123456789 {}[]()<>!?", 8, y);
    }
    g.dispose();
    double text = analysis.analyze(encode(page, "png"), ImageFormat.PNG, 0, 0).textDensity();
    double blocks = analysis.analyze(encode(threeBlocks(), "png"), ImageFormat.PNG, 0, 0).textDensity();
    assertTrue(text > 0.25, "page of text: " + text);
    assertTrue(blocks < 0.02, "solid blocks: " + blocks);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 9})
  void nDrawnRectanglesAreCountedAsNElements(int n) throws Exception {
    BufferedImage img = image(1200, 900, new Color(0xF0F0F0));
    Graphics2D g = img.createGraphics();
    Color[] colours = {new Color(0x3C8DBC), new Color(0xE06030), new Color(0x40A060)};
    int side = (int) Math.ceil(Math.sqrt(n));
    for (int i = 0; i < n; i++) {
      int cx = i % side;
      int cy = i / side;
      g.setColor(colours[i % colours.length]);
      g.fillRect(60 + cx * 360, 60 + cy * 270, 240, 150);
    }
    g.dispose();
    int count = analysis.analyze(encode(img, "png"), ImageFormat.PNG, 0, 0).uiElementCount();
    assertTrue(Math.abs(count - n) <= 1, n + " rectangles, counted " + count);
  }

  @Test
  void badImagesFailWithAReasonAndNeverThrow() throws Exception {
    byte[] png = encode(threeBlocks(), "png");
    byte[] jpeg = encode(threeBlocks(), "jpeg");
    assertFailed(analysis.analyze(Arrays.copyOf(png, png.length / 2), ImageFormat.PNG, 0, 0), "PNG");
    assertFailed(analysis.analyze(Arrays.copyOf(jpeg, jpeg.length / 2), ImageFormat.JPEG, 0, 0), "JPEG");
    assertFailed(analysis.analyze(new byte[1000], ImageFormat.RAW_RGBA, 10, 10), "needs 400");
    assertFailed(analysis.analyze(new byte[400], ImageFormat.RAW_BGRA, 0, 0), "width and height");
    assertFailed(analysis.analyze(new byte[0], ImageFormat.PNG, 0, 0), "empty");
    assertFailed(analysis.analyze(null, ImageFormat.JPEG, 0, 0), "empty");
    assertFailed(analysis.analyze(new byte[] {1, 2, 3, 4, 5}, ImageFormat.PNG, 0, 0), "PNG");
  }

  private static void assertFailed(ImageAnalysisResult r, String reasonPart) {
    assertTrue(r.analysisFailed(), "should fail");
    assertTrue(r.failureReason().contains(reasonPart), r.failureReason());
  }

  @Test
  void theFastPngDecoderMatchesImageIoPixelForPixel() throws Exception {
    for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
      BufferedImage img = new BufferedImage(301, 177, type);
      Graphics2D g = img.createGraphics();
      java.util.Random random = new java.util.Random(type);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          img.setRGB(x, y, 0xFF000000 | (x * 0x010203 + y * 0x030201) ^ random.nextInt(0x202020));
        }
      }
      g.setColor(Color.WHITE);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
      g.drawString("PNG filters: Sub Up Average Paeth", 5, 90);
      g.dispose();
      PngDecoder.Decoded d = PngDecoder.decode(encode(img, "png"), 1024, new AnalysisScratch()); // no downscaling
      assertEquals(301, d.width());
      assertEquals(301, d.grid().width);
      assertEquals(177, d.grid().height);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          assertEquals(img.getRGB(x, y) & 0xFFFFFF, d.grid().rgb[y * 301 + x], "pixel " + x + "," + y);
        }
      }
    }
  }

  @Test
  void aFullHdRawScreenshotKeepsItsOriginalDimensions() {
    byte[] raw = raw(threeBlocks(), true);
    ImageAnalysisResult r = new ImageAnalysis(256).analyze(raw, ImageFormat.RAW_BGRA, 900, 300);
    assertEquals(900, r.width());
    assertEquals(300, r.height());
    assertFalse(r.analysisFailed());
  }

  /** Noise with per-pixel edges everywhere: leaves every working array full of marks. */
  private static BufferedImage noise(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(5);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return img;
  }

  @Test
  void anAnalysisAfterABiggerOneAnswersAsAFreshAnalysisDoes() throws Exception {
    byte[] big = encode(noise(1000, 700), "png");
    BufferedImage page = image(300, 200, Color.WHITE);
    Graphics2D g = page.createGraphics();
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawString("Quarterly report, draft 3", 10, 40);
    g.fillRect(10, 100, 120, 40);
    g.dispose();
    byte[] small = encode(page, "png");
    byte[] flat = raw(image(320, 180, Color.GRAY), true);
    ImageAnalysisResult smallFresh = new ImageAnalysis(256).analyze(small, ImageFormat.PNG, 0, 0);
    ImageAnalysisResult flatFresh = new ImageAnalysis(256).analyze(flat, ImageFormat.RAW_BGRA, 320, 180);
    ImageAnalysis reused = new ImageAnalysis(256);
    reused.analyze(big, ImageFormat.PNG, 0, 0);
    assertEquals(smallFresh, reused.analyze(small, ImageFormat.PNG, 0, 0));
    reused.analyze(big, ImageFormat.PNG, 0, 0);
    assertEquals(flatFresh, reused.analyze(flat, ImageFormat.RAW_BGRA, 320, 180));
    assertEquals(0.0, flatFresh.textDensity());
    assertEquals(0, flatFresh.uiElementCount());
  }

  @Test
  void analysesAtOnceKeepNoMoreWorkingSetsThanTheBound() throws Exception {
    byte[] png = encode(noise(600, 400), "png");
    ImageAnalysis shared = new ImageAnalysis(256);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<ImageAnalysisResult>> results = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        results.add(pool.submit(() -> shared.analyze(png, ImageFormat.PNG, 0, 0)));
      }
      ImageAnalysisResult first = results.get(0).get();
      for (var r : results) {
        assertEquals(first, r.get());
      }
    } finally {
      pool.shutdown();
    }
    int kept = shared.keptScratch();
    assertTrue(kept >= 1 && kept <= ImageAnalysis.KEPT_SCRATCH, "kept " + kept);
  }
}
