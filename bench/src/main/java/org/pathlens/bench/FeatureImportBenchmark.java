package org.pathlens.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.features.FeatureFile;
import org.pathlens.index.ingest.ExistingTiles;
import org.pathlens.index.ingest.FeatureIngest;
import org.pathlens.index.ingest.FeatureModel;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.IngestSummary;
import org.pathlens.slides.SlideMppRule;

/**
 * How fast a TRIDENT feature file goes in, and what bounds it: parsing the HDF5 file alone
 * (PathLens's chunk-by-chunk reader, then h5py reading the same datasets whole, what a Python user
 * does), and the whole import into a new embedded index ({@code ingest --features} without a
 * slide), once per commit size asked for, each into its own new index (so {@code 1000,10000} puts
 * two commit sizes side by side, with the CPU time each took); the process's peak resident memory
 * (VmHWM) after each step. No model runs: the index records a provenance of the file's own
 * dimension, named as the file's {@code encoder}.
 */
public final class FeatureImportBenchmark {

  private FeatureImportBenchmark() {}

  /**
   * Runs the measurements on {@code file}, the indexes under {@code work}, and prints them.
   *
   * @param commitSizes tiles per commit of each import, in the order run
   */
  public static void run(
      Path file, Path work, List<Integer> commitSizes, Optional<String> python, PrintWriter out)
      throws IOException {
    long t0 = System.nanoTime();
    FeatureFile opened = FeatureFile.open(file);
    DoubleAdder checksum = new DoubleAdder();
    opened.forEachBlock(
        (first, rows) -> {
          for (float[] row : rows) {
            checksum.add(row[0]);
          }
        });
    double parseSeconds = (System.nanoTime() - t0) / 1e9;
    long parseRss = peakRssKb();
    int n = opened.rows(), d = opened.dimension();
    OptionalDouble h5pySeconds =
        python.isPresent() ? h5py(python.get(), file) : OptionalDouble.empty();

    String name = opened.encoder().orElse("bench-features");
    List<Import> imports = new ArrayList<>();
    for (int commit : commitSizes) {
      imports.add(importInto(work.resolve("index-" + imports.size()), file, name, d, commit));
    }
    double mb = (double) n * d * Float.BYTES / (1 << 20);

    out.printf(Locale.ROOT, "%s: %,d rows, D = %d (%.0f MB of features)%n", file, n, d, mb);
    out.printf(
        Locale.ROOT,
        "%-44s %12s %10s %14s %12s%n",
        "",
        "rows/s",
        "seconds",
        "peak RSS (MB)",
        "CPU seconds");
    out.printf(
        Locale.ROOT,
        "%-44s %,12.0f %10.2f %14.0f%n",
        "parse, PathLens (jHDF, chunk by chunk)",
        n / parseSeconds,
        parseSeconds,
        parseRss / 1024.0);
    if (h5pySeconds.isPresent()) {
      out.printf(
          Locale.ROOT,
          "%-44s %,12.0f %10.2f %14s%n",
          "parse, h5py (f['features'][:], f['coords'][:])",
          n / h5pySeconds.getAsDouble(),
          h5pySeconds.getAsDouble(),
          "(own process)");
    } else {
      out.println("parse, h5py: no /usr/bin/python3 with h5py here");
    }
    for (Import done : imports) {
      out.printf(
          Locale.ROOT,
          "%-44s %,12.0f %10.2f %14.0f %12.1f%n",
          "import, ingest --features, commit " + done.commitSize(),
          done.tiles() / done.seconds(),
          done.seconds(),
          done.peakRssKb() / 1024.0,
          done.cpuSeconds());
    }
    out.printf(
        Locale.ROOT,
        "(checksum %.3f; the JVM's heap limit %d MB)%n",
        checksum.sum(),
        Runtime.getRuntime().maxMemory() >> 20);
  }

  /**
   * One import: its commit size, the tiles it wrote, its seconds, the peak RSS after it, and the
   * CPU time the process spent meanwhile (all threads, merges included: the work done, which other
   * processes on the machine do not inflate as they do the seconds).
   */
  private record Import(
      int commitSize, long tiles, double seconds, long peakRssKb, double cpuSeconds) {}

  /** {@code ingest --features} of {@code file} into a new embedded index in {@code dir}. */
  private static Import importInto(Path dir, Path file, String name, int dimension, int commitSize)
      throws IOException {
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    IngestSummary summary;
    try (TileIndex index =
        TileIndex.open(
            dir,
            new IndexProvenance(name, "0".repeat(64), dimension),
            IndexSettings.defaults().withCommitSize(commitSize))) {
      summary =
          new FeatureIngest(
                  new FeatureModel(name, dimension),
                  false,
                  SlideMppRule.OWN,
                  256,
                  ExistingTiles.KEEP,
                  null)
              .ingest(List.of(file), List.of(), index, IngestListener.NONE);
    }
    return new Import(
        commitSize,
        summary.tiles(),
        (System.nanoTime() - start) / 1e9,
        peakRssKb(),
        (processCpuNanos() - cpuStart) / 1e9);
  }

  /** The CPU time of this process so far, all threads (0 where the JVM does not say). */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  /** Debian's {@code /usr/bin/python3}, when it can import h5py (the comparison column). */
  public static Optional<String> pythonWithH5py() {
    try {
      Process p =
          new ProcessBuilder("/usr/bin/python3", "-c", "import h5py")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0
          ? Optional.of("/usr/bin/python3")
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Seconds h5py takes to read both datasets whole, measured in its own process. */
  private static OptionalDouble h5py(String python, Path file) throws IOException {
    Process p =
        new ProcessBuilder(
                python,
                "-c",
                "import h5py, sys, time\n"
                    + "t = time.perf_counter()\n"
                    + "with h5py.File(sys.argv[1], 'r') as f:\n"
                    + "    x = f['features'][:]\n"
                    + "    c = f['coords'][:]\n"
                    + "print(time.perf_counter() - t)",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        return OptionalDouble.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Double.parseDouble(printed));
  }

  /** The process's peak resident set (VmHWM, kB) on Linux; 0 elsewhere. */
  static long peakRssKb() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }
}
