package dev.skellyjelly.storage.screenshot;

import dev.skellyjelly.storage.event.ImageFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Extracts a screenshot's metadata: text density ({@link TextDensity}), the five dominant colours
 * ({@link DominantColours}) and the number of UI elements ({@link UiElements}), all measured on a
 * grid of at most {@code maxAnalysisSide} pixels a side. Raw RGBA/BGRA is box-averaged straight
 * from the bytes and 8-bit RGB/RGBA PNGs row by row as they are decoded ({@link GridBuilder});
 * other PNGs and JPEG go through ImageIO, subsampled while decoding. The working arrays are
 * reused ({@link AnalysisScratch}). Never throws: a bad image gives a result saying what was wrong
 * with it. Thread-safe; blocking (CPU) work.
 */
public final class ImageAnalysis {

  public static final int DEFAULT_MAX_SIDE = 512;
  /** Scratch sets kept between analyses: one per core of the machines this runs on. */
  static final int KEPT_SCRATCH = 2;
  private final int maxAnalysisSide;
  private final BlockingQueue<AnalysisScratch> scratches = new ArrayBlockingQueue<>(KEPT_SCRATCH);

  public ImageAnalysis(int maxAnalysisSide) {
    if (maxAnalysisSide < 16) {
      throw new IllegalArgumentException("analysis side must be at least 16 px, got " + maxAnalysisSide);
    }
    this.maxAnalysisSide = maxAnalysisSide;
  }

  public ImageAnalysisResult analyze(byte[] data, ImageFormat format, int declaredWidth,
      int declaredHeight) {
    if (data == null || data.length == 0) {
      return ImageAnalysisResult.failed("the image is empty (0 bytes)", declaredWidth, declaredHeight);
    }
    if (format == null) {
      return ImageAnalysisResult.failed("the image format is missing", declaredWidth, declaredHeight);
    }
    // A kept scratch set if one is free (analyses running at once each need their own).
    AnalysisScratch scratch = scratches.poll();
    if (scratch == null) {
      scratch = new AnalysisScratch();
    }
    try {
      Decoded decoded = format.isRaw()
          ? raw(data, format, declaredWidth, declaredHeight, scratch)
          : encoded(data, format, scratch);
      if (decoded.failure != null) {
        return ImageAnalysisResult.failed(decoded.failure, declaredWidth, declaredHeight);
      }
      PixelGrid grid = decoded.grid;
      return new ImageAnalysisResult(decoded.width, decoded.height, TextDensity.of(grid, scratch),
          DominantColours.of(grid, 5, scratch), UiElements.count(grid, scratch), null);
    } catch (RuntimeException | OutOfMemoryError e) {
      return ImageAnalysisResult.failed(format + " image could not be analysed: " + e,
          declaredWidth, declaredHeight);
    } finally {
      scratches.offer(scratch); // dropped when KEPT_SCRATCH are kept already
    }
  }

  /** How many scratch sets are kept now (at most {@link #KEPT_SCRATCH}). */
  int keptScratch() {
    return scratches.size();
  }

  private record Decoded(PixelGrid grid, int width, int height, String failure) {
    static Decoded failure(String reason) {
      return new Decoded(null, 0, 0, reason);
    }
  }

  private Decoded raw(byte[] data, ImageFormat format, int width, int height, AnalysisScratch scratch) {
    if (width <= 0 || height <= 0) {
      return Decoded.failure("raw " + format + " needs its width and height, got " + width + "x" + height);
    }
    long needed = 4L * width * height;
    if (data.length != needed) {
      return Decoded.failure("raw " + format + " data is " + data.length + " bytes but " + width + "x"
          + height + " needs " + needed);
    }
    return new Decoded(PixelGrid.fromRaw(data, width, height, format == ImageFormat.RAW_RGBA,
        maxAnalysisSide, scratch), width, height, null);
  }

  private Decoded encoded(byte[] data, ImageFormat format, AnalysisScratch scratch) {
    if (format == ImageFormat.PNG) {
      try {
        PngDecoder.Decoded png = PngDecoder.decode(data, maxAnalysisSide, scratch);
        if (png != null) {
          return new Decoded(png.grid(), png.width(), png.height(), null);
        }
      } catch (IOException e) {
        return Decoded.failure(e.getMessage());
      }
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(
          format == ImageFormat.PNG ? "png" : "jpeg");
      if (!readers.hasNext()) {
        return Decoded.failure("no " + format + " decoder in this JVM");
      }
      ImageReader reader = readers.next();
      StringBuilder warnings = new StringBuilder();
      try {
        // The JPEG decoder reports a truncated file as a warning and fills the rest with grey.
        reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning));
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        ImageReadParam param = reader.getDefaultReadParam();
        int step = PixelGrid.step(width, height, maxAnalysisSide);
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage image = reader.read(0, param);
        if (warnings.length() > 0) {
          return Decoded.failure(format + " data is damaged: " + warnings);
        }
        int gw = image.getWidth();
        int gh = image.getHeight();
        int[] rgb = image.getRGB(0, 0, gw, gh, null, 0, gw);
        for (int i = 0; i < rgb.length; i++) {
          rgb[i] &= 0xFFFFFF;
        }
        return new Decoded(new PixelGrid(gw, gh, rgb), width, height, null);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      return Decoded.failure(format + " data is truncated or corrupt: " + e.getMessage());
    }
  }

  /** The colours as {@code #rrggbb} strings, in order of share. */
  public static List<String> hex(List<DominantColor> colours) {
    return colours.stream().map(DominantColor::hex).toList();
  }
}
