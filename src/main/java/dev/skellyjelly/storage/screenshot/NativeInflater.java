package dev.skellyjelly.storage.screenshot;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole-buffer zlib inflation with libdeflate (Debian's {@code libdeflate0}, which libtiff and
 * so Tesseract already bring), called through JNA. On the noisy 5.5 MB PNG of
 * {@code bench-screenshots} it inflates about twice as fast as {@code java.util.zip} (11–14 ms
 * against 24–28 ms), most of a PNG screenshot's 25 ms; the README has the figures. libdeflate needs the
 * whole output size up front — a PNG's is known from its header. Where the library does not
 * load, {@link #available()} is false and the PNG decoder streams through {@code java.util.zip}.
 * Thread-safe: each call has its own decompressor.
 */
final class NativeInflater {

  private static final Logger LOG = LoggerFactory.getLogger(NativeInflater.class);
  /** libdeflate's result codes (libdeflate.h). */
  private static final int SUCCESS = 0;
  /** {@code -Dskelly.libdeflate=false} keeps java.util.zip (to compare, or to rule libdeflate out). */
  static final String ENABLED_PROPERTY = "skelly.libdeflate";

  /** The two calls of libdeflate's API this class uses, plus the free. */
  private interface LibDeflate extends Library {
    Pointer libdeflate_alloc_decompressor();

    int libdeflate_zlib_decompress(Pointer decompressor, Pointer in, NativeLong inBytes, Pointer out,
        NativeLong outBytesAvailable, Pointer actualOutBytes);

    void libdeflate_free_decompressor(Pointer decompressor);
  }

  /** Loaded once, on first use. */
  private static final class Holder {
    static final LibDeflate LIB = load();

    private static LibDeflate load() {
      if ("false".equals(System.getProperty(ENABLED_PROPERTY))) {
        LOG.info("-D{}=false: PNG screenshots are inflated with java.util.zip", ENABLED_PROPERTY);
        return null;
      }
      try {
        LibDeflate lib = Native.load("deflate", LibDeflate.class);
        LOG.debug("PNG screenshots are inflated with libdeflate");
        return lib;
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        LOG.info("libdeflate not found ({}); PNG screenshots are inflated with java.util.zip, about"
            + " twice as slow (install libdeflate0 for the faster path)", e.getMessage());
        return null;
      }
    }
  }

  private NativeInflater() {
  }

  static boolean available() {
    return Holder.LIB != null;
  }

  /** Inflated bytes in native memory, read out a slice at a time; closing releases them. */
  static final class Inflated implements AutoCloseable {
    private final Memory buffer;
    private final Pointer bytes;

    private Inflated(Memory buffer, Pointer bytes) {
      this.buffer = buffer;
      this.bytes = bytes;
    }

    /** Copies {@code into.length} bytes from {@code offset} into {@code into}. */
    void read(long offset, byte[] into) {
      bytes.read(offset, into, 0, into.length);
    }

    @Override
    public void close() {
      release(buffer);
    }
  }

  /**
   * Inflates one zlib stream, given as {@code segments} of {@code data} ({offset, length} pairs,
   * e.g. a PNG's IDAT chunks), into exactly {@code expected} bytes; {@code null} when the stream
   * is damaged or holds any other amount (the caller's streaming decoder then names the fault).
   */
  static Inflated inflate(byte[] data, List<int[]> segments, long expected) {
    LibDeflate lib = Holder.LIB;
    long length = segments.stream().mapToLong(s -> s[1]).sum();
    if (lib == null || length == 0 || expected <= 0) {
      return null;
    }
    Pointer decompressor = lib.libdeflate_alloc_decompressor();
    if (decompressor == null) {
      return null;
    }
    // One buffer: the compressed stream, then the output, then the output's actual size.
    Memory buffer = take(length + expected + 8);
    boolean handedOut = false;
    try {
      long at = 0;
      for (int[] segment : segments) {
        buffer.write(at, data, segment[0], segment[1]);
        at += segment[1];
      }
      Pointer out = buffer.share(length, expected);
      Pointer actual = buffer.share(length + expected, 8);
      int result = lib.libdeflate_zlib_decompress(decompressor, buffer, new NativeLong(length), out,
          new NativeLong(expected), actual);
      if (result == SUCCESS && actual.getLong(0) == expected) {
        handedOut = true;
        return new Inflated(buffer, out);
      }
      return null;
    } finally {
      lib.libdeflate_free_decompressor(decompressor);
      if (!handedOut) {
        release(buffer);
      }
    }
  }

  /**
   * One buffer is kept for the next screenshot: a fresh 11 MB allocation costs its page faults
   * (measured ~4 ms of the PNG's budget); one at a time is the usual case, others allocate.
   */
  private static final int KEPT_MAX_BYTES = 24 << 20;
  private static final AtomicReference<Memory> SPARE = new AtomicReference<>();

  private static Memory take(long size) {
    Memory spare = SPARE.getAndSet(null);
    if (spare != null && spare.size() >= size) {
      return spare;
    }
    if (spare != null) {
      spare.close();
    }
    return new Memory(size);
  }

  private static void release(Memory buffer) {
    if (buffer.size() > KEPT_MAX_BYTES || !SPARE.compareAndSet(null, buffer)) {
      buffer.close();
    }
  }
}
