package org.pathlens.cli;

import org.pathlens.encoders.EncoderOptions;
import picocli.CommandLine.Option;

/** {@code --batch N}: inputs per forward pass of an encoder. */
final class BatchOption {

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Inputs per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize = EncoderOptions.DEFAULT_BATCH_SIZE;
}
