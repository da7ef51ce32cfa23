package org.pathlens.cli;

import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How {@code eval run}, {@code eval compare} and {@code eval table} run the encoders of their
 * configs: on the CPU unless told otherwise, since the configs' expected values are recorded there
 * and a GPU's kernels may move the last digits of an embedding.
 */
final class EvalOptions {

  @Option(
      names = "--device",
      paramLabel = "cpu|gpu|auto",
      converter = Spellings.Device.class,
      description =
          "Where the encoders run (default: cpu, where the configs' expected values are"
              + " recorded).")
  DeviceChoice device = DeviceChoice.CPU;

  @Mixin ThreadsOption threads;

  EncoderOptions toEncoderOptions() {
    return new EncoderOptions(device, false, EncoderOptions.DEFAULT_BATCH_SIZE, threads.threads);
  }
}
