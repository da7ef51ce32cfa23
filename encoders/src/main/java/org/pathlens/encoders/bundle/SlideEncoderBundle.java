package org.pathlens.encoders.bundle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A slide-encoder bundle directory: {@code model.json} ({@code "kind": "slide-encoder"}), {@code
 * slide_encoder.pt} and {@code canary.json}. The TorchScript takes one slide's tile features
 * float32 [N, D], their level-0 coordinates int64 [N, 2] and the tile side in level-0 pixels
 * (int64, a scalar) and returns the slide embedding float32 [D_s]. Loading checks the files and the
 * configuration; the engine's run of the canary comes when the encoder is loaded from it.
 *
 * @param dir the bundle directory, absolute
 * @param config the parsed {@code model.json}
 * @param contentHash SHA-256 over {@code model.json} and {@code slide_encoder.pt}
 * @param canary the canary
 */
public record SlideEncoderBundle(
    Path dir, SlideEncoderConfig config, String contentHash, SlideCanary canary) {

  public static final String ENCODER_FILE = "slide_encoder.pt";

  private static final List<String> FILES = List.of(ModelBundle.CONFIG_FILE, ENCODER_FILE);

  /**
   * Reads and validates the bundle at {@code dir}; throws {@link BundleException} naming the fault.
   */
  public static SlideEncoderBundle load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new BundleException(
          dir,
          "is not a directory (a slide-encoder bundle is a directory holding "
              + FILES
              + " and "
              + SlideCanary.FILE
              + ")");
    }
    for (String name : FILES) {
      if (!Files.isRegularFile(dir.resolve(name))) {
        throw new BundleException(
            dir.resolve(name),
            "missing: a slide-encoder bundle holds " + FILES + " and " + SlideCanary.FILE);
      }
    }
    SlideEncoderConfig config = SlideEncoderConfigReader.read(dir.resolve(ModelBundle.CONFIG_FILE));
    ModelBundle.requireTorchScript(dir.resolve(ENCODER_FILE));
    Path absolute = dir.toAbsolutePath().normalize();
    SlideCanary canary = SlideCanary.read(absolute);
    for (SlideCanary.Slide slide : canary.slides()) {
      if (slide.features()[0].length != config.tileFeatures().inputDim()) {
        throw new BundleException(
            canary.file(),
            "slide \""
                + slide.name()
                + "\" has features of "
                + slide.features()[0].length
                + " values; model.json tile_features.input_dim is "
                + config.tileFeatures().inputDim());
      }
    }
    return new SlideEncoderBundle(absolute, config, ModelBundle.hashFiles(absolute, FILES), canary);
  }

  public Path encoderFile() {
    return dir.resolve(ENCODER_FILE);
  }

  /** Short form of the content hash for logs and command output. */
  public String shortHash() {
    return contentHash.substring(0, 12);
  }
}
