package dev.skellyjelly.storage.privacy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.awt.Rectangle;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import net.sourceforge.tess4j.ITessAPI;
import net.sourceforge.tess4j.TessAPI;

/**
 * Tesseract (Debian's {@code libtesseract5}) through tess4j's JNA mapping of its C API. A
 * {@code TessBaseAPI} handle is not thread-safe and costs ~0.1 s and some 15 MB to load, so at
 * most one per masking worker is loaded, at first use, and lent to one call at a time.
 * Page segmentation is "sparse text" (PSM 11): a screenshot is scattered labels and fields, not a
 * page of columns. Debian builds Tesseract with OpenMP, whose spinning threads cost two to three
 * times the CPU of the recognition itself on a busy machine; {@code OMP_THREAD_LIMIT=1} is set in
 * the process before the library loads, so each recognition runs on its worker's thread only.
 */
public final class TesseractReader implements TextReader {

  private static final int PSM_SPARSE_TEXT = 11;

  /** libc's setenv, to configure OpenMP before libtesseract (and libgomp) load. */
  private interface CLib extends Library {
    int setenv(String name, String value, int overwrite);
  }

  private final BlockingQueue<ITessAPI.TessBaseAPI> idle;
  private final List<ITessAPI.TessBaseAPI> all = new ArrayList<>();
  private final TessAPI api;
  private final Path dataDir;
  private final String language;
  private final int maxHandles;

  private TesseractReader(TessAPI api, Path dataDir, String language, int maxHandles) {
    this.api = api;
    this.dataDir = dataDir;
    this.language = language;
    this.maxHandles = maxHandles;
    this.idle = new ArrayBlockingQueue<>(maxHandles);
  }

  /**
   * Checks the language data and loads the library; the engines themselves load at first use
   * (a module that is never asked for a screenshot never pays for them), at most {@code handles}.
   *
   * @throws OcrException saying what is missing and how to install it
   */
  public static TesseractReader open(Path dataDir, String language, int handles) throws OcrException {
    Path model = dataDir.resolve(language + ".traineddata");
    if (!Files.isRegularFile(model)) {
      throw new OcrException("no Tesseract language data at " + model + "; install it (Debian:"
          + " apt-get install tesseract-ocr tesseract-ocr-" + language + ") or set"
          + " [privacy] ocr_data_dir");
    }
    try {
      Native.load("c", CLib.class).setenv("OMP_THREAD_LIMIT", "1", 0);
      return new TesseractReader(TessAPI.INSTANCE, dataDir, language, handles);
    } catch (LinkageError e) {
      throw new OcrException("the Tesseract library could not be loaded (" + e.getMessage()
          + "); install it (Debian: apt-get install tesseract-ocr, which brings libtesseract5)", e);
    }
  }

  /** An idle engine, or a new one while fewer than the maximum exist. */
  private ITessAPI.TessBaseAPI borrow() throws OcrException {
    ITessAPI.TessBaseAPI handle = idle.poll();
    if (handle != null) {
      return handle;
    }
    synchronized (all) {
      if (all.size() >= maxHandles) {
        throw new OcrException("more OCR calls at once than the " + maxHandles + " engines allowed"
            + " ([privacy] mask_workers)");
      }
      try {
        handle = api.TessBaseAPICreate();
        api.TessBaseAPISetVariable(handle, "debug_file", "/dev/null");
        if (api.TessBaseAPIInit3(handle, dataDir.toString(), language) != 0) {
          api.TessBaseAPIDelete(handle);
          throw new OcrException("Tesseract could not load " + language + " from " + dataDir
              + "; reinstall the language data or point [privacy] ocr_data_dir at a tessdata directory");
        }
      } catch (RuntimeException | LinkageError e) {
        throw new OcrException("the Tesseract library does not work (" + e + "); install Debian's"
            + " tesseract-ocr 5 (libtesseract5)", e);
      }
      api.TessBaseAPISetVariable(handle, "debug_file", "/dev/null");
      api.TessBaseAPISetPageSegMode(handle, PSM_SPARSE_TEXT);
      all.add(handle);
      return handle;
    }
  }

  @Override
  public List<OcrWord> read(byte[] grey, int width, int height, List<Rectangle> regions)
      throws OcrException {
    ITessAPI.TessBaseAPI handle = borrow();
    try {
      ByteBuffer pixels = ByteBuffer.allocateDirect(grey.length);
      pixels.put(grey).flip();
      api.TessBaseAPISetImage(handle, pixels, width, height, 1, width);
      api.TessBaseAPISetSourceResolution(handle, 96);
      List<OcrWord> words = new ArrayList<>();
      for (Rectangle r : regions) {
        api.TessBaseAPISetRectangle(handle, r.x, r.y, r.width, r.height);
        if (api.TessBaseAPIRecognize(handle, null) != 0) {
          throw new OcrException("Tesseract failed to recognise region " + r);
        }
        collectWords(handle, words);
      }
      return words;
    } finally {
      api.TessBaseAPIClear(handle);
      idle.add(handle);
    }
  }

  private void collectWords(ITessAPI.TessBaseAPI handle, List<OcrWord> words) {
    ITessAPI.TessResultIterator it = api.TessBaseAPIGetIterator(handle);
    if (it == null) {
      return; // nothing recognised
    }
    try {
      ITessAPI.TessPageIterator page = api.TessResultIteratorGetPageIterator(it);
      IntBuffer left = IntBuffer.allocate(1);
      IntBuffer top = IntBuffer.allocate(1);
      IntBuffer right = IntBuffer.allocate(1);
      IntBuffer bottom = IntBuffer.allocate(1);
      do {
        Pointer text = api.TessResultIteratorGetUTF8Text(it, ITessAPI.TessPageIteratorLevel.RIL_WORD);
        if (text == null) {
          continue;
        }
        String word = text.getString(0, StandardCharsets.UTF_8.name());
        api.TessDeleteText(text);
        float confidence = api.TessResultIteratorConfidence(it, ITessAPI.TessPageIteratorLevel.RIL_WORD);
        if (word.isBlank() || api.TessPageIteratorBoundingBox(page,
            ITessAPI.TessPageIteratorLevel.RIL_WORD, left, top, right, bottom) == 0) {
          continue;
        }
        words.add(new OcrWord(word.strip(), new Rectangle(left.get(0), top.get(0),
            right.get(0) - left.get(0), bottom.get(0) - top.get(0)), confidence));
      } while (api.TessPageIteratorNext(page, ITessAPI.TessPageIteratorLevel.RIL_WORD) == ITessAPI.TRUE);
    } finally {
      api.TessResultIteratorDelete(it);
    }
  }

  @Override
  public void close() {
    synchronized (all) {
      for (ITessAPI.TessBaseAPI handle : all) {
        api.TessBaseAPIEnd(handle);
        api.TessBaseAPIDelete(handle);
      }
      all.clear();
      idle.clear();
    }
  }
}
