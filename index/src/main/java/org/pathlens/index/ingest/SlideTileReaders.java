package org.pathlens.index.ingest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.pathlens.slides.SlideException;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.SlideTile;
import org.pathlens.slides.SlideTiler;
import org.pathlens.slides.TilePosition;
import org.pathlens.slides.TilingOptions;

/**
 * Reads a slide's tiles on a small pool, each thread with its own reader of the slide: the
 * pure-Java TIFF reader serialises reads on one reader (the JDK's decoders are not thread-safe), so
 * parallel reading needs one per thread; OpenSlide would share one, but a handle per thread costs
 * little. Readers open lazily on first use and close with the pool.
 */
final class SlideTileReaders implements AutoCloseable {
  private final Path slide;
  private final SlideTiler tiler;
  private final TilingOptions options;
  private final ExecutorService pool;
  private final List<SlideReader> opened = Collections.synchronizedList(new ArrayList<>());
  private final ThreadLocal<SlideTiler> threadTiler = new ThreadLocal<>();

  /**
   * {@code tiler} planned the tiles; each thread reads through a tiler of its own reader with the
   * same options and tissue mask, so positions mean the same.
   */
  SlideTileReaders(Path slide, SlideTiler tiler, TilingOptions options, int threads) {
    this.slide = slide;
    this.tiler = tiler;
    this.options = options;
    this.pool =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().name("pathlens-slide-read-", 0).daemon().factory());
  }

  /**
   * Starts reading {@code position}; the future fails with the {@link SlideException} of a bad
   * tile.
   */
  Future<SlideTile> submit(TilePosition position) {
    return pool.submit(() -> tilerOfThisThread().read(position));
  }

  private SlideTiler tilerOfThisThread() throws SlideException {
    SlideTiler mine = threadTiler.get();
    if (mine == null) {
      SlideReader reader = SlideReaders.open(slide);
      opened.add(reader);
      mine = SlideTiler.of(reader, options, tiler.mask());
      threadTiler.set(mine);
    }
    return mine;
  }

  /** Stops the pool, waits for reads in flight, then closes the readers. */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("reads of " + slide + " did not stop within a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (opened) {
      opened.forEach(SlideReader::close);
    }
  }
}
