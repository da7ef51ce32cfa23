package org.pathlens.cli;

import org.pathlens.encoders.preprocess.ImageDecoder;
import picocli.CommandLine.Option;

/** {@code --max-pixels N}: the decompression-bomb limit on the images a command reads. */
final class MaxPixelsOption {

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      description =
          "Refuse images with more pixels than this, read from their header before any pixel is"
              + " decoded (default: ${DEFAULT-VALUE}).")
  long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;

  ImageDecoder decoder() {
    return new ImageDecoder(maxPixels);
  }
}
