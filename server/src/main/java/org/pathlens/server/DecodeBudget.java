package org.pathlens.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pathlens.encoders.preprocess.ImageHeader;

/**
 * The memory the uploads being decoded may hold at once, shared by all of them. Byte limits bound
 * what a client sends, not what decoding it costs: a 690 KB PNG can decode to 1 GB, and eight of
 * them at once took a server from 286 MB to 6.2 GB (issue 32). So each upload reserves what its
 * header says its decode holds (at the scale it is decoded at) before its work is queued, and gives
 * it back when the work ends; an upload that does not fit waits up to {@link #waitMillis} for
 * others to finish, then is refused with 503 and {@code Retry-After}, the server's backpressure.
 * One that could never fit is a 413.
 */
final class DecodeBudget {

  /**
   * The default budget, in MB ({@code serve --decode-memory-mb}): with it, eight clients uploading
   * the largest image decoded exactly (a 4,096 px square 16-bit RGBA PNG, 184 MB) took the server
   * to 1.4–1.6 GB (1.3 GB with -Xmx1g); 1024 MB let it reach 1.9 GB, since the heap also holds the
   * garbage of decodes that ended (docs/api.md#uploads-of-a-big-image).
   */
  static final int DEFAULT_MB = 512;

  /** How long an upload waits for room before it is refused. */
  static final long DEFAULT_WAIT_MILLIS = 2_000;

  /** Permits are kilobytes: an int counts up to 2 TB of them. */
  private static final long UNIT = 1024;

  private final long bytes;
  private final long waitMillis;

  /** Fair: a large upload waiting for room is not overtaken by a stream of small ones. */
  private final Semaphore kilobytes;

  DecodeBudget(long bytes, long waitMillis) {
    if (bytes < UNIT || bytes / UNIT > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "the decode-memory budget must be 1 KB to 2 TB, got " + bytes + " bytes");
    }
    this.bytes = bytes;
    this.waitMillis = waitMillis;
    this.kilobytes = new Semaphore((int) (bytes / UNIT), true);
  }

  /**
   * Reserves the memory decoding the image of {@code header} takes.
   *
   * @param needed that memory, in bytes, as the decoder will decode it ({@link
   *     org.pathlens.encoders.preprocess.ImageDecoder#decodeCost})
   * @param name the client's name of the image, for messages
   * @throws ApiException 413 when the decode alone is over the whole budget; 503 when there is no
   *     room after {@link #waitMillis}
   */
  Reservation reserve(ImageHeader header, long needed, String name) {
    if (needed > bytes) {
      throw new ApiException(
          413,
          name
              + ": decoding this "
              + header.width()
              + "x"
              + header.height()
              + " "
              + header.format()
              + " ("
              + header.bitsPerPixel()
              + " bits a pixel) takes "
              + megabytes(needed)
              + " MB, over the server's decode-memory budget of "
              + megabytes(bytes)
              + " MB (--decode-memory-mb); send a smaller image",
          UploadedImage.PART);
    }
    int units = (int) Math.ceilDiv(needed, UNIT);
    boolean acquired;
    try {
      acquired = kilobytes.tryAcquire(units, waitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      acquired = false;
    }
    if (!acquired) {
      throw new ApiException(
          503,
          "the server is decoding other uploads: this image needs "
              + megabytes(needed)
              + " MB of its decode-memory budget of "
              + megabytes(bytes)
              + " MB (--decode-memory-mb), "
              + megabytes(available())
              + " MB are free; retry after "
              + InferencePool.RETRY_AFTER_SECONDS
              + " s",
          UploadedImage.PART);
    }
    return new Reservation(units);
  }

  /** Bytes not reserved now. */
  long available() {
    return kilobytes.availablePermits() * UNIT;
  }

  long bytes() {
    return bytes;
  }

  private static long megabytes(long bytes) {
    return Math.ceilDiv(bytes, 1024 * 1024);
  }

  /** Memory reserved for one decode; closing it (once, whoever does) gives it back. */
  final class Reservation implements AutoCloseable {

    private final int units;
    private final AtomicBoolean released = new AtomicBoolean();

    private Reservation(int units) {
      this.units = units;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        kilobytes.release(units);
      }
    }
  }
}
