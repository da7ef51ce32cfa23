package org.pathlens.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.SkippedInput;

/**
 * How {@code pathlens ingest} shows its progress on stderr: a progress bar with tiles/s and ETA on
 * a terminal, plain log lines at most every {@link #LOG_INTERVAL} otherwise (a file or a CI log
 * would fill with carriage-return redraws). Skipped inputs and warnings are always lines of their
 * own.
 */
abstract sealed class IngestProgress implements IngestListener, AutoCloseable {

  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  final PrintWriter err;

  IngestProgress(PrintWriter err) {
    this.err = err;
  }

  /**
   * A bar when the process has a terminal, log lines on {@code err} otherwise. The bar itself is
   * drawn by me.tongfei:progressbar on the console's stderr (System.err): it redraws a line with
   * carriage returns, which only a terminal shows, and its library takes no PrintWriter.
   */
  static IngestProgress forConsole(PrintWriter err) {
    boolean terminal = System.console() != null && System.console().isTerminal();
    return terminal ? new Bar(err) : new Lines(err, System.nanoTime());
  }

  @Override
  public void skipped(SkippedInput skipped) {
    err.println("pathlens ingest: skipped " + skipped.reason());
  }

  @Override
  public void unchanged(long tiles, String what) {
    err.printf(
        Locale.ROOT,
        "pathlens ingest: %s: %d tiles already in the index, unchanged: kept (--reembed"
            + " embeds them again)%n",
        what,
        tiles);
  }

  @Override
  public void warning(String message) {
    err.println("pathlens ingest: warning: " + message);
  }

  @Override
  public abstract void close();

  /** The terminal bar (me.tongfei:progressbar). */
  static final class Bar extends IngestProgress {
    private final ProgressBar bar;
    private boolean closed;

    Bar(PrintWriter err) {
      super(err);
      bar =
          new ProgressBarBuilder()
              .setTaskName("ingest")
              .setInitialMax(0)
              .setStyle(ProgressBarStyle.ASCII)
              .setUnit(" tiles", 1)
              .showSpeed()
              .setUpdateIntervalMillis(500)
              .build();
    }

    @Override
    public void planned(long tiles, String what) {
      bar.maxHint(bar.getMax() + tiles);
      bar.setExtraMessage(" | " + what);
    }

    @Override
    public void indexed(int tiles) {
      bar.stepBy(tiles);
    }

    /** Draws the bar a last time; once only, so that a summary printed after it stays last. */
    @Override
    public void close() {
      if (!closed) {
        closed = true;
        bar.close();
      }
    }
  }

  /** Log lines: where it is, how fast, how long to go. */
  static final class Lines extends IngestProgress {
    private final long start;
    private long planned;
    private long done;
    private long lastLine;

    Lines(PrintWriter err, long startNanos) {
      super(err);
      this.start = startNanos;
      this.lastLine = startNanos;
    }

    @Override
    public void planned(long tiles, String what) {
      planned += tiles;
      err.printf(Locale.ROOT, "pathlens ingest: %s: %d tiles%n", what, tiles);
    }

    @Override
    public void indexed(int tiles) {
      done += tiles;
      long now = System.nanoTime();
      if (now - lastLine >= LOG_INTERVAL.toNanos()) {
        lastLine = now;
        err.println(line(done, planned, (now - start) / 1e9));
      }
    }

    /** {@code 320/1200 tiles (27 %), 85.1 tiles/s, ETA 10 s}. */
    static String line(long done, long planned, double seconds) {
      double rate = seconds > 0 ? done / seconds : 0;
      String eta = rate > 0 ? String.format(Locale.ROOT, "%.0f s", (planned - done) / rate) : "?";
      return String.format(
          Locale.ROOT,
          "pathlens ingest: %d/%d tiles (%.0f %%), %.1f tiles/s, ETA %s",
          done,
          planned,
          planned > 0 ? 100.0 * done / planned : 0,
          rate,
          eta);
    }

    @Override
    public void close() {}
  }
}
