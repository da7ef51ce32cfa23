package org.pathlens.cli;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.slides.SlideException;
import org.pathlens.slides.SlideLevel;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.SlideSummary;
import org.pathlens.slides.SlideTiler;
import org.pathlens.slides.TiffSlideReader;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pathlens slide}: look at whole-slide images. */
@Command(
    name = "slide",
    mixinStandardHelpOptions = true,
    header = "Inspect whole-slide images.",
    description =
        "Whole-slide images: generic TIFF in Java, vendor formats (SVS, NDPI, MRXS, ...) through OpenSlide.",
    subcommands = {SlideCommand.Info.class})
public final class SlideCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      header = "Show a slide's levels, resolution, tissue share and tile count.",
      description = {
        "Levels, resolution, vendor, tissue fraction and the number of tiles a slide gives.",
        "With --read-tiles, also reads and resamples every kept tile and reports tiles/s (no encoding)."
      },
      footer = {
        "%nExample:",
        "  ./pathlens slide info /tmp/pl/slide.tiff --mpp 0.5 \\",
        "      --thumbnail /tmp/pl/thumbnail.png"
      })
  static final class Info implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec; // picocli's out and err

    @Parameters(
        paramLabel = "FILE",
        description = "The slide: a file, or a folder holding the instances of one DICOM series.")
    Path file;

    @Mixin TilingCliOptions tiling;

    @Option(
        names = "--tile-size",
        defaultValue = "224",
        paramLabel = "N",
        description = "Tile side in pixels (default: ${DEFAULT-VALUE}).")
    int tileSize;

    @Option(names = "--thumbnail", paramLabel = "OUT.png", description = "Write a thumbnail PNG.")
    Path thumbnail;

    @Option(
        names = "--thumbnail-size",
        defaultValue = "1024",
        description = "Longer side of the thumbnail (default: ${DEFAULT-VALUE}).")
    int thumbnailSize;

    @Option(names = "--read-tiles", description = "Read every kept tile and report the throughput.")
    boolean readTiles;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      TilingOptions options = tiling.toTilingOptions(tileSize);
      try (SlideReader slide = SlideReaders.open(file)) {
        printLevels(slide, out);
        if (thumbnail != null) {
          RgbImage image = slide.thumbnail(thumbnailSize);
          ImageIO.write(toBufferedImage(image), "png", thumbnail.toFile());
          out.printf(
              Locale.ROOT, "thumbnail: %s (%d x %d)%n", thumbnail, image.width(), image.height());
        }
        SlideSummary summary = SlideSummary.of(slide, options, TissueDetector.defaults());
        var plan = summary.plan();
        out.printf(Locale.ROOT, "tissue: %.1f %% of the slide%n", 100 * summary.tissueFraction());
        out.printf(
            Locale.ROOT,
            "tiles at %.3f µm/px, %d px: %d of %d with >= %.0f %% tissue"
                + " (level %d read %d x %d px per tile, %.4f µm/px as read)%n",
            tiling.mpp,
            tileSize,
            summary.keptTiles(),
            plan.gridSize(),
            100 * tiling.minTissue,
            plan.level(),
            plan.readWidth(),
            plan.readHeight(),
            plan.tileMpp());
        plan.warnings()
            .forEach(
                w -> spec.commandLine().getErr().println("pathlens slide info: warning: " + w));
        if (readTiles) {
          SlideTiler tiler = SlideTiler.of(slide, options, TissueDetector.defaults());
          long start = System.nanoTime();
          long count = tiler.tiles().count();
          double seconds = (System.nanoTime() - start) / 1e9;
          out.printf(
              Locale.ROOT,
              "read %d tiles in %.2f s: %.0f tiles/s (one thread, read + resample)%n",
              count,
              seconds,
              count / seconds);
        }
      } catch (SlideException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      return 0;
    }

    private static void printLevels(SlideReader slide, PrintWriter out) {
      out.println("slide: " + slide.path());
      out.println(
          "vendor: " + slide.vendor() + " (read by " + slide.getClass().getSimpleName() + ")");
      out.println(
          "mpp: "
              + slide
                  .mpp()
                  .map(
                      m ->
                          String.format(
                              Locale.ROOT,
                              "%.4f x %.4f µm/px (from %s)",
                              m.x(),
                              m.y(),
                              slide.mppSource()))
                  .orElse("unknown" + slide.mppRejection().map(r -> " (" + r + ")").orElse("")));
      for (int k = 0; k < slide.levelCount(); k++) {
        SlideLevel level = slide.level(k);
        String storedIn = slide.properties().get(TiffSlideReader.STORED_IN.formatted(k));
        out.printf(
            Locale.ROOT,
            "level %d: %d x %d, downsample %.4f%s%n",
            k,
            level.width(),
            level.height(),
            level.downsample(),
            storedIn == null ? "" : " (" + storedIn + ")");
      }
    }

    private static BufferedImage toBufferedImage(RgbImage image) {
      BufferedImage out =
          new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
      byte[] data = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
      for (int i = 0; i < data.length; i += 3) {
        data[i] = image.rgb()[i + 2];
        data[i + 1] = image.rgb()[i + 1];
        data[i + 2] = image.rgb()[i];
      }
      return out;
    }
  }
}
