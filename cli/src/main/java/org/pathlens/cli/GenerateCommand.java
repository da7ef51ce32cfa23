package org.pathlens.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pathlens.fixtures.synth.Center;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pathlens generate}: synthetic H&E data (tiles with a manifest, or a pyramidal slide). */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    header = "Generate synthetic H&E tiles and slides of known classes.",
    subcommands = {GenerateCommand.Tiles.class, GenerateCommand.Slide.class})
public final class GenerateCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "tiles",
      mixinStandardHelpOptions = true,
      header = "Write synthetic labelled H&E tiles and their manifest.",
      description =
          "Write labelled, captioned tiles of the nine NCT-CRC-HE classes from several simulated centers,"
              + " with manifest.csv.",
      footer = {
        "%nExample:",
        "  ./pathlens generate tiles --out /tmp/pl/tiles --per-class 2 --centers 2 \\",
        "      --seed 7"
      })
  static final class Tiles implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec; // prints to picocli's out

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(
        names = "--per-class",
        defaultValue = "4",
        description = "Tiles per class per center (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Mixin GeneratorOptions generator;

    @Option(
        names = "--tile-size",
        defaultValue = "224",
        paramLabel = "N",
        description = "Tile side in pixels at 0.5 µm/px (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
        names = "--layout",
        defaultValue = "mixed",
        paramLabel = "mixed|cases",
        description =
            "How tiles go to slides and patients: mixed (each slide holds many classes) or cases"
                + " (2 patients per class and center, 2 slides each, mostly of their class; needs"
                + " --per-class >= 4) (default: ${DEFAULT-VALUE}).")
    String layout;

    @Override
    public Integer call() throws Exception {
      PrintWriter stdout = spec.commandLine().getOut(); // not out: that is the --out path
      SyntheticTiles.Layout tileLayout;
      try {
        tileLayout = SyntheticTiles.Layout.parse(layout);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--layout: " + e.getMessage(), e);
      }
      var summary =
          SyntheticTiles.write(
              out,
              new SyntheticTiles.Options(
                  perClass,
                  generator.centers,
                  generator.seed,
                  size,
                  generator.workers,
                  tileLayout));
      for (Center center : summary.centers()) {
        stdout.println("  " + center);
      }
      double seconds = summary.elapsed().toNanos() / 1e9;
      stdout.printf(
          Locale.ROOT,
          "wrote %d tiles (%d classes x %d centers x %d) and %s in %.1f s (%.0f tiles/s, %d threads)%n",
          summary.tiles(),
          9,
          generator.centers,
          perClass,
          summary.manifest(),
          seconds,
          summary.tiles() / seconds,
          generator.workers);
      return 0;
    }
  }

  @Command(
      name = "slide",
      mixinStandardHelpOptions = true,
      header = "Write a synthetic whole-slide TIFF of known tissue regions.",
      description =
          "Write a pyramidal tiled TIFF slide of known tissue regions (0.5 µm/px) and its <name>.regions.json.",
      footer = {
        "%nExample:",
        "  ./pathlens generate slide --out /tmp/pl/slide.tiff --width 2048 --height 1536"
      })
  static final class Slide implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec; // prints to picocli's out

    @Option(names = "--out", required = true, description = "Output .tiff file.")
    Path out;

    @Option(
        names = "--width",
        defaultValue = "4096",
        description = "Level-0 width in pixels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(
        names = "--height",
        defaultValue = "3072",
        description = "Level-0 height in pixels (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(
        names = "--center",
        defaultValue = "center-a",
        description = "Center whose stain and scanner to use (default: ${DEFAULT-VALUE}).")
    String center;

    @Mixin GeneratorOptions generator;

    @Option(
        names = "--compression",
        defaultValue = "JPEG",
        paramLabel = "JPEG|DEFLATE",
        description = "Tile compression (default: ${DEFAULT-VALUE}).")
    PyramidTiffWriter.Compression compression;

    @Override
    public Integer call() throws Exception {
      PrintWriter stdout = spec.commandLine().getOut(); // not out: that is the --out path
      var summary =
          SyntheticSlide.write(
              out,
              new SyntheticSlide.Options(
                  width,
                  height,
                  center,
                  generator.centers,
                  generator.seed,
                  compression,
                  generator.workers));
      stdout.println("  " + summary.center());
      for (var level : summary.levels()) {
        stdout.printf(
            Locale.ROOT,
            "  level %dx: %d x %d%n",
            level.downsample(),
            level.width(),
            level.height());
      }
      double seconds = summary.elapsed().toNanos() / 1e9;
      stdout.printf(
          Locale.ROOT,
          "wrote %s and %s in %.1f s (%.1f Mpx/s at level 0, %d threads)%n",
          summary.slide(),
          summary.regions(),
          seconds,
          (double) width * height / 1e6 / seconds,
          generator.workers);
      return 0;
    }
  }
}
