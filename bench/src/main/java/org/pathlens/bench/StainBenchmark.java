package org.pathlens.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.ImageEncoder;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.stain.StainAugmentation;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.encoders.preprocess.stain.StainTargets;

/**
 * What stain handling costs per tile: the pixel work alone (one thread: estimate and re-stain per
 * tile, re-stain only as a per-slide fit does, one HED-jittered view), then whole embeddings per
 * second with each option through a bundle, against none. Prints tables and the command.
 */
public final class StainBenchmark {

  /**
   * @param bundle the model bundle for the embedding table
   * @param tiles tiles per measurement
   * @param sizes tile sizes for the pixel-work table
   * @param views test-time augmentation view counts for the embedding table
   * @param encoder device, batch size and libtorch threads of the embedding table
   */
  public record Options(
      Path bundle, int tiles, List<Integer> sizes, List<Integer> views, EncoderOptions encoder) {}

  private static final ImageDecoder DECODER = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

  private final Options options;
  private final PrintWriter out;

  public StainBenchmark(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  public void run(String command) throws Exception {
    out.printf(
        Locale.ROOT,
        "PathLens stain benchmark: %d tiles per measurement, %d cores, Java %s%n",
        options.tiles(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    out.println("command: " + command);
    out.println();
    out.println("Pixel work, one thread, ms per tile (best of 3 passes after a warm-up pass)");
    out.printf(
        Locale.ROOT,
        "%-8s %14s %14s %14s %14s %14s%n",
        "tile",
        "reinhard tile",
        "reinhard apply",
        "macenko tile",
        "macenko apply",
        "HED view");
    List<RgbImage> embedTiles = null;
    for (int size : options.sizes()) {
      List<RgbImage> tiles = decode(BenchmarkTiles.jpegs(options.tiles(), size, 11));
      if (embedTiles == null || size == 224) {
        embedTiles = tiles;
      }
      List<Double> cells = new ArrayList<>();
      for (StainMethod method : List.of(StainMethod.REINHARD, StainMethod.MACENKO)) {
        StainNormalization normalization =
            StainNormalization.toward(StainTargets.defaultFor(method), StainFit.TILE);
        cells.add(msPerTile(tiles, normalization::normalize));
        UnaryOperator<RgbImage> fitted = normalization.fitSlide(StainNormalization.sample(tiles));
        cells.add(msPerTile(tiles, fitted));
      }
      StainAugmentation jitter =
          new StainAugmentation(
              1, StainAugmentation.DEFAULT_SCALE, StainAugmentation.DEFAULT_SHIFT, 0);
      cells.add(msPerTile(tiles, tile -> jitter.views(tile).getFirst()));
      out.printf(
          Locale.ROOT,
          "%-8s %14.2f %14.2f %14.2f %14.2f %14.2f%n",
          size + " px",
          cells.get(0),
          cells.get(1),
          cells.get(2),
          cells.get(3),
          cells.get(4));
    }
    out.println(
        "(tile: estimate from the tile, then re-stain; apply: re-stain with a slide's fitted estimate)");
    out.println();
    embedTable(embedTiles);
  }

  private void embedTable(List<RgbImage> tiles) {
    ModelBundle bundle = ModelBundle.load(options.bundle());
    List<String> names =
        new ArrayList<>(
            List.of("none", "reinhard per tile", "macenko per tile", "macenko per slide"));
    List<StainOptions> runs =
        new ArrayList<>(
            List.of(
                StainOptions.NONE,
                normalised(StainMethod.REINHARD, StainFit.TILE),
                normalised(StainMethod.MACENKO, StainFit.TILE),
                normalised(StainMethod.MACENKO, StainFit.SLIDE)));
    for (int views : options.views()) {
      names.add("tta " + views + " views");
      runs.add(StainOptions.NONE.withAugmentation(StainAugmentation.of(views)));
    }
    try (VisionLanguageModel vlm = VisionLanguageModel.load(bundle, options.encoder())) {
      out.printf(
          Locale.ROOT,
          "Embedding with %s (%s) on %s, batch %d, one caller thread, better of 2 passes%n",
          bundle.config().name(),
          bundle.shortHash(),
          vlm.device(),
          options.encoder().batchSize());
      out.printf(
          Locale.ROOT,
          "%-22s %10s %12s %10s%n",
          "stain handling",
          "tiles/s",
          "ms per tile",
          "vs none");
      double none = 0;
      for (int i = 0; i < runs.size(); i++) {
        ImageEncoder encoder = vlm.images().withStain(runs.get(i));
        UnaryOperator<RgbImage> normalizer =
            encoder.slideNormalizer(StainNormalization.sample(tiles));
        encoder.encode(
            tiles.subList(0, Math.min(tiles.size(), 2 * options.encoder().batchSize())),
            normalizer);
        double ms = Double.MAX_VALUE;
        for (int pass = 0; pass < 2; pass++) { // the better of two passes
          long start = System.nanoTime();
          encoder.encode(tiles, normalizer);
          ms = Math.min(ms, (System.nanoTime() - start) / 1e6 / tiles.size());
        }
        none = i == 0 ? ms : none;
        out.printf(
            Locale.ROOT, "%-22s %10.1f %12.2f %9.2fx%n", names.get(i), 1000 / ms, ms, ms / none);
      }
    }
    out.println(
        "(per slide: fitted once on 16 of the tiles, not timed; the tiles are of mixed centers here)");
  }

  private static StainOptions normalised(StainMethod method, StainFit fit) {
    return StainOptions.NONE.withNormalization(
        StainNormalization.toward(StainTargets.defaultFor(method), fit));
  }

  /**
   * Mean ms per tile of {@code work} over {@code tiles}: the best of three passes after a full
   * warm-up pass (the JIT compiles the loops; the best pass is the one least disturbed by other
   * work on the machine).
   */
  private static double msPerTile(List<RgbImage> tiles, UnaryOperator<RgbImage> work) {
    long checksum = 0;
    double best = Double.MAX_VALUE;
    for (int pass = 0; pass < 4; pass++) {
      long start = System.nanoTime();
      for (RgbImage tile : tiles) {
        checksum += work.apply(tile).rgb()[0];
      }
      double ms = (System.nanoTime() - start) / 1e6 / tiles.size();
      best = pass == 0 ? best : Math.min(best, ms);
    }
    return checksum == Long.MIN_VALUE ? -1 : best; // the checksum keeps the results alive
  }

  private static List<RgbImage> decode(List<byte[]> jpegs) throws Exception {
    List<RgbImage> images = new ArrayList<>();
    for (int i = 0; i < jpegs.size(); i++) {
      images.add(DECODER.decode(jpegs.get(i), "tile" + i));
    }
    return images;
  }
}
