package org.pathlens.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.pathlens.encoders.ImageFileEmbedder;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.stain.StainAugmentation;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.encoders.preprocess.stain.StainTarget;
import org.pathlens.encoders.preprocess.stain.StainTargets;
import picocli.CommandLine.Option;

/** Stain normalisation and test-time augmentation options of the commands that embed images. */
final class StainCliOptions {

  @Option(
      names = "--stain-norm",
      paramLabel = "none|reinhard|macenko",
      description =
          "Stain normalisation before the model (default: none): Reinhard (Lab statistics) or"
              + " Macenko (stain vectors), toward --stain-target.")
  StainMethod method = StainMethod.NONE;

  @Option(
      names = "--stain-target",
      paramLabel = "FILE",
      description =
          "The normalisation target: a target JSON or a reference tile image (default: the target shipped"
              + " with PathLens, a generated center-a tile).")
  Path target;

  @Option(
      names = "--stain-fit",
      paramLabel = "tile|slide",
      description =
          "Estimate each tile's staining from the tile itself, or once per slide from a sample of its"
              + " tiles (tile folders: the manifest's slide_id) (default: tile).")
  StainFit fit = StainFit.TILE;

  @Option(
      names = "--tta",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Test-time stain augmentation: average the embeddings of N HED-jittered views (default: 1, none).")
  int views;

  @Option(
      names = "--tta-scale",
      paramLabel = "S",
      defaultValue = "0.05",
      description =
          "HED jitter: each stain's concentration is scaled by U(1-S, 1+S) (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(
      names = "--tta-shift",
      paramLabel = "B",
      defaultValue = "0.05",
      description =
          "HED jitter: and shifted by U(-B, B) optical density (default: ${DEFAULT-VALUE}).")
  double shift;

  @Option(
      names = "--tta-seed",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Mixed into each tile's jitter seed (which comes from its pixels) (default: ${DEFAULT-VALUE}).")
  long seed;

  /** The options asked for; a bad target file or view count is an error naming it. */
  StainOptions toStainOptions(ImageDecoder decoder) {
    StainNormalization normalization = StainNormalization.NONE;
    if (method != StainMethod.NONE) {
      StainTarget stainTarget =
          target == null
              ? StainTargets.defaultFor(method)
              : StainTargets.load(target, method, decoder);
      normalization = StainNormalization.toward(stainTarget, fit);
    } else if (target != null) {
      throw new IllegalArgumentException(
          "--stain-target " + target + " needs --stain-norm reinhard or macenko");
    }
    StainAugmentation augmentation;
    try {
      // One view is the tile itself: a single jittered view would only add noise.
      augmentation =
          views == 1 ? StainAugmentation.NONE : new StainAugmentation(views, scale, shift, seed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--tta: " + e.getMessage(), e);
    }
    return new StainOptions(normalization, augmentation);
  }

  /**
   * Embeds image files with these stain options ({@code embed}, {@code classify --images}): a
   * folder counts as a slide for {@code --stain-fit slide}; files that cannot be embedded are
   * reported on {@code err} (the command's stderr) under {@code command}'s name and skipped; a file
   * the model gives NaN or infinity for stops the command, naming it.
   */
  void embedFiles(
      VisionLanguageModel vlm,
      List<Path> files,
      ImageDecoder decoder,
      int batchSize,
      String command,
      PrintWriter err,
      Consumer<ImageFileEmbedder.Embedded> onEmbedded) {
    try (ImageFileEmbedder embedder =
        new ImageFileEmbedder(
            vlm.images().withStain(toStainOptions(decoder)), decoder, batchSize, 2)) {
      embedder.embed(
          files,
          file -> file.getParent() == null ? null : file.getParent().toString(),
          onEmbedded,
          ImageFileEmbedder.failOnNonFinite(
              skipped -> err.println("pathlens " + command + ": skipped " + skipped.reason())));
    }
  }
}
